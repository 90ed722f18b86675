"""Facts of the committed release 1.1.0 that tests of several packages check (SDK, site)."""

MADURO_DEMANDS = [
    "maduro-amnesty-allies",
    "maduro-amnesty-family",
    "maduro-drop-icc-case",
    "maduro-keep-armed-forces",
    "maduro-lift-us-sanctions",
    "maduro-rodriguez-interim-government",
    "maduro-safe-passage",
    "maduro-sanctions-relief-officials",
    "maduro-second-call",
]
"""Ids of the demands Nicolás Maduro makes in releases/1.1.0, sorted."""
