"""Text for logs, errors and the ledger: URLs without credentials, values and keys cut to a readable length.

- :func:`strip_userinfo` drops ``user:password@`` from a URL, or from every URL inside a message.
- :func:`shorten` cuts a long value for a log line or a table, saying how many characters were left out.
- :func:`short_key` makes a record key fit the ledger: a long key becomes its prefix + ``…`` + a short
  sha256 of the whole key, so it is stable (the same key always gives the same short key) and two long keys
  that share a prefix stay distinct.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

# scheme://user:password@ — the userinfo ends at the last "@" before the path, query or fragment
_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s@]*(?:@[^/?#\s@]*)*@")

SHORTEN_LIMIT = 200
KEY_LIMIT = 200
KEY_DIGEST = 16  # hex digits of sha256 kept in a shortened key (64 bits)
ELLIPSIS = "…"


def strip_userinfo(text: str) -> str:
    """``text`` with the userinfo (``user:password@``) removed from every ``scheme://`` URL in it.

    Scheme, host, port, path, query and fragment stay: ``http://u:p@host:8069/x?y`` -> ``http://host:8069/x?y``.
    Works on a bare URL and on a message containing URLs (an exception text, a log line).
    """
    if "@" not in text:
        return text
    return _USERINFO.sub(r"\1", text)


def shorten(value: Any, limit: int = SHORTEN_LIMIT) -> str:
    """``str(value)`` cut to at most ``limit`` characters, ending with a marker saying how many were left
    out (``ABCD…[+999,996 chars]``). Short values come back unchanged."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    left_out = len(text) - limit
    while True:  # the marker's own length depends on the count it states
        marker = f"{ELLIPSIS}[+{left_out:,} chars]"
        keep = max(0, limit - len(marker))
        if len(text) - keep == left_out:
            return text[:keep] + marker
        left_out = len(text) - keep


def short_key(key: str, limit: int = KEY_LIMIT) -> str:
    """A record key that fits ``limit`` characters: unchanged when short enough, else its prefix + ``…`` +
    the first 16 hex digits of the sha256 of the whole key (exactly ``limit`` characters).

    Deterministic (upserts per key still meet), idempotent (``short_key(short_key(k)) == short_key(k)``),
    and two long keys differing anywhere give two short keys.
    """
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_DIGEST]
    keep = max(0, limit - len(ELLIPSIS) - KEY_DIGEST)
    return key[:keep] + ELLIPSIS + digest
