"""The registry of tables: each ``catalog.TableSpec`` with its model classes resolved.

Tables are declared once, in ``venezuela_crisis/catalog.py`` (plain data, so opening a release
needs no pydantic); this module attaches the classes it names and checks, at import, that every
column the spec mentions (label, text, sort, facets, full-text, timeline) is a field of the row
model or a column the SQLite database derives. A table missing a model, or a spec naming a
field that does not exist, fails here, not at release time.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike

from .. import catalog
from ..catalog import TableSpec as Spec
from . import tables as _tables
from .base import CuratedRecord, StrictModel
from .vocab import write_module


@dataclass(frozen=True)
class TableSpec:
    """One table: its declaration (``spec``) and the model classes it names."""

    spec: Spec
    record: type[CuratedRecord] | None
    row: type[StrictModel]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def schema_version(self) -> str:
        return self.spec.schema_version

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def description(self) -> str:
        return self.spec.description


def _model(name: str, table: str, kind: type) -> type:
    found = getattr(_tables, name, None)
    if not (isinstance(found, type) and issubclass(found, kind)):
        raise TypeError(
            f"catalog: table {table!r} names {name!r}, which is not a {kind.__name__} in "
            "venezuela_crisis/models/tables.py; define it there"
        )
    return found


def _columns_named(spec: Spec) -> list[str]:
    """Every column a spec refers to."""
    names = [spec.label, spec.text, spec.sort, *spec.fts]
    for facet in (*spec.facets, *spec.more_facets):
        names.append(facet if isinstance(facet, str) else next(iter(facet.values())))
    if spec.timeline is not None:
        names += [spec.timeline.kind, *spec.timeline.actors]
        names += [spec.timeline.dated_by] if spec.timeline.dated_by else ["date", "date_precision"]
    return names


def _resolve(spec: Spec) -> TableSpec:
    row: type[StrictModel] = _model(spec.row, spec.name, StrictModel)
    record: type[CuratedRecord] | None = (
        _model(spec.record, spec.name, CuratedRecord) if spec.record else None
    )
    known = set(row.model_fields) | set(spec.derived_columns)
    unknown = sorted({n for n in _columns_named(spec) if n not in known})
    if unknown:
        raise TypeError(
            f"catalog: table {spec.name!r} names column(s) {', '.join(unknown)} that "
            f"{spec.row} does not have; fix the spec or add the field"
        )
    return TableSpec(spec, record, row)


TABLES: dict[str, TableSpec] = {spec.name: _resolve(spec) for spec in catalog.TABLES}
"""All tables, in release order. `citations` has no curated form: it is built from records."""

CURATED_TABLES: tuple[str, ...] = catalog.CURATED_TABLE_NAMES
"""Tables a curator writes records for."""


def columns_module() -> str:
    """The source of ``venezuela_crisis/columns.py``: each table's row fields, in model order.

    Regenerate after changing a row model (`write_columns`); a test fails while the file
    differs from this text."""
    lines = [
        '"""The columns of each table\'s released rows: its row model\'s fields, in order.',
        "",
        "Generated from the row models by ``venezuela_crisis/models/registry.py``'s",
        "``write_columns()``; do not edit. The table methods select these columns without",
        "importing the data model (a cold start builds no pydantic class) while a table's",
        "``catalog`` schema version is the one below; after a model change they read the",
        'model\'s fields until this file is regenerated."""',
        "",
        "SCHEMA_VERSIONS: dict[str, str] = {",
    ]
    lines += [f'    "{name}": "{table.schema_version}",' for name, table in TABLES.items()]
    lines += [
        "}",
        '"""The schema version of each table these columns were generated from."""',
        "",
        "ROW_FIELDS: dict[str, tuple[str, ...]] = {",
    ]
    for name, table in TABLES.items():
        lines.append(f'    "{name}": (')
        lines += [f'        "{field}",' for field in table.row.model_fields]
        lines.append("    ),")
    lines += [
        "}",
        '"""Table name -> the fields of its row model (``catalog.TableSpec.row``)."""',
        "",
    ]
    return "\n".join(lines)


def write_columns(directory: str | PathLike[str] | None = None) -> str:
    """Write ``columns.py`` from the row models into `directory` (default: this installed
    ``venezuela_crisis`` package); returns its path. ``vzcrisis schemas`` calls it."""
    return write_module("columns.py", columns_module(), directory)
