"""venezuela-crisis: an open, cited dataset about the 2025 US-Venezuela crisis.

>>> from venezuela_crisis import VenezuelaCrisis
>>> vc = VenezuelaCrisis()            # newest bundled release, offline
>>> vc.demands(by="Maduro")           # doctest: +SKIP

Importing this package reads no file and starts no database; `VenezuelaCrisis()` does.
"""

from .client import VenezuelaCrisis
from .errors import (
    AmbiguousActorError,
    QueryError,
    ReleaseIntegrityError,
    UnknownActorError,
    UnknownVersionError,
    VenezuelaCrisisError,
)
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
