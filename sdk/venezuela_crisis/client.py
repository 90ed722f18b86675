"""`VenezuelaCrisis`: typed, offline, pinned queries over one release of the dataset.

Annotations are evaluated (no ``from __future__ import annotations``) so that ``help()`` and
``inspect.signature`` show each vocabulary filter's allowed values (``literals``); names only
imported for type checking are quoted.
"""

import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import pyarrow as pa

from . import columns
from . import literals as lit
from . import queries as q
from .actors import ActorIndex, ActorMatch, ActorName
from .catalog import CURATED_TABLE_NAMES, SCHEMA_VERSIONS, TABLE_NAMES
from .db import Database, check_read_only
from .download import fetch_release, is_url
from .errors import QueryError, UnknownVersionError, shown
from .format.manifest import manifest_sha256
from .format.versions import is_version
from .releases import Release, locate, open_release

if TYPE_CHECKING:
    from pydantic import BaseModel

    from . import models as m
    from . import results as _results
    from . import rows, views
    from .models import Actor, Citation, Context, Demand, Dispute, Event, Sanction, Source
    from .results import Results
    from .views import DisputedPoint, ReleaseDiff, TimelineEntry
else:  # imported on first use: opening a release and `sql()` never build the models
    from ._lazy import Lazy

    m, rows = Lazy("venezuela_crisis.models"), Lazy("venezuela_crisis.rows")
    views, _results = Lazy("venezuela_crisis.views"), Lazy("venezuela_crisis.results")

M = TypeVar("M", bound="BaseModel")
PathLike = str | os.PathLike[str]


def _row_model(table: str) -> "Callable[[], type[BaseModel]]":
    """A function giving `table`'s row class (imports the data model when called)."""
    return lambda: m.TABLES[table].row


def _row_fields(table: str) -> Sequence[str]:
    """The fields of `table`'s row model: from the generated ``columns`` (no model imported),
    or from the model itself when its schema version changed since that file was written."""
    if columns.SCHEMA_VERSIONS.get(table) == SCHEMA_VERSIONS[table]:
        return columns.ROW_FIELDS[table]
    return tuple(m.TABLES[table].row.model_fields)


def _directory(path: str) -> Path:
    """A local release directory; a URL's release is downloaded once (``download``)."""
    return fetch_release(path) if is_url(path) else Path(path).expanduser()


