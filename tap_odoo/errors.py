"""Exceptions raised by the Odoo client and the tap.

None of them ever carries a password or API key in its message.
"""

from __future__ import annotations

import re


class OdooError(Exception):
    """Base class of everything the Odoo client raises."""


class OdooConfigError(OdooError, ValueError):
    """A setting is wrong; raised before any request is made."""


class OdooAuthError(OdooError):
    """The server refused the login (wrong user, password, API key or database)."""


class OdooTransportError(OdooError):
    """A transport fault worth retrying: connection error, timeout, HTTP 429/502/503/504."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class OdooHTTPError(OdooError):
    """An HTTP answer that is not retried (404, 500 without an RPC body, ...)."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


_INVALID_FIELD = re.compile(r"Invalid field '?([\w.]+?)'? on (?:model |')")  # 17: on model 'x'; 19: on 'x'
_INVALID_FIELD_LEAF = re.compile(r"Invalid field [\w.]+\.(\w+) in (?:leaf|condition)")  # 17 | 19
_FIELD_ACCESS = re.compile(r'access the fields? "?([\w, ]+?)"? on ')


class OdooFault(OdooError):
    """An error Odoo answered for a call (never retried: it would fail again)."""

    def __init__(
        self,
        message: str,
        *,
        code: int | str | None = None,
        name: str = "",
        model: str = "",
        method: str = "",
    ):
        self.message = message
        self.code = code
        self.name = name
        self.model = model
        self.method = method
        where = f" ({model}.{method})" if model else ""
        kind = f"{name}: " if name else ""
        super().__init__(f"Odoo fault{where}: {kind}{message}")

    @property
    def is_access_denied(self) -> bool:
        """True when the fault is a failed login (wrong password, revoked API key)."""
        return self.code == 3 or self.name.endswith("AccessDenied") or self.message == "Access Denied"

    @property
    def is_unknown_model(self) -> bool:
        """True when the model does not exist on the server."""
        message = self.message
        if message.startswith("the model '") and message.endswith("' does not exist"):  # JSON-2 on 19
            return True
        return "doesn't exist" in message and message.startswith("Object ")

    def refused_fields(self) -> list[str]:
        """Field names the server refused to read (unknown field, field access rights)."""
        for pattern in (_INVALID_FIELD, _INVALID_FIELD_LEAF):
            found = pattern.search(self.message)
            if found:
                return [found.group(1)]
        found = _FIELD_ACCESS.search(self.message)
        if found:
            return [name.strip() for name in found.group(1).split(",") if name.strip()]
        return []


def last_line(text: str) -> str:
    """The last non-empty line of a traceback-like fault string."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else text


def split_exception_line(line: str) -> tuple[str, str]:
    """Split ``ValueError: message`` into (``ValueError``, ``message``)."""
    match = re.match(r"^([\w.]+(?:Error|Exception|Denied|Warning)): (.*)$", line, re.S)
    if match:
        return match.group(1), match.group(2)
    return "", line
