"""Releases at a URL: downloaded once into the user cache, verified, then read offline."""

from __future__ import annotations

import functools
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from venezuela_crisis import ReleaseIntegrityError, VenezuelaCrisis
from venezuela_crisis.errors import ReleaseError


class _Quiet(SimpleHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        type(self).requests.append(self.path)


@pytest.fixture
def served(tmp_path: Path, releases_dir: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTP server on 127.0.0.1 serving a copy of the releases directory."""
    docroot = tmp_path / "www"
    shutil.copytree(releases_dir, docroot / "releases")
    handler = functools.partial(_Quiet, directory=str(docroot))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Quiet.requests = []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/releases", docroot / "releases"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_url_release_downloads_verifies_and_queries(
    served: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    base, _ = served
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    with VenezuelaCrisis(path=f"{base}/1.0.0/") as vc:
        assert vc.version == "1.0.0"
        assert vc.path == cache / "venezuela-crisis" / "releases" / "1.0.0"
        assert vc.demands(by="Maduro", status="rejected").ids == ["maduro-amnesty-family"]
    assert "/releases/1.0.0/manifest.json" in _Quiet.requests
    assert "/releases/1.0.0/demands.parquet" in _Quiet.requests
    _Quiet.requests.clear()
    with VenezuelaCrisis(path=f"{base}/1.0.0") as again:  # cached: no request at all
        assert again.version == "1.0.0"
    assert _Quiet.requests == []


def test_url_release_offline_after_download(
    served: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    base, _ = served
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    VenezuelaCrisis(path=f"{base}/1.0.0").close()
    dead = "http://127.0.0.1:9/releases/1.0.0"  # nothing listens on port 9
    with VenezuelaCrisis(path=dead) as vc:
        assert vc.version == "1.0.0"


def test_tampered_download_keeps_nothing(
    served: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    base, docroot = served
    cache = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    target = docroot / "1.0.0" / "events.parquet"
    data = bytearray(target.read_bytes())
    data[100] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ReleaseIntegrityError, match=r"1\.0\.0/events\.parquet: downloaded \d+ "):
        VenezuelaCrisis(path=f"{base}/1.0.0")
    downloads = cache / "venezuela-crisis" / "releases"
    assert list(downloads.iterdir()) == []


def test_unreachable_url_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    with pytest.raises(
        ReleaseError, match=re.escape("cannot download http://127.0.0.1:9/r/manifest.json")
    ):
        VenezuelaCrisis(path="http://127.0.0.1:9/r")
