"""Vocabulary filters are `Literal` types generated from the enums: editors, mypy and help()
know the allowed values; every query method's docstring shows an example."""

from __future__ import annotations

import inspect
import pydoc
import subprocess
import sys
import typing
from collections.abc import Sequence
from pathlib import Path

import pytest
from venezuela_crisis import VenezuelaCrisis, literals
from venezuela_crisis.models import vocab

ROOT = Path(__file__).resolve().parents[2]

FILTERS = {
    ("actors", "kind"): vocab.ActorKind,
    ("events", "type"): vocab.EventType,
    ("demands", "status"): vocab.DemandStatus,
    ("demands", "category"): vocab.DemandCategory,
    ("sanctions", "kind"): vocab.SanctionKind,
    ("sanctions", "status"): vocab.SanctionStatus,
    ("citations", "table"): vocab.RecordTable,
}


@pytest.mark.parametrize("enum", vocab.FILTER_VOCABS, ids=lambda e: e.__name__)
def test_each_literal_lists_exactly_the_enum_values(enum: type) -> None:
    value = getattr(literals, f"{enum.__name__}Value")
    assert typing.get_args(value) == tuple(m.value for m in enum)  # type: ignore[attr-defined]
    assert getattr(literals, f"{enum.__name__}Filter") == value | Sequence[value]


def test_literals_module_is_generated_from_the_enums() -> None:
    path = ROOT / "sdk" / "venezuela_crisis" / "literals.py"
    assert path.read_text(encoding="utf-8") == vocab.literals_module(), (
        "regenerate it: run `vzcrisis schemas` (it rewrites every file derived from the models)"
    )


@pytest.mark.parametrize(("method", "param"), list(FILTERS), ids=lambda x: str(x))
def test_signature_and_help_list_the_allowed_values(method: str, param: str) -> None:
    enum = FILTERS[(method, param)]
    fn = getattr(VenezuelaCrisis, method)
    annotation = inspect.signature(fn).parameters[param].annotation
    assert annotation == getattr(literals, f"{enum.__name__}Filter") | None
    shown = pydoc.render_doc(fn, renderer=pydoc.plaintext)
    assert all(f"'{m.value}'" in shown for m in enum), shown


PUBLIC = [
    "sql",
    "resolve",
    "actor",
    "actors",
    "sources",
    "events",
    "demands",
    "sanctions",
    "disputes",
    "citations",
    "context",
    "record",
    "timeline",
    "disputed",
    "diff",
]


@pytest.mark.parametrize("method", PUBLIC)
def test_every_query_method_has_an_example(method: str) -> None:
    doc = inspect.getdoc(getattr(VenezuelaCrisis, method)) or ""
    examples = [line for line in doc.splitlines() if line.startswith(">>> ")]
    assert any("vc." in line for line in examples), doc
    assert len(doc.splitlines()) >= 3


@pytest.mark.slow
def test_mypy_refuses_a_value_outside_the_vocabulary(tmp_path: Path) -> None:
    code = tmp_path / "use.py"
    code.write_text(
        "from venezuela_crisis import VenezuelaCrisis\n"
        "vc = VenezuelaCrisis()\n"
        'vc.demands(status=["rejected", "expired"], category="amnesty")\n'
        'vc.sanctions(kind="reward")\n'
        'vc.demands(status="rejectd")\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "use.py:5:" in errors[0], done.stdout
    assert "rejectd" in errors[0]
