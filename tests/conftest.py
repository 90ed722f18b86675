"""Shared fixtures: the project root and its paths."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root (holds seeds/, schema/, releases/)."""
    return ROOT
