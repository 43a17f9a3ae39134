"""Errors shared across etl: each names what failed, where, and how to fix it."""

from __future__ import annotations


class MappingFileError(ValueError):
    """A mapping file is invalid; raised at start, naming the entry and the reason."""

    def __init__(self, entry: str, reason: str, path: str | None = None) -> None:
        self.entry = entry
        self.reason = reason
        self.path = path
        where = f" in {path}" if path else ""
        super().__init__(f"mapping file{where}: {entry}: {reason}")


class TransformError(ValueError):
    """A transform cannot handle its value; the mapping engine adds field and record."""


class MappingError(ValueError):
    """One record cannot be turned into a payload."""

    def __init__(self, *, entity: str, field: str, key: str | None, reason: str, fix: str) -> None:
        self.entity = entity
        self.field = field
        self.key = key
        self.reason = reason
        self.fix = fix
        super().__init__(f"{entity} {key or '<no key>'}: field {field!r}: {reason} (fix: {fix})")


class PlatformUnavailable(LookupError):
    """No target package provides the requested platform."""


class StopRun(RuntimeError):
    """The platform said the credential or the server itself is wrong (401/403, no connection after the
    retries, an answer that is not the platform's): nothing more can be sent, so the run stops at once with
    this one message, writes no STATE past it and makes no dead letters for records it never really tried."""

    def __init__(self, message: str, *, status: int | None = None, url: str = "") -> None:
        self.status = status
        self.url = url
        super().__init__(message)
