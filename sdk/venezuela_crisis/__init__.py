"""venezuela-crisis: an open, cited dataset about the 2025 US-Venezuela crisis.

>>> from venezuela_crisis import VenezuelaCrisis
>>> vc = VenezuelaCrisis()            # newest bundled release, offline
>>> vc.demands(by="Maduro")           # doctest: +SKIP
"""

from .errors import (
    AmbiguousActorError,
    ReleaseIntegrityError,
    UnknownActorError,
    UnknownVersionError,
    VenezuelaCrisisError,
)

__version__ = "1.0.0"

__all__ = [
    "AmbiguousActorError",
    "ReleaseIntegrityError",
    "UnknownActorError",
    "UnknownVersionError",
    "VenezuelaCrisisError",
    "__version__",
]
