"""`vzcrisis synth`: a deterministic generator of realistic, valid project inputs at scale.

The corpus is written in *chunks*, one or two articles each, and streamed to disk: a chunk's
records are planned (with the sentences that state them), the articles are composed while the
quote offsets are recorded, the articles' sha256 gives the source ids, then the records are
completed (citations, accepted review with its content hash) and appended to their table's file.
Only one chunk is ever in memory. Same seed and size give byte-identical output.

Mix of the N curated records (see benchmarks/README.md): sources 2 %, actors 3 %, events 45 %,
demands 30 %, sanctions 15 %, disputes 5 %. About a quarter of the records are restated by the
chunk's second article (a relay or an independent report), so they cite two sources.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from venezuela_crisis.errors import InputError

from ..records.load import ARTICLES_DIR, RECORDS_DIR, content_hash
from . import text as tx
from .files import Format, RecordFileWriter

MIX: dict[str, float] = {
    "sources": 0.02,
    "actors": 0.03,
    "events": 0.45,
    "demands": 0.30,
    "sanctions": 0.15,
    "disputes": 0.05,
}
"""Share of each curated table in the N records (events take the remainder)."""
MIN_RECORDS = 20
FIRST_DAY = dt.date(2025, 8, 15)
SPAN_DAYS = 150
REVIEW_DATE = "2026-01-15"
REVIEWER = "synth-reviewer"
MANIFEST = "SYNTH.json"
"""Written last into the output directory: the parameters and counts of the corpus."""


@dataclass(frozen=True)
class SynthResult:
    """What `synth` wrote."""

    out: str
    seed: int
    format: str
    records: int
    counts: dict[str, int]
    record_files: int
    articles: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "seed": self.seed,
            "format": self.format,
            "records": self.records,
            "counts": self.counts,
            "record_files": self.record_files,
            "articles": self.articles,
        }


def table_counts(records: int) -> dict[str, int]:
    """How many records of each table a corpus of `records` curated records holds."""
    counts = {name: round(records * share) for name, share in MIX.items() if name != "events"}
    counts["sources"] = max(1, counts["sources"])
    counts["actors"] = max(2, counts["actors"])
    counts["events"] = records - sum(counts.values())
    return {name: counts[name] for name in MIX}


def synth(
    out: Path,
    records: int,
    *,
    seed: int = 0,
    fmt: Format = "yaml",
    schema_dir: Path | None = None,
) -> SynthResult:
    """Write a synthetic project of `records` curated records into `out` (new or empty).

    Writes into a temporary sibling directory and renames it at the end, so `out` is either
    complete or absent. Raises InputError for bad arguments.
    """
    problems = []
    if records < MIN_RECORDS:
        problems.append(f"--records: {records} is too small; give at least {MIN_RECORDS}")
    if fmt not in ("yaml", "jsonl"):
        problems.append(f"--format: {fmt!r} is not one of yaml, jsonl")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        problems.append(f"--out: {out} exists and is not an empty directory; pick a new one")
    if schema_dir is not None and not schema_dir.is_dir():
        problems.append(f"schema directory {schema_dir} not found; run in the project or --root")
    if problems:
        raise InputError(problems)
    counts = table_counts(records)
    tmp = out.parent / f".{out.name}.synth-tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / ARTICLES_DIR).mkdir(parents=True)
    (tmp / RECORDS_DIR).mkdir(parents=True)
    if schema_dir is not None:
        shutil.copytree(schema_dir, tmp / "schema")
    writers = {name: RecordFileWriter(tmp / RECORDS_DIR, name, fmt) for name in MIX}
    try:
        gen = _Generator(seed, counts)
        for table, record in gen.records(tmp / ARTICLES_DIR):
            writers[table].write(record)
    finally:
        files = sum(w.close() for w in writers.values())
    result = SynthResult(str(out), seed, fmt, records, counts, files, counts["sources"])
    manifest = {k: v for k, v in result.as_dict().items() if k != "out"}
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    if out.exists():
        out.rmdir()
    os.replace(tmp, out)
    return result


@dataclass
class _Pending:
    """A planned record: its fields and the sentences (per article slot) that state it."""

    table: str
    data: dict[str, Any]
    sentences: list[tuple[int, tx.Pieces]]
    disputes: list[str] = field(default_factory=list)
    quotes: list[tuple[int, str, int, int]] = field(default_factory=list)


def _share(total: int, parts: int, k: int) -> int:
    return total * (k + 1) // parts - total * k // parts


def _offset(total: int, parts: int, k: int) -> int:
    return total * k // parts


class _Generator:
    """Plans and composes the corpus chunk by chunk with one seeded random stream."""

    def __init__(self, seed: int, counts: dict[str, int]) -> None:
        self.rng = random.Random(seed)
        self.counts = counts
        self.chunks = (counts["sources"] + 1) // 2
        self.actors = [tx.actor(i) for i in range(counts["actors"])]
        self.core = min(len(tx.CORE_ACTORS), len(self.actors))
        self.source_ids: set[str] = set()

    def records(self, articles: Path) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (table, record) for the whole corpus, writing article files as it goes."""
        for k in range(self.chunks):
            yield from self._chunk(k, articles)

    def _pick_actor(self, avoid: tx.ActorRef | None = None) -> tx.ActorRef:
        rng = self.rng
        for _ in range(8):
            i = rng.randrange(self.core) if rng.random() < 0.5 else rng.randrange(len(self.actors))
            if self.actors[i] is not avoid:
                return self.actors[i]
        return self.actors[0] if avoid is not self.actors[0] else self.actors[1]

    def _chunk(self, k: int, articles: Path) -> Iterator[tuple[str, dict[str, Any]]]:
        c = self.counts
        slots = 2 if 2 * k + 1 < c["sources"] else 1
        published = FIRST_DAY + dt.timedelta(days=SPAN_DAYS * k // self.chunks)
        n = {t: _share(c[t], self.chunks, k) for t in MIX if t != "sources"}
        first = {t: _offset(c[t], self.chunks, k) for t in MIX if t != "sources"}
        pending: list[_Pending] = []
        for i in range(n["actors"]):
            pending.append(self._actor(self.actors[first["actors"] + i], slots))
        events: list[_Pending] = []
        n_disputes = n["disputes"]
        assert n["events"] >= 2 * n_disputes, "every dispute needs two event versions"
        for i in range(n_disputes):
            dispute, pair = self._dispute(
                first["disputes"] + i, first["events"] + 2 * i, published, slots
            )
            pending.append(dispute)
            events.extend(pair)
        for i in range(2 * n_disputes, n["events"]):
            events.append(self._event(first["events"] + i, published, slots))
        sanctions = [
            self._sanction(first["sanctions"] + i, published, slots, events)
            for i in range(n["sanctions"])
        ]
        demands = [
            self._demand(first["demands"] + i, slots, events, sanctions)
            for i in range(n["demands"])
        ]
        pending.extend(events + sanctions + demands)
        sources = self._compose(k, slots, published, pending, articles)
        for src in sources:
            yield "sources", src
        for item in pending:
            yield item.table, self._finish(item, sources)

    def _slots(self, slots: int) -> list[int]:
        main = self.rng.randrange(slots)
        if slots == 2 and self.rng.random() < 0.25:
            return [0, 1]
        return [main]

    def _actor(self, a: tx.ActorRef, slots: int) -> _Pending:
        role = f", {a.roles[0]}," if a.roles else ","
        pieces = ("The report also names ", f"{a.mention(self.rng)}{role[:-1]}", ".")
        data: dict[str, Any] = {
            "id": a.id,
            "name": a.name,
            "aliases": list(a.aliases),
            "kind": a.kind,
            "country": a.country,
            "roles": list(a.roles),
        }
        return _Pending("actors", data, [(s, pieces) for s in self._slots(slots)])

    def _event(self, index: int, published: dt.date, slots: int) -> _Pending:
        rng = self.rng
        etype, mode, template = rng.choice(tx.EVENT_TEXTS)
        a, place, num = self._pick_actor(), rng.choice(tx.PLACES), rng.randint(2, 60)
        b = self._pick_actor(avoid=a)
        dates = tx.date_phrase(rng, published)
        clause = template.format(a=a.mention(rng), b=b.mention(rng), n=num, place=place)
        clause += dates.pop("phrase")
        data: dict[str, Any] = {
            "id": f"{etype.lower()}-{a.id[:30].strip('-')}-{index}",
            "type": etype,
            "actors": [a.id],
            "recipients": [b.id] if "{b}" in template else [],
            "summary": clause[0].upper() + clause[1:] + ".",
            **dates,
        }
        if mode:
            data["mode"] = mode
        if "{place}" in template:
            data["location"] = place
        sentences = [(s, tx.sentence(rng, clause)) for s in self._slots(slots)]
        return _Pending("events", data, sentences)

    def _dispute(
        self, index: int, event_index: int, published: dt.date, slots: int
    ) -> tuple[_Pending, list[_Pending]]:
        rng = self.rng
        a, place = self._pick_actor(), rng.choice(tx.PLACES)
        day = published - dt.timedelta(days=rng.randint(1, 30))
        did = f"strike-toll-{tx.slug(place)}-{index}"
        versions = []
        for v in range(2):
            (qual, words), num = rng.choice(tx.QUALIFIERS), rng.randint(5, 90) + 10 * v
            phrase = f"{words} {num}".strip()
            clause = f"a strike by {a.mention(rng)} near {place} on {tx.long_date(day)}"
            clause += f" killed {phrase} people"
            data: dict[str, Any] = {
                "id": f"assault-{tx.slug(place)}-{event_index + v}",
                "type": "ASSAULT",
                "actors": [a.id],
                "recipients": [],
                "summary": f"Strike near {place} killed {phrase} people (version {v + 1}).",
                "date": day.isoformat(),
                "date_precision": "day",
                "date_text": f"on {tx.long_date(day)}",
                "location": place,
                "quantities": [{"value": num, "unit": "people", "qualifier": qual, "text": phrase}],
            }
            slot = v % slots
            lead = rng.choice(("Reports say ", "One account says ", "Officials said "))
            versions.append(_Pending("events", data, [(slot, (lead, clause, "."))], [did]))
        question = f"How many people did the strike near {place} on {tx.long_date(day)} kill?"
        clause = f"Accounts of the death toll from the strike near {place} differ"
        dispute = _Pending(
            "disputes",
            {
                "id": did,
                "question": question,
                "summary": "Sources report different death tolls; each version is kept with "
                "its citations.",
            },
            [(slots - 1, ("", clause, ", with officials and witnesses giving other numbers."))],
        )
        return dispute, versions

    def _sanction(
        self, index: int, published: dt.date, slots: int, events: list[_Pending]
    ) -> _Pending:
        rng = self.rng
        kind, template = rng.choice(tx.SANCTION_TEXTS)
        a = self._pick_actor()
        t = self._pick_actor(avoid=a)
        millions = rng.choice((5, 10, 15, 25, 50))
        dates = tx.date_phrase(rng, published)
        clause = template.format(t=t.mention(rng), n=rng.randint(2, 40), m=millions)
        clause = f"{a.mention(rng)} {clause}{dates.pop('phrase')}"
        data: dict[str, Any] = {
            "id": f"{kind.replace('_', '-')}-{t.id[:30].strip('-')}-{index}",
            "kind": kind,
            "imposed_by": [a.id],
            "targets": [t.id],
            "status": rng.choice(("active", "active", "proposed", "lifted", "unknown")),
            "description": clause + ".",
            **dates,
        }
        if kind == "reward":
            data["amount_usd"] = millions * 1_000_000
        if events and rng.random() < 0.3:
            data["event"] = rng.choice(events).data["id"]
        sentences = [(s, tx.sentence(rng, clause)) for s in self._slots(slots)]
        return _Pending("sanctions", data, sentences)

    def _demand(
        self, index: int, slots: int, events: list[_Pending], sanctions: list[_Pending]
    ) -> _Pending:
        rng = self.rng
        category, template = rng.choice(tx.ASKS)
        a = self._pick_actor()
        b = self._pick_actor(avoid=a)
        family = "his family" if b.kind == "person" else "its members"
        deadline = tx.long_date(FIRST_DAY + dt.timedelta(days=rng.randrange(SPAN_DAYS + 30)))
        ask = template.format(
            b=b.mention(rng), b_family=family, n=rng.randint(3, 30), deadline=deadline
        )
        verb = rng.choice(("demanded", "sought", "called for", "insisted on"))
        clause = f"{a.mention(rng)} {verb} {ask}"
        data: dict[str, Any] = {
            "id": f"{category.replace('_', '-')}-{a.id[:30].strip('-')}-{index}",
            "by": [a.id],
            "addressed_to": [self._pick_actor(avoid=a).id],
            "beneficiaries": [b.id] if "{b}" in template else [],
            "category": category,
            "text": f"{a.name} {verb} {ask}.",
            "status": rng.choice(("rejected", "partly_rejected", "pending", "expired", "unknown")),
        }
        if events and rng.random() < 0.5:
            data["made_in"] = rng.choice(events).data["id"]
        rejections = [e for e in events if e.data["type"] == "REJECT"]
        if rejections and rng.random() < 0.5:
            data["response_event"] = rng.choice(rejections).data["id"]
        if category == "sanctions_relief" and sanctions:
            data["sanctions"] = [rng.choice(sanctions).data["id"]]
        sentences = [(s, tx.sentence(rng, clause)) for s in self._slots(slots)]
        return _Pending("demands", data, sentences)

    def _compose(
        self, k: int, slots: int, published: dt.date, pending: list[_Pending], articles: Path
    ) -> list[dict[str, Any]]:
        """Write the chunk's articles, recording every quote's offsets; return source records."""
        rng = self.rng
        sources = []
        used = [False] * len(tx.PUBLISHERS)
        for slot in range(slots):
            p = rng.randrange(len(tx.PUBLISHERS))
            while used[p]:
                p = (p + 1) % len(tx.PUBLISHERS)
            used[p] = True
            publisher, origin = tx.PUBLISHERS[p]
            byline = rng.choice(tx.BYLINES)
            title = f"Pressure builds on Caracas as talks stall near {rng.choice(tx.PLACES)}"
            parts = [
                "[Synthetic article generated by vzcrisis synth for testing; not real reporting.]"
                f"\n{title}\nBy {byline}\n{tx.long_date(published)}\n\n"
            ]
            length = len(parts[0])
            mine = [(item, pieces) for item in pending for s, pieces in item.sentences if s == slot]
            rng.shuffle(mine)
            for n, (item, (before, quote, after)) in enumerate(mine):
                start = length + len(before)
                item.quotes.append((slot, quote, start, start + len(quote)))
                sep = "\n" if n % 4 == 3 else " "
                text = f"{before}{quote}{after}{sep}"
                parts.append(text)
                length += len(text)
            before = "\nThis report is based on " if mine else "This report is based on "
            own = f"reporting by {origin}"
            parts.append(f"{before}{own}.\n")
            own_start = length + len(before)
            body = "".join(parts).encode("utf-8")
            sha = hashlib.sha256(body).hexdigest()
            while f"src-{sha[:8]}" in self.source_ids:  # 8 hex digits collide at ~10k sources
                body += b"(Updated.)\n"
                sha = hashlib.sha256(body).hexdigest()
            name = f"synth-{k:06d}-{slot}.txt"
            (articles / name).write_bytes(body)
            src_id = f"src-{sha[:8]}"
            self.source_ids.add(src_id)
            data = {
                "id": src_id,
                "publisher": publisher,
                "title": title,
                "byline": byline,
                "published": published.isoformat(),
                "published_precision": "day",
                "language": "en",
                "file": name,
                "sha256": sha,
                "origin": origin,
                "url": f"https://example.com/synthetic/{name}",
                "citations": [_cite(src_id, own, own_start)],
            }
            sources.append(_reviewed(data))
        return sources

    def _finish(self, item: _Pending, sources: list[dict[str, Any]]) -> dict[str, Any]:
        data = dict(item.data)
        data["citations"] = [
            _cite(sources[slot]["id"], quote, start) for slot, quote, start, _ in item.quotes
        ]
        if item.disputes:
            data["disputes"] = item.disputes
        return _reviewed(data)


def _cite(source: str, quote: str, start: int) -> dict[str, Any]:
    """A citation of a synthetic article: every sentence is the article's own writing."""
    return {
        "source": source,
        "quote": quote,
        "char_start": start,
        "char_end": start + len(quote),
        "attribution": "own",
    }


def _reviewed(data: dict[str, Any]) -> dict[str, Any]:
    data["review"] = {
        "status": "accepted",
        "reviewer": REVIEWER,
        "date": REVIEW_DATE,
        "content_hash": content_hash(data),
    }
    return data
