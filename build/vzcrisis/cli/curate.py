"""CLI commands: curation workflow (add-source, cite, draft, review, status).

The library modules (and rich) are imported inside the commands that use them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from venezuela_crisis.errors import InputError

from .common import DecisionDateOption, JsonOption, RootOption, print_json, run

if TYPE_CHECKING:
    from ..curate import review as review_lib


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
    app.command("add-source")(add_source)
    app.command("cite")(cite)
    app.command("draft")(draft)
    app.command("review")(review)
    app.command("status")(status)


def add_source(
    file: Annotated[Path, typer.Argument(help="Article text file (UTF-8); copied unchanged.")],
    origin: Annotated[str, typer.Option(help="Upstream report the article relays (Reuters…).")],
    publisher: Annotated[
        str | None, typer.Option(help="Publisher as named in the article (omit if not named).")
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date as printed, YYYY-MM-DD (omit if none).")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Headline as printed.")] = None,
    byline: Annotated[str | None, typer.Option(help="Byline as printed.")] = None,
    url: Annotated[str | None, typer.Option(help="Where the article was published.")] = None,
    language: Annotated[str, typer.Option(help="Language of the text (BCP 47).")] = "en",
    root: RootOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Add an article: copy it into seeds/articles/ and append a pending source record."""
    from ..curate import sources as sources_lib

    added = run(
        lambda: sources_lib.add_source(
            root,
            file,
            publisher=publisher,
            published=published,
            origin=origin,
            title=title,
            byline=byline,
            url=url,
            language=language,
        )
    )
    if as_json:
        print_json(dataclasses.asdict(added))
        return
    typer.echo(f"added {added.id}: seeds/articles/{added.file} ({added.records_file}, pending)")
    quote = added.record["citations"][0]["quote"]
    typer.echo(f'origin citation (check it in review): "{quote}"')


def cite(
    source_id: Annotated[str, typer.Argument(help="Source id, e.g. src-61c42525.")],
    quote: Annotated[str, typer.Argument(help="The words to cite (typographic variants ok).")],
    root: RootOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Find a quote in a source and print a ready citation with exact offsets."""
    from ..curate import sources as sources_lib

    citation = run(lambda: sources_lib.cite(root, source_id, quote))
    if as_json:
        print_json(citation)
        return
    if citation["quote"] != quote:
        typer.echo("note: matched a typographic variant; the quote is the source's text", err=True)
    typer.echo(sources_lib.citation_yaml(citation), nl=False)


def draft(
    source_id: Annotated[
        str | None, typer.Argument(help="Source id to draft records from.")
    ] = None,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Instead: re-draft every source with its own evidence held out and print "
            "precision and recall against the curated records.",
        ),
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="With --evaluate: also write the report (Markdown) here.")
    ] = None,
    root: RootOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Propose pending events, demands, sanctions, actors and citations for a source."""
    from ..curate import draft as draft_lib

    if evaluate:
        _evaluate(root, report, as_json)
        return
    if source_id is None:
        run(_no_source)
        return
    drafted = run(lambda: draft_lib.draft(root, source_id))
    if as_json:
        print_json(dataclasses.asdict(drafted))
        return
    for table, records in drafted.tables.items():
        typer.echo(f"{len(records)} draft {table} in {drafted.files[table]} (all pending)")
        for record in records:
            typer.echo(f"  {draft_lib.describe(table, record)}")
    if drafted.citations:
        typer.echo(
            f"{len(drafted.citations)} citations to add to existing records in "
            f"{drafted.citations_file} (pending)"
        )
        for proposal in drafted.citations:
            typer.echo(
                f"  {proposal['table']} {proposal['record']}: {proposal['citation']['quote']}"
            )
    if drafted.origin:
        o = drafted.origin
        typer.echo(
            f"origin: probably {o['origin']} ({o['overlap']:.0%} of its 5-word phrases are in "
            f"{o['source']}); stored pending in {drafted.citations_file} (origin:)"
        )
        typer.echo(
            f"  to confirm it: vzcrisis review --table sources --source {drafted.source} "
            "(accepting sets the source record's origin)"
        )


def _no_source() -> None:
    raise InputError("draft: give a SOURCE_ID (see `vzcrisis sources`), or --evaluate")


def _evaluate(root: Path, report: Path | None, as_json: bool) -> None:
    from ..curate import evaluate as evaluate_lib

    result = run(lambda: evaluate_lib.evaluate(root))
    text = evaluate_lib.markdown(result)
    if report is not None:
        report.write_text(text, encoding="utf-8")
    if as_json:
        print_json(dataclasses.asdict(result))
        return
    typer.echo(text, nl=False)


def review(
    table: Annotated[str | None, typer.Option(help="Only records of this table.")] = None,
    source: Annotated[str | None, typer.Option(help="Only records citing this source.")] = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Who decides (default: git config user.name).")
    ] = None,
    date: DecisionDateOption = None,
    root: RootOption = Path("."),
) -> None:
    """Walk pending records one by one: accept, reject (with a note), skip or quit."""
    from rich.console import Console

    from ..curate import review as review_lib

    console = Console(highlight=False, soft_wrap=True)

    def ask(prompt: str) -> str:
        try:
            return str(typer.prompt(prompt, default="", show_default=False))
        except typer.Abort:
            raise EOFError from None

    def show(line: str) -> None:
        console.print(line)

    def go() -> review_lib.Outcome:
        day = _parse_date(date)
        return review_lib.run_review(
            root, ask=ask, show=show, table=table, source=source, reviewer=reviewer, day=day
        )

    outcome = run(go)
    typer.echo(
        f"accepted {len(outcome.accepted)}, rejected {len(outcome.rejected)}, "
        f"skipped {len(outcome.skipped)}, not written {len(outcome.refused)}, "
        f"left {outcome.remaining}"
    )


def status(root: RootOption = Path("."), as_json: JsonOption = False) -> None:
    """Review counts by table, stale decisions, uncited, single-origin and disputed records."""
    from ..curate import status as status_lib

    data = run(lambda: status_lib.project_status(root))
    if as_json:
        print_json(data)
        return
    for line in status_lib.status_lines(data):
        typer.echo(line)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--date {value!r}: not a date; use YYYY-MM-DD") from None
