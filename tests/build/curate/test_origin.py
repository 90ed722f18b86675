"""The likely upstream origin of an article, from shingle overlap with the project's sources."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML
from vzcrisis.curate import origin

from tests.build import _workflow as w

ARTICLES = w.REPO / "seeds" / "articles"


def _text(prefix: str) -> str:
    (path,) = ARTICLES.glob(f"{prefix}_*.txt")
    return path.read_text("utf-8")


def test_a_reuters_relay_is_recognised_by_its_reused_wording() -> None:
    others = [
        ("src-556babef", "Reuters", _text("002")),
        ("src-053c2b2b", "Miami Herald", _text("004")),
    ]
    assert origin.suggest(_text("000"), others) == origin.Suggestion(
        "Reuters", "src-556babef", 0.08
    )


def test_no_suggestion_without_shared_wording() -> None:
    invented = w.ARTICLE.read_text("utf-8")
    others = [(f"src-{i}", "Reuters", _text(f"00{i}")) for i in range(5)]
    assert origin.suggest(invented, others) is None
    # the Miami Herald article relays no Reuters report
    assert origin.suggest(_text("004"), others[:4]) is None
    assert origin.suggest("too short", others) is None


def test_draft_prints_and_stores_the_suggestion(tmp_path: Path) -> None:
    root = w.new_project(tmp_path / "p", actors="seed_actors.yaml")
    for name, source_origin in (("002", "Reuters"), ("000", "to confirm")):
        (path,) = ARTICLES.glob(f"{name}_*.txt")
        r = w.cli(root, "add-source", str(path), "--origin", source_origin)
        assert r.exit_code == 0, r.output
    sid = r.stdout.split()[1].rstrip(":")
    r = w.cli(root, "draft", sid)
    assert r.exit_code == 0, r.output
    other = next(s for s in project_sids(root) if s != sid)
    # where the suggestion is stored and how to confirm it
    assert r.stdout.splitlines()[-2:] == [
        f"origin: probably Reuters (8% of its 5-word phrases are in {other}); stored pending in "
        f"seeds/drafts/citations-{sid}.yaml (origin:)",
        f"  to confirm it: vzcrisis review --table sources --source {sid} (accepting sets the "
        "source record's origin)",
    ]
    assert "citations to add" not in r.stdout  # the file holds no citation proposal
    # stored with the draft's proposals, pending, for the curator to confirm
    stored = YAML(typ="safe").load(
        (root / "seeds" / "drafts" / f"citations-{sid}.yaml").read_text("utf-8")
    )
    assert stored["origin"] == {
        "suggested": "Reuters",
        "shares_wording_with": other,
        "overlap": 0.08,
        "review": {"status": "pending"},
    }


def project_sids(root: Path) -> list[str]:
    sources = YAML(typ="safe").load(
        (root / "seeds" / "records" / "sources.yaml").read_text("utf-8")
    )
    return [r["id"] for r in sources["records"]]
