"""`Lazy`: a module imported on first attribute access.

The client names the data model, row builders, views and results through it, so opening a
release and `sql()` never build the pydantic model classes, which is most of a cold start's
cost (``tests/sdk/test_cold_start.py``).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class Lazy(ModuleType):
    """Stands for the module named `name` and imports it when an attribute is first read."""

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(self.__name__), name)
