"""Checks across records: unique ids, references, source files, quotes at offsets, review gate,
date sanity. Each function appends ``Problem`` lines; none raises on bad content.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from venezuela_crisis.format.versions import is_version, parse_version
from venezuela_crisis.models import DatePrecision, ReviewStatus, SourceRecord
from venezuela_crisis.models.base import CuratedRecord, references

from ..records.load import ARTICLES_DIR, MAX_FILE_BYTES, Problem, RawRecord, content_hash
from ..records.quotes import occurrences
from ..records.texts import ArticleTexts

LOOKALIKES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
"""Characters a copy-paste often swaps for a look-alike (curly vs straight quotes, dashes,
no-break spaces): one character each, so offsets are the same before and after."""


class Indexed(Protocol):
    """What the cross-record checks need to know of a record by id (``passes.Entry``)."""

    @property
    def table(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def id_line(self) -> int: ...

    @property
    def status(self) -> ReviewStatus | None: ...


def duplicate_id(record_id: str, entry: Indexed, first: Indexed) -> Problem:
    """The problem of a record (`entry`) that reuses the id of `first` (the first one wins)."""
    return Problem(
        entry.path,
        entry.id_line,
        record_id,
        "id",
        f"duplicate id: already used at {first.path}:{first.id_line}; "
        "ids are unique across the dataset",
    )


def review_status(raw: RawRecord, model: CuratedRecord) -> tuple[ReviewStatus, list[Problem]]:
    """Effective status: an accepted record whose content changed since counts as pending."""
    review = model.review
    if review.status != ReviewStatus.accepted:
        return review.status, []
    where = "review.content_hash"
    line = raw.line_of(where)
    if review.content_hash is None:
        message = "accepted without a content_hash; re-review it"
    elif review.content_hash != content_hash(raw.data, plain=raw.text is not None):
        message = "changed since it was accepted; re-review it"
    else:
        return ReviewStatus.accepted, []
    return ReviewStatus.pending, [Problem(raw.path, line, raw.id, where, message)]


ATTRIBUTION_FROM = (1, 1, 0)
"""From this schema version on, every citation of an accepted record says how its article
credits the passage (``attribution``)."""


def unattributed(citations: list[Any], version: str) -> list[int]:
    """Indexes of the citations (models or raw dicts) that lack the attribution their record's
    schema version requires of an accepted record (none before 1.1.0)."""
    if not is_version(version) or parse_version(version) < ATTRIBUTION_FROM:
        return []
    return [
        i
        for i, c in enumerate(citations)
        if (c.get("attribution") if isinstance(c, dict) else c.attribution) is None
    ]


def check_attributions(raw: RawRecord, model: CuratedRecord, version: str) -> list[Problem]:
    """An accepted record under schema 1.1.0 or later: every citation has an attribution."""
    return [
        Problem(
            raw.path,
            raw.line_of(f"citations[{i}]"),
            raw.id,
            f"citations[{i}].attribution",
            f"required for an accepted record under schema {version}: say how the article "
            "credits the passage (upstream, on_record or own), or set the review back to pending",
        )
        for i in unattributed(model.citations, version)
    ]


def check_references(
    raw: RawRecord,
    model: CuratedRecord,
    status: ReviewStatus,
    index: Mapping[str, Indexed],
    complete: bool = True,
) -> list[Problem]:
    """Every referenced id exists in the right table; accepted records cite only accepted ones.

    When some record file could not be loaded (`complete` false), unknown ids are not reported:
    they may be defined in that file.
    """
    targets: list[tuple[str, str, str]] = []  # (field path, table, id)
    for name, table in _references(type(model)).items():
        value = getattr(model, name)
        if isinstance(value, list):
            targets.extend((f"{name}[{i}]", table, v) for i, v in enumerate(value))
        elif isinstance(value, str):
            targets.append((name, table, value))
    for i, citation in enumerate(model.citations):
        targets.append((f"citations[{i}].source", "sources", citation.source))
    problems: list[Problem] = []
    for where, table, ref_id in targets:
        target = index.get(ref_id)
        message = None
        if target is None:
            if complete:
                message = f"unknown {table} id {ref_id!r}: no record has this id"
        elif target.table != table:
            message = f"{ref_id!r} is a {target.table} record, not one of {table}"
        elif status == ReviewStatus.accepted and target.status is not None:
            ref_status = target.status
            if ref_status != ReviewStatus.accepted:
                message = (
                    f"accepted record references {ref_id!r} ({table}), which is {ref_status}; "
                    "accept that record first"
                )
        if message:
            problems.append(Problem(raw.path, raw.line_of(where), raw.id, where, message))
    return problems


@cache
def _references(model: type[CuratedRecord]) -> dict[str, str]:
    return references(model)


def check_source_file(
    root: Path, raw: RawRecord, source: SourceRecord
) -> tuple[str | None, list[Problem]]:
    """Read a source's article: inside seeds/articles/, present, sha256 as recorded, UTF-8.

    Returns the decoded text (None when unusable) and the problems.
    """
    problems: list[Problem] = []

    def add(where: str, message: str) -> None:
        problems.append(Problem(raw.path, raw.line_of(where), raw.id, where, message))

    expected_id = f"src-{source.sha256[:8]}"
    if source.id != expected_id:
        add("id", f"a source id is 'src-' + the first 8 hex digits of its sha256: {expected_id!r}")
    articles = (root / ARTICLES_DIR).resolve()
    rel = (ARTICLES_DIR / source.file).as_posix()
    path = root / ARTICLES_DIR / source.file
    try:
        inside = path.resolve().is_relative_to(articles)
    except (OSError, RuntimeError):  # symlink loop
        inside = False
    if not inside:
        add("file", f"{source.file!r} resolves outside {ARTICLES_DIR.as_posix()}/")
        return None, problems
    try:
        if not path.exists():
            raise FileNotFoundError(rel)
        if not path.is_file():  # a FIFO or device would block or never end
            add("file", f"{rel} is not a regular file")
            return None, problems
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            add("file", f"{rel} is {size} bytes, over the {MAX_FILE_BYTES} limit")
            return None, problems
        data = path.read_bytes()
    except FileNotFoundError:
        add("file", f"{rel} does not exist")
        return None, problems
    except OSError as exc:
        add("file", f"cannot read {rel}: {exc.strerror}")
        return None, problems
    digest = hashlib.sha256(data).hexdigest()
    if digest != source.sha256:
        add(
            "sha256",
            f"{rel} has sha256 {digest}, not the recorded one; article bytes never change "
            "(restore the file, or add the new text as a new source)",
        )
        return None, problems
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        add("file", f"{rel} is not UTF-8 ({exc.reason} at byte {exc.start})")
        return None, problems


def check_source_files(
    root: Path,
    sources: Mapping[str, SourceRecord],
    raws: Mapping[str, RawRecord],
    texts: dict[str, str] | ArticleTexts,
) -> list[Problem]:
    """`check_source_file` for every valid source, in id order; the texts read go into `texts`."""
    problems: list[Problem] = []
    for sid in sorted(sources):
        text, found = check_source_file(root, raws[sid], sources[sid])
        problems.extend(found)
        if text is not None:
            texts[sid] = text
    return problems


def check_quotes(raw: RawRecord, model: CuratedRecord, texts: Mapping[str, str]) -> list[Problem]:
    """Each quote is exactly ``text[char_start:char_end]`` of its source, and cited once."""
    problems: list[Problem] = []
    first: dict[tuple[str, int], int] = {}
    for i, citation in enumerate(model.citations):
        key = (citation.source, citation.char_start)
        if key in first:
            where = f"citations[{i}].char_start"
            message = (
                f"cites {citation.source} at {citation.char_start} again (as "
                f"citations[{first[key]}]); cite each passage once: its citation id is "
                f"{raw.id}@{key[0]}:{key[1]}"
            )
            problems.append(Problem(raw.path, raw.line_of(where), raw.id, where, message))
            continue
        first[key] = i
        text = texts.get(citation.source)
        if text is None:
            continue  # unknown source or unreadable article: reported elsewhere
        start, end, quote = citation.char_start, citation.char_end, citation.quote
        if text[start:end] == quote:
            continue
        found = occurrences(text, quote)
        if found:
            places = ", ".join(f"{s}-{s + len(quote)}" for s in found[:3])
            more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
            where = f"citations[{i}].char_start"
            message = f"quote found at {places}{more}, not {start}-{end}" + _offset_hint(
                text, found[0], start
            )
        else:
            where = f"citations[{i}].quote"
            message = f"quote is not in {citation.source} ({ARTICLES_DIR.as_posix()} text)"
            similar = occurrences(text.translate(LOOKALIKES), quote.translate(LOOKALIKES))
            if similar:
                at = f"{similar[0]}-{similar[0] + len(quote)}"
                message += (
                    f"; it matches {at} only after normalising quotes, dashes and spaces: "
                    f"copy the exact characters, {text[similar[0] : similar[0] + len(quote)]!r}"
                )
        problems.append(Problem(raw.path, raw.line_of(where), raw.id, where, message))
    return problems


def check_date(
    raw: RawRecord, model: CuratedRecord, sources: dict[str, SourceRecord]
) -> list[Problem]:
    """A record cannot be dated after the publication of every source that reports it."""
    date = getattr(model, "date", None)
    if not isinstance(date, dt.date):
        return []
    latest: tuple[dt.date, str] | None = None
    for source_id in dict.fromkeys(c.source for c in model.citations):
        source = sources.get(source_id)
        if source is None or source.published is None:
            continue
        bound = _period_end(source.published, source.published_precision)
        if bound is None:
            return []  # an approximate publication date bounds nothing
        if latest is None or bound > latest[0]:
            latest = (bound, source_id)
    if latest is None or date <= latest[0]:
        return []
    message = (
        f"date {date} is after the publication of every citing source "
        f"(latest: {latest[1]}, {latest[0]})"
    )
    return [Problem(raw.path, raw.line_of("date"), raw.id, "date", message)]


def _period_end(day: dt.date, precision: Any) -> dt.date | None:
    if precision == DatePrecision.week:
        return day + dt.timedelta(days=6)
    if precision == DatePrecision.month:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if precision == DatePrecision.year:
        return day.replace(month=12, day=31)
    if precision == DatePrecision.approximate:
        return None
    return day


def _offset_hint(text: str, found: int, start: int) -> str:
    """Why offsets may be off: a byte-order mark or CR characters the curator did not count."""
    if text.startswith("\ufeff") and found == start + 1:
        return (
            "; the article starts with a byte-order mark (U+FEFF), which is character 0 of "
            "the decoded text: offsets count it"
        )
    if "\r" in text[: max(found, start)]:
        return "; the article has CR LF line ends: each CR counts as one character"
    return ""
