"""Add a source article to the project (`vzcrisis add-source`) and look sources up.

load -> check -> transform -> check -> write: the article bytes are read and checked (UTF-8,
not a duplicate), the source record is built and validated against the model, then the article
is copied unchanged and the record appended to ``seeds/records/sources.yaml`` (round trip).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from venezuela_crisis.errors import InputError
from venezuela_crisis.models import TABLES, SourceRecord

from ..records import quotes
from ..records.load import ARTICLES_DIR, RECORDS_DIR, RawRecord, raw_records
from ..records.write import (
    atomic_write_bytes,
    dump,
    load_document,
    parse_document,
    round_trip_yaml,
    save,
)

SOURCES_FILE = RECORDS_DIR / "sources.yaml"
_QUOTED = frozenset({"quote", "summary", "title"})
_NUMBERED = re.compile(r"^(\d+)_")
_HEADER = """\
# Sources: the news articles records are extracted from (one record per file in seeds/articles/).
# Comments are kept by every tool that writes this file (ruamel.yaml round trip).
schema_version: "{version}"
table: sources
records:
"""


@dataclass(frozen=True)
class AddedSource:
    """What add-source wrote: the new source id, article file and record."""

    id: str
    file: str
    sha256: str
    records_file: str
    record: dict[str, Any]


def source_id(sha256: str) -> str:
    """Stable source id: ``src-`` + the first 8 hex digits of the article's sha256."""
    return "src-" + sha256[:8]


def source_records(root: Path) -> list[RawRecord]:
    """Every record of the `sources` table in the project (files that fail to load are skipped)."""
    return [record for record in raw_records(root) if record.table == "sources"]


def find_source(root: Path, sid: str) -> tuple[RawRecord, str]:
    """The source record with id `sid` and its article text; InputError when unknown/unreadable."""
    known = source_records(root)
    for record in known:
        if record.id == sid:
            return record, read_article(root, record)
    ids = ", ".join(sorted(r.id for r in known)) or "none yet"
    raise InputError(
        f"unknown source id {sid!r} (known: {ids}); add the article with `vzcrisis add-source`"
    )


def read_article(root: Path, record: RawRecord) -> str:
    """The text of a source record's article file (UTF-8)."""
    name = record.data.get("file")
    if not isinstance(name, str) or "/" in name or "\\" in name:
        raise InputError(f"{record.path}:{record.line_of('file')}: {record.id}: file: bad name")
    path = root / ARTICLES_DIR / name
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InputError(
            f"{record.path}:{record.line_of('file')}: {record.id}: file: cannot read "
            f"{path}: {exc.strerror}"
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{record.path}:{record.line_of('file')}: {record.id}: file: {path} is not UTF-8 "
            f"({exc.reason} at byte {exc.start})"
        ) from None


def cite(root: Path, sid: str, quote: str) -> dict[str, Any]:
    """A ready citation for `quote` in source `sid` (exact source text at exact offsets)."""
    _, text = find_source(root, sid)
    return quotes.citation(sid, quotes.find_quote(text, quote, sid))


def citation_yaml(citation: dict[str, Any]) -> str:
    """A citation as a YAML list item, ready to paste under a record's `citations:`."""
    return textwrap.dedent(dump(round_trip_yaml(""), CommentedSeq([commented(citation)])))


