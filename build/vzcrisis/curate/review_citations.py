"""Review the citations `vzcrisis draft` proposes to add to existing records (corroboration).

Each pending proposal of ``seeds/drafts/citations-<source>.yaml`` is shown with its quote in its
paragraph, the record it would cite and what accepting changes (the citation appended, and
whether the record stays accepted). Accepting appends the citation to the record in its file
(round trip: only that record's lines change, comments kept); a record that was accepted (and
unchanged since) is re-stamped by the same reviewer (the reviewer has just checked the new
evidence), a pending one stays pending, and so does one changed since it was accepted (its other
changes still need a review). Rejecting marks the proposal rejected. Nothing else is written.
`restamp` is the rule for every edit review makes to a record (the origin too, review_origin).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rich.markup import escape
from ruamel.yaml.comments import CommentedMap
from venezuela_crisis.errors import InputError
from venezuela_crisis.models import ReviewStatus

from ..records.load import content_hash, raw_records, to_plain
from ..records.write import atomic_write_text, dump, load_document, save
from .draft import CITATIONS_DIR
from .sources import commented

KEYS = "[a]ccept / [r]eject / [s]kip / [q]uit"
P = TypeVar("P")


@dataclass
class Proposal:
    """One pending citation proposal: its file and index there, and the proposal itself."""

    path: Path
    index: int
    table: str
    record: str
    citation: dict[str, Any]
    said: dict[str, Any] = field(default_factory=dict)
    """The date (and amount) the passage gives, to compare with the record's."""


def pending(root: Path, source: str | None = None, table: str | None = None) -> list[Proposal]:
    """Pending citation proposals (of one source / for one table when given), in file order."""
    out: list[Proposal] = []
    directory = root / CITATIONS_DIR
    for path in sorted(directory.glob("citations-*.yaml")) if directory.is_dir() else []:
        if source is not None and path.name != f"citations-{source}.yaml":
            continue
        doc = load_document(path)
        for index, item in enumerate(doc.data.get("proposals") or []):
            status = (item.get("review") or {}).get("status")
            if status == ReviewStatus.pending.value and table in (None, item.get("table")):
                plain = to_plain(item)
                said = {k: plain[k] for k in ("date", "date_text", "amount_usd") if k in plain}
                out.append(
                    Proposal(path, index, plain["table"], plain["record"], plain["citation"], said)
                )
    return out


def render(root: Path, proposal: Proposal, texts: dict[str, str], position: str) -> list[str]:
    """Rich-markup lines: the proposal, its quote in context and what accepting would change."""
    from .review import highlight

    raw = next((r for r in raw_records(root) if r.id == proposal.record), None)
    c = proposal.citation
    lines = [f"[bold]── {position} citation for {proposal.table}: {escape(proposal.record)}[/]"]
    if raw is None:
        return [*lines, f"[red]!! {escape(proposal.record)} is not in the project[/]"]
    what = next(
        (raw.data.get(k) for k in ("text", "summary", "description") if raw.data.get(k)), ""
    )
    lines.append(f"record ({raw.path}:{raw.line}): {escape(' '.join(str(what).split()))}")
    credit = c.get("attribution", "?") + (
        f' ("{c["attributed_to"]}")' if c.get("attributed_to") else ""
    )
    lines.append(
        f"proposed citation: {escape(str(c['source']))} {c['char_start']}-{c['char_end']}, "
        f"attribution {escape(credit)}"
    )
    text = texts.get(str(c["source"]))
    if text is not None and text[c["char_start"] : c["char_end"]] == c["quote"]:
        lines.append("  " + highlight(text, c["char_start"], c["char_end"]))
    else:
        lines.append(f"  [red]!! the quote is not at {c['char_start']}-{c['char_end']}[/]")
    said = proposal.said
    if said.get("date") is not None or said.get("amount_usd") is not None:
        lines.append(
            "the passage gives: "
            + ", ".join(
                f"{k} {said[k]} (record: {raw.data.get(k)})"
                for k in ("date", "amount_usd")
                if said.get(k) is not None
            )
        )
    count = len(raw.data.get("citations") or [])
    lines.append(
        f"accepting: appends citation {count + 1} to {raw.path} ({proposal.record}); "
        f"the record is {after_edit(raw.data)}"
    )
    return lines


