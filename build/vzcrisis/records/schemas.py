"""Generate the versioned JSON Schemas of curated records from the models, and publish them.

One schema per curated table and version: ``schema/<table>/<version>.json`` (draft 2020-12,
one record). ``schema/registry.json`` holds the sha256 of every published schema file: a
published version never changes. Changing a model means bumping its version in
``venezuela_crisis/catalog.py`` (major for a breaking change) and running
``vzcrisis schemas``, which also regenerates the SDK's modules derived from the models
(``write_model_files``: ``columns.py`` and ``literals.py`` under the project's
``sdk/venezuela_crisis/``).

Schema ids are ``{ID_BASE}<table>/<version>.json``, e.g.
``https://venezuela-crisis.example/schema/demands/1.0.0.json``; the path after ``ID_BASE`` is
the file's path under ``schema/``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from venezuela_crisis.errors import InputError
from venezuela_crisis.format.versions import is_version, parse_version
from venezuela_crisis.models import CURATED_TABLES, TABLES, VOCAB_DOCS
from venezuela_crisis.models.registry import columns_module, write_columns
from venezuela_crisis.models.vocab import literals_module, write_literals

from .schema_compat import compare

SCHEMA_DIR = Path("schema")
REGISTRY_FILE = SCHEMA_DIR / "registry.json"
SDK_DIR = Path("sdk") / "venezuela_crisis"
"""Where a project holds the SDK's sources, with the modules generated from the models."""
ID_BASE = "https://venezuela-crisis.example/schema/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ENUM_DOCS: dict[str, dict[str, str]] = {cls.__name__: docs for cls, docs in VOCAB_DOCS.items()}


def schema_relpath(table: str, version: str) -> str:
    """Path of a schema file under ``schema/`` (also the tail of its ``$id``)."""
    return f"{table}/{version}.json"


def schema_path(root: Path, table: str, version: str) -> Path:
    """Where the schema of `table` at `version` lives in a project."""
    return root / SCHEMA_DIR / schema_relpath(table, version)


