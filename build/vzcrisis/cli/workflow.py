"""CLI commands: curation workflow (add-source, cite, draft, review, status)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to the app."""
