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
