"""Every exception the SDK and the publishing pipeline raise. Catch VenezuelaCrisisError for all."""

from __future__ import annotations


class VenezuelaCrisisError(Exception):
    """Root of every error raised by venezuela_crisis and the vzcrisis pipeline."""


class ReleaseError(VenezuelaCrisisError):
    """A release cannot be opened, built or published."""


class UnknownVersionError(ReleaseError):
    """The requested release version does not exist where we looked."""


class ReleaseIntegrityError(ReleaseError):
    """A release file is missing, extra, or does not match its manifest size or sha256."""


class OutOfMemoryError(VenezuelaCrisisError):
    """A build step ran out of the memory it is given; nothing was written."""


class QueryError(VenezuelaCrisisError):
    """A query or filter value is invalid."""


class UnknownActorError(QueryError):
    """No actor matches the given id, name or alias."""


class AmbiguousActorError(QueryError):
    """Several actors match the given name or alias."""


class InputError(VenezuelaCrisisError):
    """Curated input (records, sources, arguments) is invalid; `problems` lists one line each."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def shown(value: object, limit: int = 80) -> str:
    """`repr(value)` for an error message, cut to `limit` characters (a 10 MB filter value must
    not become a 10 MB message)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"
