"""A journalist's walk through the site in a real headless Chromium (Debian's, via Playwright).

`vzcrisis serve` runs as a subprocess on a free port. The walk: home page → search "amnesty"
in demands → open the demand → read its quote and source → open the timeline → the events of
the first actor in the events page's actor facet. Screenshots go to test-artifacts/
(git-ignored). Serves releases/<newest> when the project has a release, else a release built
from seeds/ into a temporary directory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vzcrisis.release.build import build_release
from vzcrisis.site.serve import release_versions

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _project(tmp: Path) -> Path:
    """The repository when it has a release; else a project with a release built from seeds/."""
    if release_versions(ROOT):
        return ROOT
    build_release(ROOT, "1.0.0", releases_dir=tmp / "releases")
    shutil.copy(ROOT / "datasette-metadata.json", tmp / "datasette-metadata.json")
    return tmp


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = _project(tmp_path_factory.mktemp("site"))
    port = _free_port()
    vzcrisis = Path(sys.executable).with_name("vzcrisis")
    proc = subprocess.Popen(
        [str(vzcrisis), "serve", "--root", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out = proc.stdout.read() if proc.stdout else ""
                pytest.fail(f"vzcrisis serve did not answer on {url}:\n{out}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_journalist_finds_a_demand_and_its_evidence(site: str) -> None:
    from playwright.sync_api import Error, expect, sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (make browser installs Debian's chromium)")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            pytest.skip(f"chromium at {CHROMIUM} could not start: {exc}")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)

        page.goto(site + "/")
        expect(page.locator("h1")).to_contain_text("Venezuela crisis 2025")
        expect(page.get_by_role("link", name="timeline").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "01-home.png"), full_page=True)

        page.goto(site + "/venezuela-crisis/demands")
        page.fill("input#_search", "amnesty")
        page.locator("input#_search").press("Enter")
        page.wait_for_url("**_search=amnesty**")
        expect(page.locator("table.rows-and-columns tbody tr").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "02-search-amnesty.png"), full_page=True)

        page.locator("table.rows-and-columns tbody tr td.col-id a").first.click()
        page.wait_for_url("**/venezuela-crisis/demands/*")
        evidence = page.locator("section.vz-evidence")
        expect(evidence.locator("h2")).to_contain_text("Evidence:")
        expect(evidence).to_contain_text("amnesty")
        expect(evidence.locator(".vz-cite a").first).to_be_visible()
        expect(evidence.locator(".vz-cite").first).to_contain_text("origin:")
        expect(page.locator(".vz-people a").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "03-demand-evidence.png"), full_page=True)

        page.locator(".vz-cite a").first.click()
        page.wait_for_url("**/venezuela-crisis/sources/*")
        page.screenshot(path=str(ARTIFACTS / "04-source.png"))

        page.goto(site + "/timeline")
        expect(page.locator("h1")).to_have_text("Timeline")
        rows = page.locator("table.vz-timeline tbody tr")
        expect(rows.first).to_be_visible()
        assert rows.count() >= 3
        expect(page.locator("td.vz-when").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "05-timeline.png"), full_page=True)
        rows.first.locator("a").first.click()
        expect(page.locator("section.vz-evidence blockquote").first).to_be_visible()

        page.goto(site + "/venezuela-crisis/events")
        expect(page.locator("p.suggested-facets")).to_contain_text("recipients")
        page.locator(".facet-info[data-column=actors] li a").first.click()
        page.wait_for_url("**actors__arraycontains=**")
        expect(page.locator("table.rows-and-columns tbody tr").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "06-events-by-actor.png"), full_page=True)
        browser.close()


def _browser(p: Any) -> Any:
    from playwright.sync_api import Error

    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (make browser installs Debian's chromium)")
    try:
        return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as exc:
        pytest.skip(f"chromium at {CHROMIUM} could not start: {exc}")


def test_four_questions_from_the_home_page_in_two_clicks_each(site: str) -> None:
    """(a) what Maduro demanded, with the origin count of each demand; (b) where the reports
    disagree; (c) what happened when, in order; (d) the exact sentence behind the $50M reward,
    highlighted in its article. Each from the home page in at most two clicks."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = _browser(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)

        # (a) one click: Maduro's demands, each with its origin count
        page.goto(site + "/")
        page.get_by_role("link", name="What did Maduro demand, and what happened?").click()
        page.wait_for_url("**/venezuela-crisis/demands?**")
        table = page.locator("table.rows-and-columns")
        expect(table.locator("th.col-origin_count")).to_be_visible()
        rows = table.locator("tbody tr")
        expect(rows).to_have_count(9)
        counts = table.locator("tbody td.col-origin_count").all_inner_texts()
        assert counts and all(c.strip().isdigit() for c in counts), counts
        expect(table).to_contain_text("Full legal amnesty for Maduro and his family.")
        page.screenshot(path=str(ARTIFACTS / "q-a-maduro-demands.png"), full_page=True)

        # (b) one click: every disputed point with its versions
        page.goto(site + "/")
        page.get_by_role("link", name="Where do the reports disagree?").click()
        page.wait_for_url("**/venezuela-crisis/disputed_claims**")
        disputes = page.locator("table.rows-and-columns tbody tr")
        expect(disputes.first).to_be_visible()
        text = page.locator("table.rows-and-columns").inner_text()
        for point in (
            "safe-passage-coverage",
            "trump-deadline",
            "amnesty-beneficiaries",
            "post-exit-power-arrangement",
            "extent-of-trump-rejection",
        ):
            assert point in text, point
        page.screenshot(path=str(ARTIFACTS / "q-b-disagreements.png"), full_page=True)

        # (c) one click: the timeline, dated entries in order, the call before its demands
        page.goto(site + "/")
        page.get_by_role("link", name="What happened when?").click()
        page.wait_for_url("**/timeline")
        expect(page.locator("h1")).to_have_text("Timeline")
        dated = page.locator("table.vz-timeline").first.locator("tbody tr")
        expect(dated.first).to_be_visible()
        ids = dated.evaluate_all("rows => rows.map(r => r.id)")
        call = ids.index("events-trump-maduro-call-2025-11-21")
        demand = ids.index("demands-maduro-amnesty-family")
        assert call < demand, (call, demand)
        page.screenshot(path=str(ARTIFACTS / "q-c-timeline.png"), full_page=True)

        # (d) search, then one click: the $50M sentence highlighted in its article
        page.goto(site + "/")
        page.locator("input#vz-q").fill("50 million")
        page.locator("input#vz-q").press("Enter")
        page.wait_for_url("**search**")
        page.locator("a.vz-in-article").first.click()
        page.wait_for_url("**/venezuela-crisis/sources/*#c-*")
        anchor = page.url.split("#", 1)[1]
        passage = page.locator(f"[id='{anchor}']")
        expect(passage).to_be_attached()  # the passage's anchor, at its first character
        paragraph = passage.locator("xpath=ancestor::p[1]")
        expect(paragraph).to_contain_text("for information leading to Maduro")
        expect(paragraph.locator("mark", has_text="$50 million").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "q-d-reward-sentence.png"))
        browser.close()