def record_schema(table: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ONE record of `table`, as the models define it now."""
    spec = TABLES[table]
    if spec.record is None:
        raise ValueError(f"table {table!r} has no curated records")
    schema = spec.record.model_json_schema(mode="validation")
    for name, sub in schema.get("$defs", {}).items():
        docs = _ENUM_DOCS.get(name)
        if docs is not None and "enum" in sub:
            sub["x-enumDescriptions"] = {str(v): docs[str(v)] for v in sub["enum"]}
    model_doc = " ".join((spec.record.__doc__ or "").split())
    schema.update(
        {
            "$schema": DIALECT,
            "$id": ID_BASE + schema_relpath(table, spec.schema_version),
            "title": f"{spec.title}: one curated record (schema {spec.schema_version})",
            "description": f"{spec.description} {model_doc}".strip(),
            "x-table": table,
            "x-schemaVersion": spec.schema_version,
        }
    )
    return schema


def render(data: Any) -> str:
    """Deterministic JSON text: sorted keys, indent 2, UTF-8 as is, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def sha256_text(text: str) -> str:
    """sha256 (hex) of text encoded as UTF-8: what the registry records for a schema file."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def published_versions(root: Path, table: str) -> list[str]:
    """Versions of `table` with a schema file, oldest first (files not named X.Y.Z are ignored)."""
    directory = root / SCHEMA_DIR / table
    found: list[tuple[tuple[int, int, int], str]] = []
    if directory.is_dir():
        for path in directory.glob("*.json"):
            if is_version(path.stem):
                found.append((parse_version(path.stem), path.stem))
    return [v for _, v in sorted(found)]


def published_files(root: Path) -> dict[str, str]:
    """Every schema file of a project: {path under schema/: text}, sorted by path."""
    out: dict[str, str] = {}
    for table in CURATED_TABLES:
        for version in published_versions(root, table):
            rel = schema_relpath(table, version)
            out[rel] = (root / SCHEMA_DIR / rel).read_text(encoding="utf-8")
    return dict(sorted(out.items()))


def load_registry(root: Path) -> dict[str, str]:
    """``schema/registry.json`` as {path under schema/: sha256 hex}; empty when absent."""
    path = root / REGISTRY_FILE
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    files = data.get("files", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in files.items()}


def registry_document(files: dict[str, str]) -> dict[str, Any]:
    """The content of ``schema/registry.json`` for these files."""
    return {
        "description": "sha256 of every published JSON Schema file under schema/. Published "
        "files never change: bump the table's version in venezuela_crisis/catalog.py "
        "instead and run `vzcrisis schemas`.",
        "algorithm": "sha256",
        "id_base": ID_BASE,
        "files": dict(sorted(files.items())),
    }


@dataclass
class SchemasResult:
    """What ``write_schemas`` did: files written and files already up to date."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"written": self.written, "unchanged": self.unchanged}


def plan_schemas(root: Path) -> tuple[dict[str, str], list[str]]:
    """Check the schemas the models generate now against what is published.

    Returns ({path under schema/: text to write}, problems). Nothing is written.
    """
    registry = load_registry(root)
    planned: dict[str, str] = {}
    problems: list[str] = []
    edited: set[str] = set()
    for rel, text in published_files(root).items():
        if rel in registry and registry[rel] != sha256_text(text):
            edited.add(rel)
            problems.append(
                f"schema/{rel}: sha256 does not match schema/registry.json; a published "
                "schema was edited: restore it from git"
            )
    for table in CURATED_TABLES:
        version = TABLES[table].schema_version
        rel = schema_relpath(table, version)
        text = render(record_schema(table))
        path = root / SCHEMA_DIR / rel
        if path.is_file():
            current = path.read_text(encoding="utf-8")
            if current != text and rel not in edited:
                problems.append(
                    f"schema/{rel}: version {version} is already published and the {table} model "
                    f"has changed since; bump the version of {table!r} in "
                    "sdk/venezuela_crisis/catalog.py (major for a breaking change) and "
                    "run `vzcrisis schemas` again"
                )
            continue
        try:
            new_key = parse_version(version)
        except ValueError as exc:
            problems.append(f"{table}: {exc}; fix it in sdk/venezuela_crisis/catalog.py")
            continue
        older = [v for v in published_versions(root, table) if parse_version(v) < new_key]
        newer = [v for v in published_versions(root, table) if parse_version(v) > new_key]
        if newer:
            problems.append(
                f"schema/{rel}: version {version} is older than published {newer[-1]}; "
                f"use a version above {newer[-1]} in sdk/venezuela_crisis/catalog.py"
            )
            continue
        if older:
            previous = older[-1]
            old = json.loads(schema_path(root, table, previous).read_text(encoding="utf-8"))
            breaking = compare(old, json.loads(text))
            if breaking and parse_version(previous)[0] == new_key[0]:
                problems.append(
                    f"schema/{rel}: breaking change from {previous} needs a major version bump "
                    f"({parse_version(previous)[0] + 1}.0.0): " + "; ".join(breaking)
                )
                continue
        planned[rel] = text
    return planned, problems


def write_schemas(root: Path) -> SchemasResult:
    """Write the current schema of every curated table and update the registry.

    Refuses (InputError, nothing written) to change a published version or to publish a
    breaking change without a major version bump.
    """
    planned, problems = plan_schemas(root)
    if problems:
        raise InputError(problems)
    result = SchemasResult()
    registry = load_registry(root)
    for rel, text in published_files(root).items():
        registry.setdefault(rel, sha256_text(text))
    for table in CURATED_TABLES:
        rel = schema_relpath(table, TABLES[table].schema_version)
        if rel not in planned:
            result.unchanged.append(f"schema/{rel}")
            continue
        _write_atomic(root / SCHEMA_DIR / rel, planned[rel])
        registry[rel] = sha256_text(planned[rel])
        result.written.append(f"schema/{rel}")
    registry_text = render(registry_document(registry))
    registry_path = root / REGISTRY_FILE
    if not registry_path.is_file() or registry_path.read_text("utf-8") != registry_text:
        _write_atomic(registry_path, registry_text)
        result.written.append(REGISTRY_FILE.as_posix())
    return result


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def write_model_files(root: Path) -> SchemasResult:
    """Every file `vzcrisis schemas` derives from the models (the ones imported).

    The JSON Schemas and their registry (``write_schemas``; a refusal writes nothing), then the
    SDK's ``columns.py`` (``models.registry.write_columns``) and ``literals.py``
    (``models.vocab.write_literals``) into ``root/sdk/venezuela_crisis/`` when the project holds
    the SDK's sources there (a data-only project has none). A file already up to date is not
    rewritten; `written` and `unchanged` list the paths under `root`.
    """
    result = write_schemas(root)
    package = root / SDK_DIR
    if not package.is_dir():
        return result
    modules = (
        ("columns.py", columns_module(), write_columns),
        ("literals.py", literals_module(), write_literals),
    )
    for name, text, write in modules:
        path, rel = package / name, (SDK_DIR / name).as_posix()
        if path.is_file() and path.read_text("utf-8") == text:
            result.unchanged.append(rel)
            continue
        write(package)
        result.written.append(rel)
    return result
