"""How good are the drafts? `vzcrisis draft --evaluate` re-drafts every source of the project
with that article's own evidence held out and compares the drafts with the curated records.

Held out, per article: every citation of the article is removed from the records; records left
with no citation are removed. The article is then drafted against what remains (all actors
stay: they are the vocabulary of names, not the measure).

The gold facts of an article are the curated events, demands and sanctions that cite it. A
drafted record *matches* a gold record when it has the same table and type / category / kind,
shares an actor (``actors``, ``by``, ``imposed_by``), its quote overlaps one of the gold
record's citations of the article, and its date, when it proposes one, is the gold date. A
proposed citation (corroboration) matches when the record it would cite is a gold record of
the article. Per table:

- precision = drafted facts (new records and citations to add) that match / drafted facts;
- recall = gold records matched by at least one drafted fact / gold records.

Dates and amounts are checked on their own: every date (with its precision) and sanction
amount a drafted record proposes is compared with the gold record it matches on everything but
the date, and every date (and amount) a proposed citation's passage gives with the record it
would cite, when that record is a gold record of the article; one that matches nothing cannot
be checked and is counted as unchecked. Event quantities are checked the same way (value, unit
and qualifier). The anchor of relative dates is the source's ``published`` date, else the date
its dateline or byline prints.

The report also lists, as a breakdown (not a score), each unchecked value with the curated
value of the same kind quoted at the same place, and each curated record no draft found with
what was drafted at its quotes (nothing, another kind, other actors, a citation of another
record).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records.load import raw_records
from .corroborate import Existing
from .extract import dateline
from .names import actor_names
from .propose import propose
from .sources import read_article

TABLES = ("events", "demands", "sanctions")
KIND = {"events": "type", "demands": "category", "sanctions": "kind"}
WHO = {"events": "actors", "demands": "by", "sanctions": "imposed_by"}


@dataclass
class Score:
    """Counts for one table."""

    drafted: int = 0
    drafted_right: int = 0
    gold: int = 0
    gold_found: int = 0

    @property
    def precision(self) -> float | None:
        return self.drafted_right / self.drafted if self.drafted else None

    @property
    def recall(self) -> float | None:
        return self.gold_found / self.gold if self.gold else None


@dataclass
class Report:
    """The evaluation: scores per table and the date / amount checks."""

    articles: int = 0
    tables: dict[str, Score] = field(default_factory=lambda: {t: Score() for t in TABLES})
    dates: dict[str, int] = field(
        default_factory=lambda: {"proposed": 0, "right": 0, "wrong": 0, "unchecked": 0}
    )
    amounts: dict[str, int] = field(
        default_factory=lambda: {"proposed": 0, "right": 0, "wrong": 0, "unchecked": 0}
    )
    quantities: dict[str, int] = field(
        default_factory=lambda: {"proposed": 0, "right": 0, "wrong": 0, "unchecked": 0}
    )
    missed: list[str] = field(default_factory=list)
    """Each curated record no draft found, with what was drafted at its quotes (breakdown)."""
    left_null: int = 0
    """Date phrases a draft quotes but leaves undated (relative, nothing anchors them)."""
    unchecked: list[str] = field(default_factory=list)
    """Each unchecked value, with the curated value of the same kind quoted at the same place
    (its actors differ), when there is one: a breakdown, not a score."""
    wrong: list[str] = field(default_factory=list)


def _date(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else (str(value) if value else None)


def _overlaps(citation: dict[str, Any], gold: dict[str, Any], sid: str) -> bool:
    return any(
        c.get("source") == sid
        and c.get("char_start", 0) < citation["char_end"]
        and citation["char_start"] < c.get("char_end", 0)
        for c in gold.get("citations") or []
    )


def _matches(table: str, drafted: dict[str, Any], gold: dict[str, Any], sid: str) -> bool:
    """Same kind, a shared actor and an overlapping quote (the date is checked apart)."""
    if drafted.get(KIND[table]) != gold.get(KIND[table]):
        return False
    if not set(drafted.get(WHO[table]) or []) & set(gold.get(WHO[table]) or []):
        return False
    return any(_overlaps(c, gold, sid) for c in drafted["citations"])


def _near(table: str, drafted: dict[str, Any], gold: dict[str, Any], sid: str) -> bool:
    """Same kind and an overlapping quote, whoever the actors (for the unchecked breakdown)."""
    if drafted.get(KIND[table]) != gold.get(KIND[table]):
        return False
    return any(_overlaps(c, gold, sid) for c in drafted["citations"])


def _published(data: dict[str, Any]) -> dt.date | None:
    value = data.get("published")
    if data.get("published_precision") != "day" or not value:
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def evaluate(root: Path) -> Report:
    """Re-draft every source with its own evidence held out; score the drafts (docstring)."""
    raws = [r for r in raw_records(root) if r.id]
    actors = actor_names(root)
    report = Report()
    for source in [r for r in raws if r.table == "sources"]:
        sid = source.id
        text = read_article(root, source)
        report.articles += 1
        gold: dict[str, list[tuple[str, dict[str, Any]]]] = {t: [] for t in TABLES}
        existing: list[Existing] = []
        for raw in raws:
            if raw.table not in TABLES:
                continue
            cites = [c for c in raw.data.get("citations") or [] if isinstance(c, dict)]
            if any(c.get("source") == sid for c in cites):
                gold[raw.table].append((raw.id, raw.data))
            kept = [c for c in cites if c.get("source") != sid]
            if kept:
                existing.append(Existing(raw.table, raw.id, {**raw.data, "citations": kept}))
        published = _published(source.data) or dateline(text)
        drafts = propose(sid, text, published, actors, existing)
        _score(report, sid, drafts, gold)
    return report


def _score(report: Report, sid: str, drafts: Any, gold: dict[str, list[Any]]) -> None:
    for table in TABLES:
        score = report.tables[table]
        found: set[str] = set()
        score.gold += len(gold[table])
        for record in getattr(drafts, table):
            score.drafted += 1
            same = [(gid, g) for gid, g in gold[table] if _matches(table, record, g, sid)]
            date = _date(record.get("date"))
            right = [(gid, g) for gid, g in same if date is None or date == _date(g.get("date"))]
            if right:
                score.drafted_right += 1
                found.update(gid for gid, _ in right)
            near = [(gid, g) for gid, g in gold[table] if _near(table, record, g, sid)]
            if date is not None:
                _check(report, report.dates, "date", record, date, same, "date", near)
            elif record.get("date_text"):
                report.left_null += 1
            if table == "sanctions" and record.get("amount_usd") is not None:
                _check(report, report.amounts, "amount", record, None, same, "amount_usd", near)
            _quantities(report, record, same)
        for proposal in drafts.corroborations:
            if proposal["table"] != table:
                continue
            score.drafted += 1
            cited = [(gid, g) for gid, g in gold[table] if gid == proposal["record"]]
            if cited:
                score.drafted_right += 1
                found.add(proposal["record"])
            label = {**proposal, "id": f"citation of {proposal['record']}"}
            if proposal.get("date") is not None:
                _check(report, report.dates, "date", label, _date(proposal["date"]), cited, "date")
            elif proposal.get("date_text"):
                report.left_null += 1
            if proposal.get("amount_usd") is not None:
                _check(report, report.amounts, "amount", label, None, cited, "amount_usd")
            _quantities(report, label, cited)
        score.gold_found += len(found)
        for gid, g in gold[table]:
            if gid not in found:
                report.missed.append(f"{sid} {table} {gid}: {_why(table, g, drafts, sid)}")


def _quantities(report: Report, record: dict[str, Any], same: list[tuple[str, Any]]) -> None:
    """Each quantity a draft gives: right when a matching curated record has it (value, unit
    and qualifier), wrong when none does, unchecked without a matching record."""
    for q in record.get("quantities") or []:
        report.quantities["proposed"] += 1
        key = (q["value"], q["unit"], q["qualifier"])
        if not same:
            report.quantities["unchecked"] += 1
        elif any(
            key == (c.get("value"), c.get("unit"), c.get("qualifier"))
            for _, g in same
            for c in g.get("quantities") or []
        ):
            report.quantities["right"] += 1
        else:
            report.quantities["wrong"] += 1
            report.wrong.append(f"{record['id']}: quantity {q['text']}")


def _why(table: str, gold: dict[str, Any], drafts: Any, sid: str) -> str:
    """What was drafted at a missed record's quotes: nothing, another kind, other actors."""
    at = [r for r in getattr(drafts, table) if any(_overlaps(c, gold, sid) for c in r["citations"])]
    at += [
        {"citations": [c["citation"]], "record": c["record"]}
        for c in drafts.corroborations
        if c["table"] == table and _overlaps(c["citation"], gold, sid)
    ]
    if not at:
        return "nothing drafted at its quotes"
    parts = []
    for r in at:
        if "record" in r:
            parts.append(f"a citation of {r['record']}")
        elif r.get(KIND[table]) != gold.get(KIND[table]):
            parts.append(f"drafted as {r.get(KIND[table])}")
        elif not set(r.get(WHO[table]) or []) & set(gold.get(WHO[table]) or []):
            parts.append(f"drafted by {', '.join(r.get(WHO[table]) or [])}")
        else:
            parts.append(f"drafted dated {_date(r.get('date'))}")
    return "; ".join(dict.fromkeys(parts))


