"""venezuela-crisis: an open, cited dataset about the 2025 US-Venezuela crisis.

>>> from venezuela_crisis import VenezuelaCrisis
>>> vc = VenezuelaCrisis()            # newest bundled release, offline
>>> vc.demands(by="Maduro")           # doctest: +SKIP

Importing this package reads no file and starts no database; `VenezuelaCrisis()` does. It does
not even import DuckDB or pyarrow until `VenezuelaCrisis` or `Results` is first used (PEP 562
module ``__getattr__``), so ``venezuela_crisis.errors`` stays cheap to import; the data model
(pydantic) is imported when a row is first read (``tests/sdk/test_cold_start.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    AmbiguousActorError,
    QueryError,
    ReleaseIntegrityError,
    UnknownActorError,
    UnknownVersionError,
    VenezuelaCrisisError,
)

if TYPE_CHECKING:
    from .client import VenezuelaCrisis
    from .results import Results

__version__ = "1.0.0"

__all__ = [
    "AmbiguousActorError",
    "QueryError",
    "ReleaseIntegrityError",
    "Results",
    "UnknownActorError",
    "UnknownVersionError",
    "VenezuelaCrisis",
    "VenezuelaCrisisError",
    "__version__",
]

_LAZY = {"VenezuelaCrisis": "client", "Results": "results"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