def read_new_article(file: Path) -> tuple[bytes, str]:
    """Bytes and text of an article to add; one-line InputError when unreadable or not UTF-8."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read file: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start}); convert it to UTF-8 first"
        ) from None
    if not text.strip():
        raise InputError(f"{file}: the article is empty")
    return data, text


def _existing(root: Path, sha: str) -> str | None:
    """A description of the source or article that already has this sha256, if any."""
    sid = source_id(sha)
    for record in source_records(root):
        if record.data.get("sha256") == sha or record.id == sid:
            return f"source {record.id} (file {record.data.get('file')}, {record.path})"
    articles = root / ARTICLES_DIR
    if articles.is_dir():
        for path in sorted(articles.glob("*.txt")):
            if hashlib.sha256(path.read_bytes()).hexdigest() == sha:
                return f"article {ARTICLES_DIR / path.name} (source id {sid}, not in sources.yaml)"
    return None


def next_file_name(root: Path, sha: str) -> str:
    """``<next number>_<first 16 hex of sha256>.txt``, numbered after the existing articles."""
    directory = root / ARTICLES_DIR
    numbers = [
        int(m.group(1))
        for p in (directory.glob("*.txt") if directory.is_dir() else [])
        if (m := _NUMBERED.match(p.name))
    ]
    return f"{max(numbers, default=-1) + 1:03d}_{sha[:16]}.txt"


def origin_citation(text: str, sid: str, origin: str, publisher: str | None) -> dict[str, Any]:
    """The best sentence supporting `origin`: one naming it, else the publisher, else the first."""
    spans = quotes.sentences(text)
    for name in (origin, publisher):
        if not name:
            continue
        folded = quotes.strip_accents(name)
        for span in spans:
            if folded in quotes.strip_accents(span.text):
                return _span_citation(sid, span)
    return _span_citation(sid, spans[0])


def _span_citation(sid: str, span: quotes.Span) -> dict[str, Any]:
    end = min(span.end, span.start + 5000)
    return quotes.citation(sid, quotes.Match(span.start, end, span.text[: end - span.start]))


def build_record(
    sid: str,
    sha: str,
    file_name: str,
    text: str,
    *,
    publisher: str | None,
    published: str | None,
    origin: str,
    title: str | None,
    byline: str | None,
    url: str | None,
    language: str,
) -> dict[str, Any]:
    """A pending source record, checked against the model (one-line InputError when invalid)."""
    try:
        day = dt.date.fromisoformat(published) if published is not None else None
    except ValueError:
        raise InputError(f"--published {published!r}: not a date; use YYYY-MM-DD") from None
    record: dict[str, Any] = {
        "id": sid,
        "publisher": publisher,
        "title": title,
        "byline": byline,
        "published": day,
        "published_precision": "day" if day is not None else None,
        "language": language,
        "file": file_name,
        "sha256": sha,
        "origin": origin,
        "url": url,
        "citations": [origin_citation(text, sid, origin, publisher)],
        "review": {"status": "pending"},
    }
    record = {k: v for k, v in record.items() if v is not None}
    plain = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in record.items()}
    try:
        SourceRecord.model_validate_json(json.dumps(plain))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "-"
        raise InputError(f"{sid}: {where}: {error['msg']}") from None
    return record


def add_source(
    root: Path,
    file: Path,
    *,
    publisher: str | None,
    published: str | None,
    origin: str,
    title: str | None = None,
    byline: str | None = None,
    url: str | None = None,
    language: str = "en",
) -> AddedSource:
    """Copy an article into seeds/articles/ unchanged and append its pending source record."""
    data, text = read_new_article(file)
    sha = hashlib.sha256(data).hexdigest()
    sid = source_id(sha)
    existing = _existing(root, sha)
    if existing is not None:
        raise InputError(f"{file}: already in the project as {existing}; nothing added")
    file_name = next_file_name(root, sha)
    record = build_record(
        sid,
        sha,
        file_name,
        text,
        publisher=publisher,
        published=published,
        origin=origin,
        title=title,
        byline=byline,
        url=url,
        language=language,
    )
    records_path = root / SOURCES_FILE
    if records_path.exists():
        doc = load_document(records_path)
        if doc.data.get("table") != "sources":
            raise InputError(f"{SOURCES_FILE}:1: -: table: expected 'sources'")
    else:
        version = TABLES["sources"].schema_version
        doc = parse_document(records_path, _HEADER.format(version=version))
    if not isinstance(doc.data.get("records"), CommentedSeq):
        doc.data["records"] = CommentedSeq()
    doc.records.append(commented(record))
    article = root / ARTICLES_DIR / file_name
    atomic_write_bytes(article, data)
    try:
        save(doc, len(doc.records) - 1)
    except BaseException:
        article.unlink(missing_ok=True)
        raise
    rel = SOURCES_FILE.as_posix()
    return AddedSource(sid, file_name, sha, rel, json.loads(json.dumps(record, default=str)))


def commented(value: Any) -> Any:
    """Plain data as ruamel round-trip nodes (block style; short lists of ids in flow style)."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = DoubleQuotedScalarString(item) if key in _QUOTED else commented(item)
        if key_is_review(value):
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = CommentedSeq(commented(v) for v in value)
        if all(isinstance(v, str) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def key_is_review(value: dict[str, Any]) -> bool:
    """Whether a mapping looks like a `review` block (written in flow style, on one line)."""
    return "status" in value and set(value) <= {
        "status",
        "reviewer",
        "date",
        "note",
        "content_hash",
    }