def _check(
    report: Report,
    counts: dict[str, int],
    what: str,
    record: dict[str, Any],
    date: str | None,
    same: list[tuple[str, dict[str, Any]]],
    key: str,
    near: list[tuple[str, dict[str, Any]]] | None = None,
) -> None:
    counts["proposed"] += 1
    value = date if key == "date" else record.get(key)
    if not same:
        counts["unchecked"] += 1
        nearby = [
            f"{gid}: {_date(g.get(key)) if key == 'date' else g.get(key)}" for gid, g in near or []
        ]
        report.unchecked.append(
            f"{record['id']}: {what} {value}"
            + (f" (same kind, same place, other actors: {'; '.join(nearby)})" if nearby else "")
        )
        return
    golds = [_date(g.get(key)) if key == "date" else g.get(key) for _, g in same]
    if key == "date":  # the day and its precision
        value = f"{value} ({record.get('date_precision')})"
        golds = [f"{_date(g.get(key))} ({g.get('date_precision')})" for _, g in same]
    if value in golds:
        counts["right"] += 1
    else:
        counts["wrong"] += 1
        report.wrong.append(f"{record['id']}: {what} {value} (curated: {golds})")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def markdown(report: Report) -> str:
    """The report as the Markdown of docs/draft-evaluation.md."""
    lines = [
        "# How good are the drafts?",
        "",
        "Written by `vzcrisis draft --evaluate --report docs/draft-evaluation.md` (see",
        "`build/vzcrisis/curate/evaluate.py` for the method): every seed article is re-drafted",
        "with its own citations held out, and the drafts are compared with the curated records.",
        "A drafted fact matches a curated record on table, type / category / kind, a shared",
        "actor, an overlapping quote and (when it proposes one) the date.",
        "",
        f"Articles: {report.articles}.",
        "",
        "| table | drafted | right | precision | curated | found | recall |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = Score()
    for table, s in report.tables.items():
        lines.append(
            f"| {table} | {s.drafted} | {s.drafted_right} | {_pct(s.precision)} | {s.gold} | "
            f"{s.gold_found} | {_pct(s.recall)} |"
        )
        total.drafted += s.drafted
        total.drafted_right += s.drafted_right
        total.gold += s.gold
        total.gold_found += s.gold_found
    lines.append(
        f"| **all** | {total.drafted} | {total.drafted_right} | {_pct(total.precision)} | "
        f"{total.gold} | {total.gold_found} | {_pct(total.recall)} |"
    )
    d, a, q = report.dates, report.amounts, report.quantities
    lines += [
        "",
        f"Dates proposed: {d['proposed']} (right {d['right']}, wrong {d['wrong']}, unchecked "
        f"{d['unchecked']}: no curated record to compare with); {report.left_null} date "
        "phrase(s) left undated (relative, and the article prints no date to anchor them).",
        f"Sanction amounts proposed: {a['proposed']} (right {a['right']}, wrong {a['wrong']}, "
        f"unchecked {a['unchecked']}).",
        f"Event quantities proposed: {q['proposed']} (right {q['right']}, wrong {q['wrong']}, "
        f"unchecked {q['unchecked']}).",
    ]
    if report.wrong:
        lines += ["", "Wrong values:", ""] + [f"- {w}" for w in report.wrong]
    if report.unchecked:
        lines += ["", "Unchecked values:", ""] + [f"- {u}" for u in report.unchecked]
    if report.missed:
        lines += [
            "",
            "Curated records no draft found (source, table, record: what was drafted at its",
            "quotes):",
            "",
        ] + [f"- {m}" for m in report.missed]
    return "\n".join(lines) + "\n"
