"""Remove secrets from anything the ledger stores (bodies, headers, URLs, user:password@ in URLs)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from etl.text import strip_userinfo

REDACTED = "***"
SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[-_]?key|apikey|authori[sz]ation|cookie|credential|private[-_]?key|"
    r"session[-_]?id|signature|otp)",
    re.IGNORECASE,
)
_BEARER = re.compile(r"\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_QUERY_SECRET = re.compile(
    r"([?&](?:[^=&]*(?:token|key|secret|password|signature)[^=&]*)=)[^&#]*", re.IGNORECASE
)
MAX_BODY_CHARS = 64_000


def scrub(obj: Any) -> Any:
    """A copy of ``obj`` with secret-looking keys' values replaced by ``***`` (recursively)."""
    if isinstance(obj, Mapping):
        return {
            k: (REDACTED if isinstance(k, str) and SECRET_KEY.search(k) and v not in (None, "") else scrub(v))
            for k, v in obj.items()
        }
    if isinstance(obj, list | tuple):
        return [scrub(v) for v in obj]
    if isinstance(obj, str):
        return scrub_text(obj)
    return obj


def scrub_text(text: str) -> str:
    """Scrub a free-text body: JSON is scrubbed structurally; bearer tokens and URL secrets are masked."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            return json.dumps(scrub(json.loads(text)), ensure_ascii=False)
        except ValueError:
            pass
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", strip_userinfo(text))
    return _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, text)


def scrub_url(url: str) -> str:
    """A URL (or a text with URLs) without ``user:password@`` and with secret query parameters masked."""
    return _QUERY_SECRET.sub(lambda m: m.group(1) + REDACTED, strip_userinfo(url))


def body_text(body: Any) -> str | None:
    """Scrubbed, size-bounded text for the events table."""
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = (
        scrub_text(body)
        if isinstance(body, str)
        else json.dumps(scrub(body), ensure_ascii=False, default=str)
    )
    if len(text) > MAX_BODY_CHARS:
        text = text[:MAX_BODY_CHARS] + f"...[truncated {len(text) - MAX_BODY_CHARS} chars]"
    return text
