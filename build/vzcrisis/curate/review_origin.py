"""Review the upstream origin `vzcrisis draft` suggests for a source (text reuse).

``seeds/drafts/citations-<source>.yaml`` holds, under ``origin:``, the suggestion: the origin,
the existing source whose wording the article reuses and the share of its 5-word phrases found
there (`origin.suggest`). Review shows it with that evidence (the longest reused passage in its
paragraph, and where the article names the origin itself) and what accepting changes: the
source record's `origin`, before -> after. Accepting sets the field in its file (round trip:
only that line changes, comments kept); the record's review is handled as for an appended
citation (`review_citations.restamp`). Rejecting marks the suggestion rejected. Nothing else is
written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape
from ruamel.yaml.comments import CommentedMap
from venezuela_crisis.errors import InputError
from venezuela_crisis.models import ReviewStatus

from ..records import quotes
from ..records.load import RawRecord, raw_records, to_plain
from ..records.write import atomic_write_text, dump, load_document, save
from . import origin as origin_lib
from .draft import CITATIONS_DIR
from .review_citations import after_edit, restamp, walk, will_restamp
from .sources import commented, read_article


@dataclass(frozen=True)
class OriginProposal:
    """A pending origin suggestion: its file, the source it is for and the evidence."""

    path: Path
    source: str
    suggested: str
    shares_wording_with: str
    overlap: float


def pending(root: Path, source: str | None = None) -> list[OriginProposal]:
    """Pending origin suggestions (of one source when given), in file order."""
    out: list[OriginProposal] = []
    directory = root / CITATIONS_DIR
    for path in sorted(directory.glob("citations-*.yaml")) if directory.is_dir() else []:
        sid = path.stem.removeprefix("citations-")
        if source is not None and sid != source:
            continue
        item = load_document(path).data.get("origin")
        if not isinstance(item, dict):
            continue
        plain = to_plain(item)
        if (plain.get("review") or {}).get("status") != ReviewStatus.pending.value:
            continue
        out.append(
            OriginProposal(
                path,
                sid,
                str(plain["suggested"]),
                str(plain["shares_wording_with"]),
                float(plain["overlap"]),
            )
        )
    return out


def _sources(root: Path) -> dict[str, RawRecord]:
    return {r.id: r for r in raw_records(root) if r.table == "sources" and r.id}


def render(root: Path, proposal: OriginProposal, texts: dict[str, str], position: str) -> list[str]:
    """Rich-markup lines: the suggestion, its evidence and what accepting would change."""
    from .review import highlight

    sources = _sources(root)
    sid, other = proposal.source, proposal.shares_wording_with
    lines = [f"[bold]── {position} origin of source {escape(sid)}[/] ({proposal.path.name})"]
    raw = sources.get(sid)
    if raw is None:
        return [*lines, f"[red]!! {escape(sid)} is not in the project[/]"]
    lines.append(f"suggested origin: {escape(proposal.suggested)}")
    now = sources[other].data.get("origin") if other in sources else None
    lines.append(
        f"evidence: {proposal.overlap:.0%} of its 5-word phrases are also in {escape(other)} "
        f"(origin: {escape(str(now)) if now is not None else 'no longer in the project'})"
    )
    text, reused = _text(root, texts, raw), _text(root, texts, sources.get(other))
    if text is not None and reused is not None:
        span = origin_lib.shared_passage(text, reused)
        if span is not None:
            words = len(text[span[0] : span[1]].split())
            lines.append(f"  longest reused passage ({words} words):")
            lines.append("  " + highlight(text, *span))
    if text is not None:
        folded = quotes.strip_accents(proposal.suggested)
        naming = next(
            (s for s in quotes.sentences(text) if folded in quotes.strip_accents(s.text)), None
        )
        if naming is None:
            lines.append(f"the article does not name {escape(proposal.suggested)}")
        else:
            lines.append(f"the article names {escape(proposal.suggested)}:")
            lines.append("  " + highlight(text, naming.start, naming.end))
            if not any(
                folded in quotes.strip_accents(str(c.get("quote")))
                for c in raw.data.get("citations") or []
                if isinstance(c, dict)
            ):
                lines.append(
                    "  the record's citations support its origin and none names it yet: "
                    f"cite this sentence (vzcrisis cite {escape(sid)} ...)"
                )
    before = raw.data.get("origin")
    if before == proposal.suggested:
        lines.append(f"accepting: the origin is already {escape(proposal.suggested)}; no change")
        return lines
    lines.append(
        f"accepting: sets origin of {escape(sid)} ({raw.path}:{raw.line_of('origin')}): "
        f'"{escape(str(before))}" -> "{escape(proposal.suggested)}"; '
        f"the record is {after_edit(raw.data)}"
    )
    return lines


def _text(root: Path, texts: dict[str, str], raw: RawRecord | None) -> str | None:
    """A source's article text: from the validated project, else read (None if unreadable)."""
    if raw is None:
        return None
    if raw.id in texts:
        return texts[raw.id]
    try:
        return read_article(root, raw)
    except InputError:
        return None


def accept(root: Path, proposal: OriginProposal, *, reviewer: str, day: dt.date) -> None:
    """Set the source record's origin (comments kept), then mark the suggestion accepted."""
    raw = _sources(root).get(proposal.source)
    if raw is None:
        raise InputError(f"{proposal.source}: not in the project; reject the suggestion")
    doc = load_document(root / raw.path)
    index = next(i for i, r in enumerate(doc.records) if r.get("id") == proposal.source)
    node: CommentedMap = doc.records[index]
    if node.get("origin") != proposal.suggested:
        restamps = will_restamp(to_plain(node))
        node["origin"] = proposal.suggested
        if restamps:
            restamp(node, reviewer, day)
        save(doc, index)
    _mark(proposal, ReviewStatus.accepted, reviewer, day)


def _mark(proposal: OriginProposal, status: ReviewStatus, reviewer: str, day: dt.date) -> None:
    doc = load_document(proposal.path)
    doc.data["origin"]["review"] = commented(
        {"status": status.value, "reviewer": reviewer, "date": day}
    )
    atomic_write_text(proposal.path, dump(doc.yaml, doc.data))


def run(
    root: Path,
    texts: dict[str, str],
    *,
    ask: Callable[[str], str],
    show: Callable[[str], None],
    reviewer: str,
    day: dt.date,
    source: str | None = None,
) -> tuple[list[str], list[str], list[str], bool]:
    """Walk pending origin suggestions; returns (accepted, rejected, skipped, quit) labels."""

    def accepted(proposal: OriginProposal) -> str:
        accept(root, proposal, reviewer=reviewer, day=day)
        return f"accepted: origin of {escape(proposal.source)} is {escape(proposal.suggested)}"

    def rejected(proposal: OriginProposal) -> str:
        _mark(proposal, ReviewStatus.rejected, reviewer, day)
        return f"rejected: origin suggestion for {escape(proposal.source)}"

    return walk(
        pending(root, source),
        lines=lambda proposal, position: render(root, proposal, texts, position),
        label=lambda proposal: f"{proposal.source}.origin",
        on_accept=accepted,
        on_reject=rejected,
        ask=ask,
        show=show,
    )