class VenezuelaCrisis:
    """One opened, verified release. Reads local files only (a URL is downloaded once).

    ``VenezuelaCrisis()`` opens the newest bundled release; ``version="1.0.0"`` pins one
    (bundled, in ``releases_dir`` or ``$VENEZUELA_CRISIS_RELEASES``); ``path=`` opens any release
    directory or an ``https://`` URL of one; ``manifest_sha256=`` (see `manifest_sha256`) pins the
    exact release bytes. Actor filters take an id, a name or an alias (see `resolve`). Safe to
    share between threads.
    """

    def __init__(
        self,
        version: str | None = None,
        *,
        path: PathLike | None = None,
        releases_dir: PathLike | None = None,
        verify: bool = True,
        manifest_sha256: str | None = None,
    ) -> None:
        self._releases_dir = releases_dir
        if path is not None:
            directory = _directory(os.fspath(path))
        else:
            directory = locate(version, releases_dir)
        self._release: Release = open_release(
            directory, verify_files=verify, pin_sha256=manifest_sha256
        )
        if version is not None and self._release.version != version:
            raise UnknownVersionError(
                f"{directory} holds release {self._release.version}, not {version}"
            )
        self._trusted = verify
        """Rows of a verified release are built without re-validation (see `rows`)."""
        self._db = Database(self._release)
        self._index: ActorIndex | None = None
        self._index_lock = threading.Lock()

    # -- what is open ---------------------------------------------------------------------
    @property
    def version(self) -> str:
        """Version of the open release (X.Y.Z)."""
        return self._release.version

    @property
    def path(self) -> Path:
        """Local directory of the open release."""
        return self._release.path

    @property
    def manifest(self) -> dict[str, Any]:
        """The release's manifest.json (version, tables, files with sha256, …)."""
        return self._release.manifest

    @property
    def manifest_sha256(self) -> str:
        """sha256 of manifest.json: pin it (``manifest_sha256=``) to refuse any other release."""
        return manifest_sha256(self._release.path)

    @property
    def tables(self) -> dict[str, int]:
        """Table name -> number of rows, as in the manifest; these are also the SQL views."""
        return {t: int(self.manifest["tables"][t].get("rows", 0)) for t in TABLE_NAMES}

    def __repr__(self) -> str:
        return f"VenezuelaCrisis(version={self.version!r}, path={str(self.path)!r})"

    def close(self) -> None:
        """Close the DuckDB connection."""
        self._db.close()

    def __enter__(self) -> "VenezuelaCrisis":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- escape hatch ---------------------------------------------------------------------
    def sql(self, query: str, params: Sequence[Any] | dict[str, Any] | None = None) -> pa.Table:
        """Run read-only SQL on the views (sources, actors, events, demands, sanctions,
        disputes, citations); bind values with ``?`` and `params`. Returns a pyarrow Table.

        >>> vc.sql("select category, count(*) as n from demands group by all order by n desc")

        Only select, with, describe, summarize, show and explain run; anything else (drop,
        create, copy, attach, install, pragma, set …), alone or among other statements, raises
        QueryError before anything runs. The database reads the release's own files only.
        """
        check_read_only(query)
        return self._db.arrow(query, params)

    # -- actors ---------------------------------------------------------------------------
    @property
    def _actors(self) -> ActorIndex:
        with self._index_lock:
            if self._index is None:
                table = self._db.arrow("select id, name, aliases from actors order by id")
                cols = [table.column(c).to_pylist() for c in ("id", "name", "aliases")]
                self._index = ActorIndex(
                    ActorName(i, n, tuple(a or ())) for i, n, a in zip(*cols, strict=True)
                )
            return self._index

    @property
    def actor_names(self) -> dict[str, str]:
        """Actor id -> canonical name, for every actor of the release (what displays and CSV
        show beside actor ids).

        >>> vc.actor_names["nicolas-maduro"]
        'Nicolás Maduro'
        """
        return dict(self._actors.names)

    def _actor_names(self) -> dict[str, str]:  # what `Results` calls when it shows names
        return self._actors.names

    def resolve(self, actor: str) -> ActorMatch:
        """Which actor `actor` names and why (id, canonical name, alias or a word of a name).

        >>> print(vc.resolve("maduro"))
        'maduro' equals the alias 'Maduro' of Nicolás Maduro (nicolas-maduro)
        """
        return self._actors.resolve(actor)

    def actor(self, actor: str) -> "Actor":
        """The one actor named by an id, name or alias (see `resolve`).

        >>> vc.actor("Delcy Rodriguez").roles
        """
        return self.actors(id=self.resolve(actor).id)[0]

    def actors(
        self,
        name: str | None = None,
        *,
        id: q.Many | None = None,
        kind: lit.ActorKindFilter | None = None,
        country: str | None = None,
    ) -> "Results[Actor]":
        """Actors whose id, name or an alias contains `name` (case/accent-insensitive), of
        `kind` (one value or a list: person, government, state, organization, armed_group,
        media, group), of ISO alpha-3 `country`.

        >>> vc.actors("rodriguez", kind="person", country="VEN")
        """
        where = q.Where()
        if name is not None:
            where.one_of("id", self._actors.search(name))
        if id is not None:
            where.one_of("id", q.as_list(id, "id"))
        if kind is not None:
            where.one_of("kind", q.as_enum("ActorKind", kind, "kind"))
        if country is not None:
            where.add("t.country = upper(?)", country)
        return self._rows("actors", lambda: m.Actor, where)

    # -- tables ---------------------------------------------------------------------------
    def sources(
        self, *, origin: q.Many | None = None, id: q.Many | None = None
    ) -> "Results[Source]":
        """Source articles, optionally from upstream `origin`(s) (e.g. "Reuters"; any case)
        or with these `id`(s).

        >>> vc.sources(origin=["Reuters", "Miami Herald"])
        """
        where = q.Where()
        if origin is not None:
            where.add(
                "strip_accents(lower(t.origin)) in "
                "(select strip_accents(lower(unnest(?::VARCHAR[]))))",
                q.as_list(origin, "origin"),
            )
        if id is not None:
            where.one_of("id", q.as_list(id, "id"))
        return self._rows("sources", lambda: m.Source, where)

    def events(
        self,
        *,
        since: q.DateLike | None = None,
        until: q.DateLike | None = None,
        type: lit.EventTypeFilter | None = None,
        actor: q.Many | None = None,
        by: q.Many | None = None,
        recipient: q.Many | None = None,
        source: q.Many | None = None,
        disputed: bool | None = None,
        min_sources: int | None = None,
        min_origins: int | None = None,
    ) -> "Results[Event]":
        """Events by date range (`since`/`until`, inclusive, YYYY-MM-DD), PLOVER `type` (one
        or a list), involved `actor` (acting or addressed), acting `by`, `recipient`, citing
        `source` id, `disputed`, and corroboration (at least `min_sources` articles /
        `min_origins` independent origins). Ordered by date, undated last.

        >>> vc.events(since="2025-11-21", type=["THREATEN", "COERCE"], actor="Trump")
        """
        where = q.Where()
        q.dated(where, since, until, "t.date")
        if type is not None:
            where.one_of("type", q.as_enum("EventType", type, "type"))
        if actor is not None:
            ids = self._actors.resolve_many(actor)
            where.add(
                "(list_has_any(t.actors, ?::VARCHAR[]) "
                "or list_has_any(t.recipients, ?::VARCHAR[]))",
                ids,
                ids,
            )
        self._actor_filter(where, "actors", by)
        self._actor_filter(where, "recipients", recipient)
        q.common(where, "events", source, disputed, min_sources, min_origins)
        return self._rows("events", lambda: m.Event, where, "t.date nulls last, t.id")

    def demands(
        self,
        *,
        by: q.Many | None = None,
        addressed_to: q.Many | None = None,
        status: lit.DemandStatusFilter | None = None,
        category: lit.DemandCategoryFilter | None = None,
        source: q.Many | None = None,
        made_in: str | None = None,
        disputed: bool | None = None,
        min_sources: int | None = None,
        min_origins: int | None = None,
    ) -> "Results[Demand]":
        """Demands made `by` an actor, `addressed_to` one, by `status` and `category` (one
        value or a list: any of them), citing `source` id, made in event `made_in`,
        `disputed`, and corroboration (at least `min_sources` articles / `min_origins`
        independent origins).

        >>> vc.demands(by="Maduro", status=["rejected", "expired"], min_origins=2)
        """
        where = q.Where()
        self._actor_filter(where, "by", by)
        self._actor_filter(where, "addressed_to", addressed_to)
        if status is not None:
            where.one_of("status", q.as_enum("DemandStatus", status, "status"))
        if category is not None:
            where.one_of("category", q.as_enum("DemandCategory", category, "category"))
        if made_in is not None:
            where.add("t.made_in = ?", made_in)
        q.common(where, "demands", source, disputed, min_sources, min_origins)
        return self._rows("demands", lambda: m.Demand, where)

    def sanctions(
        self,
        *,
        target: q.Many | None = None,
        imposed_by: q.Many | None = None,
        kind: lit.SanctionKindFilter | None = None,
        status: lit.SanctionStatusFilter | None = None,
        since: q.DateLike | None = None,
        until: q.DateLike | None = None,
        source: q.Many | None = None,
        disputed: bool | None = None,
        min_sources: int | None = None,
        min_origins: int | None = None,
    ) -> "Results[Sanction]":
        """Sanctions and measures by `target`, `imposed_by`, `kind` and `status` (one value or
        a list), date range (`since`/`until`, inclusive), citing `source` id, `disputed`, and
        corroboration (`min_sources`, `min_origins`). Ordered by date, undated last.

        >>> vc.sanctions(kind=["reward", "indictment"], target="Maduro")
        """
        where = q.Where()
        self._actor_filter(where, "targets", target)
        self._actor_filter(where, "imposed_by", imposed_by)
        if kind is not None:
            where.one_of("kind", q.as_enum("SanctionKind", kind, "kind"))
        if status is not None:
            where.one_of("status", q.as_enum("SanctionStatus", status, "status"))
        q.dated(where, since, until, "t.date")
        q.common(where, "sanctions", source, disputed, min_sources, min_origins)
        return self._rows("sanctions", lambda: m.Sanction, where, "t.date nulls last, t.id")

    def disputes(self) -> "Results[Dispute]":
        """Every dispute record (the questions sources disagree on); `disputed()` adds each
        version with its citations.

        >>> [d.question for d in vc.disputes()]
        """
        return self._rows("disputes", lambda: m.Dispute, q.Where())

    def citations(
        self,
        record_id: str | None = None,
        *,
        source: q.Many | None = None,
        table: lit.RecordTableFilter | None = None,
    ) -> "Results[Citation]":
        """Evidence: the quotes supporting `record_id` (any table), citing `source` ids, or
        supporting records of `table` (sources, actors, events, demands, sanctions, disputes).

        >>> vc.citations("maduro-amnesty-family")
        """
        where = q.Where()
        if record_id is not None:
            self.record(record_id)  # clear error for an unknown id
            where.add("t.record_id = ?", record_id)
        if source is not None:
            where.one_of("source_id", q.as_list(source, "source"))
        if table is not None:
            where.one_of("record_table", q.as_enum("RecordTable", table, "table"))
        return self._rows(
            "citations", lambda: m.Citation, where, "t.record_id, t.source_id, t.char_start"
        )

    def context(self, citation_id: str) -> "Context | None":
        """A citation's quote in its sentence(s), offline: ``(text, start, end)`` with
        ``text[start:end]`` the quote (see `Evidence.context`); None before release 1.1.0.

        >>> print(vc.context(vc.citations("maduro-amnesty-family")[0].id))
        """
        if not isinstance(citation_id, str):
            raise QueryError(f"citation id must be a string, got {shown(citation_id)}")
        found = self._db.arrow(q.CONTEXT_SQL, [citation_id]).to_pylist()
        if not found:
            raise QueryError(
                f"no citation {shown(citation_id)}; ids look like 'record-id@src-1234abcd:120' "
                "(see vc.citations(record_id))"
            )
        row = found[0]
        if row["text"] is None:
            return None
        return m.Context(row["text"], int(row["start"]), int(row["end"]))

    def record(self, record_id: str) -> "BaseModel":
        """The record with this id, from whichever table holds it.

        >>> vc.record("maduro-amnesty-family")
        """
        if not isinstance(record_id, str):
            raise QueryError(f"record id must be a string, got {shown(record_id)}")
        union = " union all ".join(
            f"select '{t}' as tbl from {t} where id = ?" for t in CURATED_TABLE_NAMES
        )
        found = (
            self._db.arrow(union, [record_id] * len(CURATED_TABLE_NAMES)).column("tbl").to_pylist()
        )
        if not found:
            raise QueryError(f"no record with id {shown(record_id)} in release {self.version}")
        table = str(found[0])
        where = q.Where()
        where.add("t.id = ?", record_id)
        return self._rows(table, _row_model(table), where)[0]

    # -- combined views -------------------------------------------------------------------
    def timeline(
        self,
        *,
        actor: q.Many | None = None,
        since: q.DateLike | None = None,
        until: q.DateLike | None = None,
    ) -> "Results[TimelineEntry]":
        """Events, demands (dated by the event they were made in) and sanctions on one date
        axis, optionally involving `actor` and within `since`/`until`; undated entries come
        last.

        >>> vc.timeline(actor="Maduro", since="2025-11-01")
        """
        where = q.Where()
        if actor is not None:
            where.any_of("actors", self._actors.resolve_many(actor))
        q.dated(where, since, until, "t.date")
        sql = (
            f"select {q.TIMELINE_COLUMNS} from {q.timeline_union()} t{where.sql()} "
            f"order by {q.TIMELINE_ORDER}"
        )
        return self._run(sql, where.params, lambda: views.TimelineEntry)

    def disputed(self) -> "Results[DisputedPoint]":
        """Every point sources disagree on, with each version (a record with its citations).

        >>> point = vc.disputed()[0]
        >>> [v.id for v in point.versions]
        """
        versions: dict[str, list[Any]] = {}
        for table in ("sources", "actors", "events", "demands", "sanctions"):
            where = q.Where()
            where.add("len(t.disputes) > 0")
            for row in self._rows(table, _row_model(table), where):
                for dispute_id in getattr(row, "disputes", []):
                    versions.setdefault(dispute_id, []).append(row)
        points = [
            views.DisputedPoint(
                id=d.id, question=d.question, dispute=d, versions=versions.get(d.id, [])
            )
            for d in self.disputes()
        ]
        return _results.Results(
            points,
            model=views.DisputedPoint,
            version=self.version,
            sql="",
            names=self._actor_names,
        )

    def diff(self, old: str, new: str | None = None) -> "ReleaseDiff":
        """Ids added, removed and changed per table from release `old` to `new` (default: the
        open release). Versions are looked up like `version=`; a path or URL also works, and
        a release of another major may be compared (its files are verified, not queried).

        "Changed" is defined once, for this and the publisher's ``changes.json``: see
        ``venezuela_crisis.format.diff``.

        >>> vc.diff("1.0.0").tables["demands"].changed
        """
        from .format.diff import diff_layouts

        a = self._other(old)
        b = self._other(new) if new is not None else self._release
        return views.release_diff(a.version, b.version, diff_layouts(a.layout, b.layout))

    # -- helpers --------------------------------------------------------------------------
    def _other(self, spec: str) -> Release:
        """Another release (version, path or URL), opened and verified but not queried."""
        if spec == self.version:
            return self._release
        directory = locate(spec, self._releases_dir) if is_version(spec) else _directory(spec)
        return open_release(directory, verify_files=self._trusted, any_major=True)

    def _actor_filter(self, where: q.Where, column: str, value: q.Many | None) -> None:
        if value is not None:
            where.any_of(column, self._actors.resolve_many(value))

    def _rows(
        self, table: str, model: Callable[[], type[M]], where: q.Where, order: str = "t.id"
    ) -> "Results[M]":
        sql = q.record_sql(table, _row_fields(table), where, order)
        return self._run(sql, where.params, model)

    def _run(self, sql: str, params: list[Any], model: Callable[[], type[M]]) -> "Results[M]":
        """Run one statement, keep its Arrow table; rows become models when first read.

        `model` gives the row class when it is first needed (a row is read, a display or CSV
        is made), so a query whose rows are never touched (``to_arrow``, ``len``, ``ids``)
        imports neither pydantic nor the data model."""
        arrow = self._db.arrow(sql, params)
        trusted, version = self._trusted, self.version

        def build(batch: list[dict[str, Any]]) -> list[M]:
            cls = model()
            make = rows.trusted(cls) if trusted else rows.validated(cls, version)
            return make(batch)  # both builders are cached per class

        return _results.Results(
            model=model,
            version=version,
            sql=sql,
            params=params,
            arrow=arrow,
            build=build,
            names=self._actor_names,
        )
