"""Hand-validate pending records one by one, with their evidence in context (`vzcrisis review`).

load -> check -> show -> decide -> write: every pending record (including accepted ones whose
content changed since, see ``records.load.content_hash``) is shown with each quote highlighted in
its paragraph, the other records citing the same passage, and the other versions of its disputes.
Each decision is written at once (round trip, atomic; see ``records.write``), so quitting keeps
every decision made so far. A record is only accepted when it passes validation and everything it
references is accepted already. Then come the citations `draft` proposes to add to existing
records (``review_citations``) and the origins it suggests for sources (``review_origin``).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.markup import escape
from ruamel.yaml.comments import CommentedMap
from venezuela_crisis.errors import InputError
from venezuela_crisis.models import CURATED_TABLES, TABLES, ReviewStatus
from venezuela_crisis.models.base import references

from ..records import quotes
from ..records.load import RawRecord, content_hash, raw_records, to_plain
from ..records.write import dump, load_document, round_trip_yaml, save, update_mapping
from ..validate.cross_checks import unattributed
from ..validate.project import load_project
from . import review_citations, review_origin
from .sources import commented

DRAFT_PREFIX = "DRAFT:"
KEYS = "[a]ccept / [r]eject / [s]kip / [q]uit"


@dataclass
class Item:
    """A record waiting for review, as it was when shown."""

    raw: RawRecord
    path: Path
    hash: str
    stale: bool
    problems: list[str]


@dataclass
class Evidence:
    """Everything a reviewer sees besides the record: texts, origins, who else cites what."""

    texts: dict[str, str]
    origins: dict[str, str]
    raws: list[RawRecord]
    statuses: dict[str, str]


@dataclass
class Outcome:
    """What a review session did (the library result of `vzcrisis review`)."""

    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    remaining: int = 0
    quit: bool = False


def effective_status(data: dict[str, Any]) -> str:
    """The validator's rule on raw data: accepted with a stale or missing hash counts as pending."""
    review = data.get("review")
    if not isinstance(review, dict):
        return ReviewStatus.pending.value
    status = review.get("status")
    if status == ReviewStatus.accepted and review.get("content_hash") != content_hash(data):
        return ReviewStatus.pending.value
    return str(status) if isinstance(status, str) else ReviewStatus.pending.value


