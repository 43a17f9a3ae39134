"""Talking to Linkit's `/api/v1` lists: the HTTP client, the errors that stop the tap, reading one page.

The client is etl's :class:`~etl.http.HttpClient` (one keep-alive session, retries of 429/5xx/dropped
connections with backoff honouring ``Retry-After``, 401/403 raised as :class:`~etl.errors.StopRun`, the
``Authorization`` header never logged). What is Linkit's here: the header forms (G1), the list envelope
``{data, count, total_count, page, limit, has_next, meta}`` ([ov] section 2.1 of the research file) and the
words of each error, which name the setting to fix.
"""

from __future__ import annotations

import email.utils
import typing as t
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from etl.errors import StopRun
from etl.http import HttpClient, HttpError
from etl.text import shorten

Row = dict[str, t.Any]
AUTH_SCHEMES = ("bearer", "raw")
MAX_LIMIT = 100  # [ov]: limit at most 100


class LinkitError(Exception):
    """Linkit's answer stops the tap; the message says what to check. ``exit_code`` for the console script."""

    exit_code = 1


class LinkitAuthError(LinkitError):
    """401 / 403, or no connection at all: the credential, the organization or the URL is wrong."""

    exit_code = 3


class LinkitAnswerError(LinkitError):
    """A 2xx answer that is not Linkit's list envelope: never read as an empty page."""


def linkit_http(config: Mapping[str, t.Any]) -> HttpClient:
    """The client for ``config``'s Linkit: ``Authorization: Bearer <token>`` (what the Odoo addon sends) or
    the bare key (``auth_scheme: raw``, [auth]); ``X-Organization-ID`` when ``organization_id`` is set."""
    token = str(config["api_token"])
    headers = {
        "Authorization": token if config.get("auth_scheme") == "raw" else f"Bearer {token}",
        "User-Agent": "odoo-hub tap-linkit",
    }
    if config.get("organization_id"):
        headers["X-Organization-ID"] = str(config["organization_id"])
    backoff = float(config.get("backoff_factor", 1))
    return HttpClient(
        api_base(str(config["api_url"])),
        headers=headers,
        timeout=float(config.get("request_timeout", 30)),
        max_retries=int(config.get("max_retries", 5)),
        max_retry_time=600.0,
        backoff_base=backoff,
        backoff_max=60.0,
        max_retry_after=60.0,
        workers=1,
        platform="Linkit",
    )


def api_base(url: str) -> str:
    """``api_url`` as the calls need it: ``https://linkit.works`` (the addon's base URL) gets ``/api/v1``."""
    url = url.rstrip("/")
    path = url.split("://", 1)[-1].partition("/")[2]
    return url if path else url + "/api/v1"


@dataclass
class Page:
    """One list answer: its entries, whether another page follows, the total it reports, Linkit's clock."""

    rows: list[Row]
    has_next: bool
    total_count: int | None
    server_time: datetime | None


def fetch_page(http: HttpClient, path: str, params: Mapping[str, t.Any]) -> Page:
    """``GET <path>`` with ``params`` (page, limit, ...), read as the list envelope."""
    try:
        response = http.get(path, params=dict(params))
    except StopRun as exc:
        raise LinkitAuthError(refused(exc, path)) from None
    except HttpError as exc:
        raise LinkitError(failed(exc, path, params)) from None
    return read_page(response, path, int(params["page"]))


def read_page(response: requests.Response, path: str, page: int) -> Page:
    """The envelope of [ov] 2.1; anything else is :class:`LinkitAnswerError` naming what is wrong."""
    where = f"GET {path} page {page}"
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise LinkitAnswerError(
            f"{where} answered {shorten(response.text, 200)!r}, which is not a JSON object; check api_url "
            "(Linkit's base URL, e.g. https://linkit.works/api/v1)"
        )
    rows, has_next, total = body.get("data"), body.get("has_next"), body.get("total_count")
    if not isinstance(rows, list) or not isinstance(has_next, bool):
        raise LinkitAnswerError(
            f"{where} answered {shorten(body, 200)}, not Linkit's list envelope {{data: [...], count, "
            "total_count, page, limit, has_next}; check api_url"
        )
    if body.get("page", page) != page:
        raise LinkitAnswerError(f"{where} answered page {body.get('page')!r}: the list cannot be paged")
    if has_next and not rows:
        raise LinkitAnswerError(f"{where} answered no entries but has_next true: the list cannot be paged")
    for row in rows:
        if not isinstance(row, dict):
            raise LinkitAnswerError(f"{where}: an entry of data is not an object: {shorten(row, 200)}")
    good_total = isinstance(total, int) and not isinstance(total, bool)
    return Page(rows, has_next, total if good_total else None, server_time(response))


def server_time(response: requests.Response) -> datetime | None:
    """Linkit's clock from the answer's ``Date`` header (whole seconds, rounded down), None without one."""
    try:
        when = email.utils.parsedate_to_datetime(response.headers.get("Date") or "")
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def refused(exc: StopRun, path: str) -> str:
    """What to fix when Linkit refused the credential (401/403) or could not be reached (no status)."""
    if exc.status is None:
        return (
            f"Linkit cannot be reached after the retries (max_retries): GET {path}; check api_url (host, "
            "port, scheme) and that the server is up"
        )
    if exc.status == 401:
        fix = (
            "Check api_token (the API token from the Linkit dashboard) and auth_scheme: bearer sends "
            "'Authorization: Bearer <token>', raw sends the key alone"
        )
    else:
        fix = (
            "Linkit answers 403 while the account's billing is suspended (GET /auth/credentials says "
            "billing.status), to an organization_id the token is not a member of, or to a token without the "
            "permission. Check organization_id, api_token and the account's billing"
        )
    return f"Linkit refused the request: GET {path} answered HTTP {exc.status} ({_said(exc)}). {fix}"


def _said(exc: StopRun) -> str:
    """Linkit's own words from StopRun's message (the text after the status), without our advice."""
    text = str(exc)
    head, _, tail = text.partition(f"HTTP {exc.status} ")
    return shorten(tail.split("; nothing was sent")[0].strip() or head, 200)


def failed(exc: HttpError, path: str, params: Mapping[str, t.Any]) -> str:
    """What to fix after another error answer, or 429/5xx past the retries."""
    call = f"GET {path}"
    if exc.retryable:
        return f"Linkit kept failing after the retries (max_retries): {call}: {shorten(str(exc), 300)}"
    said = shorten(exc.message, 200)
    if exc.status == 404:
        return (
            f"Linkit answered HTTP 404 to {call} ({said}): no such list at this api_url; it must be Linkit's "
            "base URL, e.g. https://linkit.works/api/v1"
        )
    if exc.status == 400 and "sort" in params:
        return (
            f"Linkit answered HTTP 400 to {call}?sort={params['sort']} ({said}): this Linkit does not sort "
            "by updated; set sort_updated to false (the tap then reads every page)"
        )
    if exc.status == 400 and path.endswith("/customers") and "organization" in said.lower():
        return f"Linkit answered HTTP 400 to {call} ({said}); set organization_id (sent as X-Organization-ID)"
    return (
        f"Linkit answered HTTP {exc.status} to {call} ({said}); check the filters setting for this stream "
        "and page_size"
    )


def utc_now() -> datetime:
    return datetime.now(UTC)