def will_restamp(data: dict[str, Any]) -> bool:
    """Whether an edit review makes to this record re-stamps it: accepted and unchanged since."""
    review = data.get("review")
    return (
        isinstance(review, dict)
        and review.get("status") == ReviewStatus.accepted.value
        and review.get("content_hash") == content_hash(data)
    )


def after_edit(data: dict[str, Any]) -> str:
    """What an edit review makes leaves the record as, in words (see `restamp`)."""
    if will_restamp(data):
        return "re-stamped accepted by you"
    status = (data.get("review") or {}).get("status", ReviewStatus.pending.value)
    if status == ReviewStatus.accepted.value:
        return "still pending (changed since it was accepted: review it again)"
    return f"still {status}"


def restamp(node: CommentedMap, reviewer: str, day: dt.date) -> None:
    """Re-stamp an edited record that `will_restamp`: the reviewer, the day, the new hash."""
    review = node["review"]
    review["reviewer"] = reviewer
    review["date"] = day
    review["content_hash"] = content_hash(to_plain(node))


def accept(root: Path, proposal: Proposal, *, reviewer: str, day: dt.date) -> None:
    """Append the citation to its record (comments kept), then mark the proposal accepted."""
    raw = next((r for r in raw_records(root) if r.id == proposal.record), None)
    if raw is None:
        raise InputError(f"{proposal.record}: not in the project; reject the proposal")
    doc = load_document(root / raw.path)
    index = next(i for i, r in enumerate(doc.records) if r.get("id") == proposal.record)
    node = doc.records[index]
    restamps = will_restamp(to_plain(node))
    node["citations"].append(commented(proposal.citation))
    if restamps:
        restamp(node, reviewer, day)
    save(doc, index)
    _mark(proposal, ReviewStatus.accepted, reviewer, day)


def _mark(proposal: Proposal, status: ReviewStatus, reviewer: str, day: dt.date) -> None:
    doc = load_document(proposal.path)
    item = doc.data["proposals"][proposal.index]
    item["review"] = commented({"status": status.value, "reviewer": reviewer, "date": day})
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
    table: str | None = None,
) -> tuple[list[str], list[str], list[str], bool]:
    """Walk pending proposals; returns (accepted, rejected, skipped, quit) labels."""

    def accepted(proposal: Proposal) -> str:
        accept(root, proposal, reviewer=reviewer, day=day)
        return f"accepted: citation appended to {escape(proposal.record)}"

    def rejected(proposal: Proposal) -> str:
        _mark(proposal, ReviewStatus.rejected, reviewer, day)
        return f"rejected: citation for {escape(proposal.record)}"

    return walk(
        pending(root, source, table),
        lines=lambda proposal, position: render(root, proposal, texts, position),
        label=lambda proposal: f"{proposal.record}+{proposal.citation['source']}",
        on_accept=accepted,
        on_reject=rejected,
        ask=ask,
        show=show,
    )


def walk(
    items: Sequence[P],
    *,
    lines: Callable[[P, str], list[str]],
    label: Callable[[P], str],
    on_accept: Callable[[P], str],
    on_reject: Callable[[P], str],
    ask: Callable[[str], str],
    show: Callable[[str], None],
) -> tuple[list[str], list[str], list[str], bool]:
    """Show each proposal and ask a/r/s/q until one of them (end of input: quit); `on_accept` /
    `on_reject` act and return the line to show. Returns (accepted, rejected, skipped, quit)
    labels."""
    accepted: list[str] = []
    rejected: list[str] = []
    skipped: list[str] = []
    for number, proposal in enumerate(items, 1):
        for line in lines(proposal, f"{number}/{len(items)}"):
            show(line)
        try:
            key = ""
            while key not in ("a", "r", "s", "q"):
                key = ask(KEYS).strip().lower()[:1]
        except EOFError:
            key = "q"
        if key == "q":
            return accepted, rejected, skipped, True
        if key == "s":
            skipped.append(label(proposal))
        elif key == "a":
            show(on_accept(proposal))
            accepted.append(label(proposal))
        else:
            show(on_reject(proposal))
            rejected.append(label(proposal))
    return accepted, rejected, skipped, False