def git_user(root: Path) -> str | None:
    """`git config user.name` in `root`, if set."""
    try:
        out = subprocess.run(
            ["git", "config", "user.name"], cwd=root, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    name = out.stdout.strip()
    return name or None


def collect(root: Path, table: str | None, source: str | None) -> tuple[list[Item], Evidence]:
    """Pending records (optionally of one table / citing one source) and the evidence around."""
    if table is not None and table not in CURATED_TABLES:
        raise InputError(f"--table {table!r}: unknown table; one of: {', '.join(CURATED_TABLES)}")
    project, problems = load_project(root)
    raws = raw_records(root)
    statuses = {r.id: effective_status(r.data) for r in raws if r.id}
    if source is not None and source not in {r.id for r in raws if r.table == "sources"}:
        raise InputError(f"--source {source!r}: unknown source id")
    by_id: dict[str, list[str]] = {}
    for problem in problems:
        if problem.field != "review.content_hash":
            by_id.setdefault(problem.record_id, []).append(f"{problem.field}: {problem.message}")
    origins = {
        r.id: str(r.data.get("origin") or r.id) for r in raws if r.table == "sources" and r.id
    }
    evidence = Evidence(project.texts, origins, raws, statuses)
    items: list[Item] = []
    order = {t: i for i, t in enumerate(CURATED_TABLES)}
    for raw in sorted(raws, key=lambda r: (order.get(r.table, 99), r.path, r.line)):
        if statuses.get(raw.id) != ReviewStatus.pending or raw.table not in CURATED_TABLES:
            continue
        if table is not None and raw.table != table:
            continue
        if source is not None and source not in _cited_sources(raw):
            continue
        stale = _declared(raw.data) != ReviewStatus.pending.value
        items.append(
            Item(raw, root / raw.path, content_hash(raw.data), stale, by_id.get(raw.id, []))
        )
    return items, evidence


def _declared(data: dict[str, Any]) -> str:
    review = data.get("review")
    status = review.get("status") if isinstance(review, dict) else None
    return str(status) if isinstance(status, str) else ReviewStatus.pending.value


def _cited_sources(raw: RawRecord) -> set[str]:
    cited = {c.get("source") for c in raw.data.get("citations") or [] if isinstance(c, dict)}
    return {s for s in cited if isinstance(s, str)} | (
        {raw.id} if raw.table == "sources" else set()
    )


def _citations(raw: RawRecord) -> list[dict[str, Any]]:
    return [c for c in raw.data.get("citations") or [] if isinstance(c, dict)]


def blockers(item: Item, evidence: Evidence) -> list[str]:
    """Why `item` cannot be accepted now (empty when it can)."""
    out = list(item.problems)
    data = item.raw.data
    for key in ("summary", "text", "description", "question"):
        value = data.get(key)
        if isinstance(value, str) and value.startswith(DRAFT_PREFIX):
            out.append(f"{key}: still a draft; rewrite it in plain words first")
    for i in unattributed(_citations(item.raw), item.raw.schema_version):
        out.append(
            f"citations[{i}].attribution: say how the article credits the passage (upstream, "
            "on_record or own) before accepting"
        )
    spec = TABLES.get(item.raw.table)
    refs: list[tuple[str, str]] = [("citations.source", s) for s in _cited_sources(item.raw)]
    if spec is not None and spec.record is not None:
        for name, _ in references(spec.record).items():
            value = data.get(name)
            values = value if isinstance(value, list) else [value]
            refs.extend((name, v) for v in values if isinstance(v, str))
    for name, ref in refs:
        status = evidence.statuses.get(ref)
        if ref != item.raw.id and status is not None and status != ReviewStatus.accepted:
            out.append(f"{name}: {ref} is {status}; accept it first")
    return list(dict.fromkeys(out))


def _yaml_text(data: dict[str, Any]) -> str:
    """Compact YAML of a record (lists of ids on one line)."""
    return textwrap.dedent(dump(round_trip_yaml(""), commented(data))).rstrip()


def highlight(text: str, start: int, end: int) -> str:
    """Rich markup: the paragraph(s) around text[start:end], the quote marked >>> <<<."""
    spans = quotes.paragraphs(text)
    first = next((s for s in spans if s.start <= start < s.end), None)
    last = next((s for s in spans if s.start < end <= s.end), None)
    p_start = first.start if first else max(0, start - 200)
    p_end = last.end if last else min(len(text), end + 200)
    before, quote, after = text[p_start:start], text[start:end], text[end:p_end]
    return f"{escape(before)}[bold reverse]>>>{escape(quote)}<<<[/]{escape(after)}"


def render(item: Item, evidence: Evidence, position: str) -> list[str]:
    """Rich-markup lines showing one record with its evidence in context."""
    raw = item.raw
    state = "accepted, changed since: stale" if item.stale else "pending"
    lines = [
        f"[bold]── {position} {raw.table}: {escape(raw.id)}[/] ({raw.path}:{raw.line}; {state})"
    ]
    body = {k: v for k, v in raw.data.items() if k not in ("citations", "review")}
    lines.append(escape(_yaml_text(body)))
    for i, cite in enumerate(_citations(raw)):
        sid = str(cite.get("source"))
        start, end = cite.get("char_start"), cite.get("char_end")
        origin = evidence.origins.get(sid, "unknown origin")
        lines.append(
            f"[bold]citation {i + 1}[/] {escape(sid)} (origin: {escape(origin)}) {start}-{end}"
        )
        text = evidence.texts.get(sid)
        if text is None:
            lines.append("  [red]!! source text unavailable (unknown source or bad file)[/]")
            continue
        quote = cite.get("quote")
        if not (isinstance(start, int) and isinstance(end, int) and text[start:end] == quote):
            lines.append(f"  [red]!! the quote is not at {start}-{end}:[/] {escape(str(quote))}")
            continue
        lines.append("  " + highlight(text, start, end))
        same = _same_passage(raw, sid, start, end, evidence)
        if same:
            lines.append("  same passage also cited by: " + escape(", ".join(same)))
    lines.extend(_versions(raw, evidence))
    change = (
        "the changed record replaces the accepted version"
        if item.stale
        else f"{raw.table}/{escape(raw.id)} is added"
    )
    lines.append(f"accepting: {change} in the next release (rejecting keeps it out)")
    for problem in blockers(item, evidence):
        lines.append(f"[yellow]cannot accept yet:[/] {escape(problem)}")
    return lines


def _same_passage(raw: RawRecord, sid: str, start: int, end: int, evidence: Evidence) -> list[str]:
    out: list[str] = []
    for other in evidence.raws:
        if other is raw or other.id == raw.id:
            continue
        for cite in _citations(other):
            s, e = cite.get("char_start"), cite.get("char_end")
            overlaps = isinstance(s, int) and isinstance(e, int) and s < end and start < e
            if cite.get("source") == sid and overlaps:
                out.append(f"{other.table}/{other.id} ({evidence.statuses.get(other.id)})")
                break
    return out


def _versions(raw: RawRecord, evidence: Evidence) -> list[str]:
    """Other versions of each dispute this record belongs to, with what their sources say."""
    lines: list[str] = []
    for dispute in raw.data.get("disputes") or []:
        question = next(
            (str(r.data.get("question")) for r in evidence.raws if r.id == dispute), "?"
        )
        lines.append(f"[bold]dispute {escape(str(dispute))}[/]: {escape(question)}")
        for other in evidence.raws:
            if other.id == raw.id or dispute not in (other.data.get("disputes") or []):
                continue
            for cite in _citations(other):
                sid = str(cite.get("source"))
                origin = evidence.origins.get(sid, "?")
                lines.append(
                    f"  differs: {escape(other.id)} ({origin}, {sid}): "
                    f'"{escape(str(cite.get("quote")))}"'
                )
    return lines


def decide(
    item: Item,
    status: ReviewStatus,
    *,
    reviewer: str,
    day: dt.date,
    note: str | None = None,
) -> None:
    """Write one decision into the record's file (round trip, atomic)."""
    doc = load_document(item.path)
    index = next(
        (
            i
            for i, r in enumerate(doc.records)
            if isinstance(r, dict) and r.get("id") == item.raw.id
        ),
        None,
    )
    if index is None:
        raise InputError(f"{item.raw.path}: {item.raw.id}: no longer in the file; run review again")
    node = doc.records[index]
    if content_hash(to_plain(node)) != item.hash:
        raise InputError(
            f"{item.raw.path}: {item.raw.id}: changed on disk since it was shown; review it again"
        )
    review = node.get("review")
    if not isinstance(review, CommentedMap):
        review = CommentedMap()
        review.fa.set_flow_style()
        node["review"] = review
    values = {
        "status": status.value,
        "reviewer": reviewer,
        "date": day,
        "note": note or None,
        "content_hash": item.hash,
    }
    update_mapping(review, values, list(values))
    save(doc, index)
    item.raw.data["review"] = to_plain(review)


def run_review(
    root: Path,
    *,
    ask: Callable[[str], str],
    show: Callable[[str], None],
    table: str | None = None,
    source: str | None = None,
    reviewer: str | None = None,
    day: dt.date | None = None,
) -> Outcome:
    """Walk pending records: show each, ask for a key, write the decision at once.

    `ask(prompt)` returns the answer (raises EOFError when input ends: treated as quit);
    `show(line)` prints one line of rich markup.
    """
    who = reviewer or git_user(root)
    if not who:
        raise InputError("no reviewer: pass --reviewer NAME or set `git config user.name`")
    today = day or dt.date.today()
    items, evidence = collect(root, table, source)
    outcome = Outcome()
    origins = table in (None, "sources")  # an origin suggestion edits a source record
    if (
        not items
        and not review_citations.pending(root, source, table)
        and not (origins and review_origin.pending(root, source))
    ):
        show("nothing to review: no pending records match")
        return outcome
    for number, item in enumerate(items, 1):
        for line in render(item, evidence, f"{number}/{len(items)}"):
            show(line)
        try:
            key = _choose(item, evidence, ask, show)
            note = _ask_note(ask) if key == "r" else None
        except EOFError:  # input closed: same as quit
            key, note = "q", None
        if key == "q":
            outcome.quit = True
            outcome.remaining = len(items) - number + 1
            break
        if key == "s":
            outcome.skipped.append(item.raw.id)
            continue
        status = ReviewStatus.accepted if key == "a" else ReviewStatus.rejected
        try:
            decide(item, status, reviewer=who, day=today, note=note)
        except InputError as exc:
            show(f"[red]{escape(exc.problems[0])}[/]")
            outcome.refused.append(item.raw.id)
            continue
        evidence.statuses[item.raw.id] = status.value
        (outcome.accepted if key == "a" else outcome.rejected).append(item.raw.id)
        show(f"{status.value}: {escape(item.raw.id)}")
    if not outcome.quit:  # then the citations draft proposes to add to existing records
        accepted, rejected, skipped, quit_ = review_citations.run(
            root,
            evidence.texts,
            ask=ask,
            show=show,
            reviewer=who,
            day=today,
            source=source,
            table=table,
        )
        outcome.accepted += accepted
        outcome.rejected += rejected
        outcome.skipped += skipped
        outcome.quit = quit_
    if not outcome.quit and origins:  # then the origins draft suggests for sources
        accepted, rejected, skipped, quit_ = review_origin.run(
            root, evidence.texts, ask=ask, show=show, reviewer=who, day=today, source=source
        )
        outcome.accepted += accepted
        outcome.rejected += rejected
        outcome.skipped += skipped
        outcome.quit = quit_
    return outcome


def _choose(
    item: Item, evidence: Evidence, ask: Callable[[str], str], show: Callable[[str], None]
) -> str:
    while True:
        key = ask(KEYS).strip().lower()[:1]
        if key == "a" and blockers(item, evidence):
            show("[yellow]cannot accept: fix the points above (or reject / skip)[/]")
            continue
        if key in ("a", "r", "s", "q"):
            return key
        show(f"type one of {escape(KEYS)}")


def _ask_note(ask: Callable[[str], str]) -> str:
    while True:
        note = " ".join(ask("Note (why rejected)").split())
        if note:
            return note[:2000]
