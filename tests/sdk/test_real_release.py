"""The SDK on the real data: the bundled releases/1.0.0 (else a release built from seeds/).

Expected ids come from the curated records in seeds/records/*.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from venezuela_crisis import AmbiguousActorError, VenezuelaCrisis
from venezuela_crisis.errors import VenezuelaCrisisError

from tests._committed import MADURO_DEMANDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VenezuelaCrisis]:
    if (ROOT / "releases" / "1.0.0" / "manifest.json").is_file():
        with VenezuelaCrisis("1.0.0") as vc:
            yield vc
        return
    from vzcrisis.release.build import build_release

    releases = tmp_path_factory.mktemp("real-releases")
    try:
        build_release(ROOT, "1.0.0", releases_dir=releases)
    except VenezuelaCrisisError as exc:
        pytest.skip(f"no releases/1.0.0 and seeds/ do not build right now: {exc}")
    with VenezuelaCrisis(path=releases / "1.0.0") as vc:
        yield vc


@pytest.mark.parametrize("name", ["Maduro", "maduro", "Nicolás Maduro", "Nicolas Maduro"])
def test_demands_by_maduro(real: VenezuelaCrisis, name: str) -> None:
    demands = real.demands(by=name)
    assert demands.ids == MADURO_DEMANDS, demands
    assert all(d.citations and d.sources for d in demands)
    assert all(real.citations(d.id).ids for d in demands)


def test_filters_on_real_data(real: VenezuelaCrisis) -> None:
    assert real.demands(by="Trump", status="rejected").ids == [
        "trump-leave-now",
        "trump-resign-immediately",
    ]
    assert real.demands(category="amnesty").ids == [
        "maduro-amnesty-allies",
        "maduro-amnesty-family",
    ]
    events = real.events(since="2025-11-21", until="2025-11-30", type="THREATEN", actor="Trump")
    assert events.ids == ["trump-ultimatum-leave-now", "trump-ultimatum-one-week"]
    assert real.actors(name="delcy").ids == ["delcy-rodriguez"]
    assert real.actor("Nicolás Maduro").id == "nicolas-maduro"
    assert real.resolve("U.S.").id == real.resolve("US").id == "united-states"
    assert real.sanctions(target="Maduro").ids == [
        "icc-case-maduro",
        "reward-maduro-50m",
        "us-sanctions-maduro-family",
    ]
    assert real.sources(origin="Reuters").ids == [
        "src-1eb5c802",
        "src-556babef",
        "src-5f0568e3",
        "src-61c42525",
    ]
    assert real.sources(origin="Miami Herald").ids == ["src-053c2b2b"]


def test_disputed_on_real_data(real: VenezuelaCrisis) -> None:
    points = {p.id: [v.id for v in p.versions] for p in real.disputed()}
    assert points["amnesty-beneficiaries"] == ["maduro-amnesty-allies", "maduro-amnesty-family"]
    assert sorted(points) == [
        "amnesty-beneficiaries",
        "extent-of-trump-rejection",
        "post-exit-power-arrangement",
        "safe-passage-coverage",
        "trump-deadline",
    ]


def test_exact_alias_beats_words_on_real_data(real: VenezuelaCrisis) -> None:
    # "Maduro" is a word of six actors' names, but an exact alias of one.
    assert len(real.actors(name="maduro")) == 6
    match = real.resolve("Maduro")
    assert (match.id, match.how) == ("nicolas-maduro", "alias")
    with pytest.raises(AmbiguousActorError, match="word of a name of"):
        real.resolve("Venezuelan")
