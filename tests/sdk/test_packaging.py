"""The README's SDK snippet runs, and the built wheel works from outside the repository."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "releases" / "1.0.0" / "manifest.json"
NEEDS_RELEASE = pytest.mark.skipif(
    not BUNDLED.is_file(), reason="releases/1.0.0 is not committed yet (the lead builds it)"
)


def readme_snippet(every: bool = False) -> str:
    """The README's first Python block, or all of them run in order as one program."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README.md has no ```python block"
    return "\n".join(blocks) if every else blocks[0]


def _exec(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})
    return out.getvalue()


def test_readme_snippet_runs_on_a_releases_dir(
    releases_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VENEZUELA_CRISIS_RELEASES", str(releases_dir))
    out = _exec(readme_snippet())
    assert "from venezuela-crisis 1.0.0" in out, out  # the directory's newest release of major 1
    assert "safe-passage-maduro-only" in out, out


@NEEDS_RELEASE
def test_readme_examples_print_what_the_readme_shows(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("VENEZUELA_CRISIS_RELEASES", raising=False)
    monkeypatch.chdir(tmp_path)  # the examples write a CSV file
    out = _exec(readme_snippet(every=True))
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = text.split("```text\n", 1)[1].split("  …\n```", 1)[0]
    assert out.startswith(shown), out  # the README's preview is what print() shows
    assert "Curaçao Chronicle upstream three of the sources Reuters\n" in out, out
    assert "[if he and his family received full legal amnesty]" in out, out
    assert "Curaçao Chronicle upstream three of the sources Reuters" in text
    assert "Demand maduro-amnesty-family · 3 sources, 1 origin" in out, out
    assert "— Reuters, via Curaçao Chronicle (src-556babef); upstream: three of the sources" in out
    written = (tmp_path / "refused-demands.csv").read_text(encoding="utf-8-sig")
    assert written.startswith("id,by,by_names,") and "origin_count" in out


@NEEDS_RELEASE
def test_readme_snippet_runs_on_the_bundled_release() -> None:
    out = _exec(readme_snippet())
    assert out.startswith("Results[Demand]: "), out


def build_wheel(repo: Path, out_dir: Path) -> Path:
    """Build the project's wheel with the pinned uv (else `python -m build`)."""
    uv = repo / ".tools" / "bin" / "uv"
    if not uv.exists():
        uv = ROOT / ".tools" / "bin" / "uv"
    cmd = (
        [str(uv), "build", "--wheel", "--out-dir", str(out_dir)]
        if uv.exists()
        else [sys.executable, "-m", "build", "--wheel", "--outdir", str(out_dir)]
    )
    done = subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    (wheel,) = out_dir.glob("venezuela_crisis-*.whl")
    return wheel


def install_in_fresh_venv(wheel: Path, venv: Path) -> Path:
    """A new venv with the wheel and its runtime deps (uv's cache first, then the registry)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    uv = ROOT / ".tools" / "bin" / "uv"
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    base = [str(uv), "pip", "install", "--python", str(python), str(wheel)]
    done = subprocess.run([*base, "--offline"], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        done = subprocess.run(base, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    return python


def run_outside(python: Path, cwd: Path) -> str:
    code = (
        "import venezuela_crisis, sys\n"
        "from venezuela_crisis import VenezuelaCrisis\n"
        "vc = VenezuelaCrisis()\n"
        "assert '_releases' in str(vc.path), vc.path\n"
        "assert 'site-packages' in venezuela_crisis.__file__\n"
        "print(vc.version, vc.demands(by='Maduro').ids)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(cwd / "cache"), "HOME": str(cwd)}
    done = subprocess.run(
        [str(python), "-c", code], cwd=cwd, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
@NEEDS_RELEASE
def test_wheel_installs_and_queries_outside_the_repo(tmp_path: Path) -> None:
    if shutil.which("python3") is None:
        pytest.skip("python3 is not on PATH")
    wheel = build_wheel(ROOT, tmp_path / "dist")
    python = install_in_fresh_venv(wheel, tmp_path / "venv")
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = run_outside(python, work)
    version, ids = out.split(" ", 1)
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), out
    assert ids.startswith("[") and "'" in ids, out  # at least one demand by Maduro
