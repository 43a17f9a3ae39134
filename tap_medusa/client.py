"""MedusaStream: one paged `GET /odoo/...` list of seed 002 as a singer-sdk RESTStream.

What every stream shares: the base URL and the `x-odoo-api-key` header (never logged), `limit` / `offset`
paging until `offset >= total` (the next offset is what was really received, so a server that caps `limit`
below `page_size` loses nothing), the window of `created_at` to read (bookmark, `start_date`,
`lookback_days`, `full_sync`), singer-sdk's backoff on 429 / 5xx / dropped connections (honouring
`Retry-After`), and errors a shop owner can act on: 401/403 names `api_key`, a 404 on a list route names
`api_url`, an answer that is not seed 002's shape stops the tap instead of reading as "no records".
"""

from __future__ import annotations

import datetime as dt
import random
import typing as t
from collections.abc import Generator, Iterable
from urllib.parse import urlsplit

import requests
from singer_sdk.exceptions import FatalAPIError, RetriableAPIError
from singer_sdk.pagination import BaseAPIPaginator
from singer_sdk.streams import RESTStream

if t.TYPE_CHECKING:
    from backoff.types import Details
    from singer_sdk.helpers.types import Context

Row = dict[str, t.Any]
RETRY_AFTER_MAX = 60.0  # seconds: a longer Retry-After is waited for this long, then asked again
BACKOFF_MAX = 60.0


class MedusaError(FatalAPIError):
    """Medusa's answer stops the tap; the message says what to check. ``exit_code`` for the console script."""

    exit_code = 1


class MedusaAuthError(MedusaError):
    """401 / 403: the API key is wrong or missing."""

    exit_code = 3


class MedusaHTTPError(MedusaError):
    """Any other 4xx answer (404 NOT_FOUND, 400 VALIDATION_ERROR ...)."""

    def __init__(self, message: str, *, status: int, code: str | None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class MedusaAnswerError(MedusaError):
    """A 2xx answer whose shape is not seed 002's: never read as an empty page."""


def error_fields(response: requests.Response) -> tuple[str | None, str]:
    """(code, message) of seed 002 §9's envelope ``{success: false, error: {code, message, details}}``."""
    try:
        body = response.json()
    except ValueError:
        return None, (response.text or response.reason or "")[:200]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = error.get("code")
        return (str(code) if code else None), str(error.get("message") or "")[:200]
    return None, str(body)[:200]


def medusa_time(value: dt.datetime) -> str:
    """A UTC time as Medusa writes it (seed 002: ``2026-02-28T10:30:00.000Z``)."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_time(value: t.Any) -> dt.datetime | None:
    """An ISO 8601 time (``Z`` or an offset; none means UTC), None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class OffsetPages(BaseAPIPaginator[int]):
    """``offset`` of the next page: the current one plus the rows really received; done at ``total``."""

    def __init__(self, stream: MedusaStream) -> None:
        super().__init__(0)
        self.stream = stream

    def get_next(self, response: requests.Response) -> int | None:
        rows, total = self.stream.page_of(response)
        following = self.current_value + len(rows)
        return following if rows and following < total else None


class MedusaStream(RESTStream[int]):
    """A paged list of seed 002 (``{<records_key>: [...], total, limit, offset}``), incremental on
    ``created_at``. Not sorted: seed 002 does not say in which order a list comes, so the bookmark (the
    newest ``created_at`` read) is written when the stream is read whole."""

    records_key: str = ""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.primary_keys = ["id"]
        self.replication_key = "created_at"
        self._floor: dt.datetime | None = None  # the bookmark this run started from
        self._newest: dt.datetime | None = None  # the newest created_at passed to the bookmark
        self._bad_times = 0

    # settings ---------------------------------------------------------------------------------------

    @property
    def url_base(self) -> str:
        return str(self.config["api_url"]).rstrip("/")

    @property
    def http_headers(self) -> dict[str, str]:
        return {
            "x-odoo-api-key": str(self.config["api_key"]),
            "Accept": "application/json",
            "User-Agent": "odoo-hub tap-medusa",
        }

    @property
    def timeout(self) -> int:
        return t.cast(int, float(self.config.get("request_timeout", 30)))

    @property
    def page_size(self) -> int:
        return int(self.config.get("page_size", 50))

    def get_new_paginator(self) -> OffsetPages:
        return OffsetPages(self)

    # retries (singer-sdk's backoff) -----------------------------------------------------------------

    def backoff_max_tries(self) -> int:
        """The first try and ``max_retries`` more."""
        return int(self.config.get("max_retries", 5)) + 1

    def backoff_wait_generator(self) -> Generator[float, t.Any, None]:
        """``Retry-After`` when the answer has one (capped at 60 s), else ``backoff_factor`` x 2^n (capped at
        60 s). backoff primes the generator with None, then sends each failure's exception."""
        factor = float(self.config.get("backoff_factor", 1.0))
        attempt = 0
        exc = yield 0.0
        while True:
            wait = retry_after(exc)
            if wait is None:
                wait = min(BACKOFF_MAX, factor * 2**attempt)
            attempt += 1
            exc = yield wait

    def backoff_jitter(self, value: float) -> float:
        """Up to 10 % more, so parallel taps do not retry in step (singer-sdk's default adds up to 1 s)."""
        return value * (1 + random.random() / 10)

    def backoff_handler(self, details: Details) -> None:
        """One line per retry, without the request (its headers carry the key)."""
        exc = details.get("exception")
        if isinstance(exc, RetriableAPIError) and exc.response is not None:
            why = f"HTTP {exc.response.status_code} {error_fields(exc.response)[0] or exc.response.reason}"
        else:
            why = type(exc).__name__ if exc is not None else "failure"
        self.logger.warning(
            "%s: %s after try %d; trying again in %.2f s",
            self.path,
            why,
            details.get("tries", 0),
            details.get("wait") or 0.0,
        )

    # answers ----------------------------------------------------------------------------------------

    def validate_response(self, response: requests.Response) -> None:
        """401/403 -> api_key; 429/5xx -> retried; another 4xx -> stops the tap naming code and call."""
        status = response.status_code
        if status < 400:
            return
        code, message = error_fields(response)
        call = f"{response.request.method} {urlsplit(response.url).path}"
        if status in (401, 403):
            raise MedusaAuthError(
                f"Medusa refused the API key: {call} answered HTTP {status} {code or ''} ({message}). Check "
                "the setting api_key (the x-odoo-api-key value from the MarqaSouq admin, seed 002 section 2)"
            )
        if status == 429 or status >= 500:
            raise RetriableAPIError(f"{call} answered HTTP {status} {code or ''}: {message}", response)
        hint = ""
        if status == 404 and urlsplit(response.url).path.endswith(str(self.path)):
            hint = (
                "; that route does not exist at this api_url: it must be the MarqaSouq backend's base URL, "
                "e.g. https://admin.markasouqs.com, without /odoo"
            )
        raise MedusaHTTPError(
            f"Medusa answered HTTP {status} {code or ''} to {call}: {message}{hint}", status=status, code=code
        )

    def body_of(self, response: requests.Response) -> dict[str, t.Any]:
        """The JSON object of a 2xx answer (MedusaAnswerError when it is not one)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise MedusaAnswerError(
                f"GET {urlsplit(response.url).path} answered {response.text[:200]!r}, which is not a JSON "
                "object; check api_url (the MarqaSouq backend's base URL)"
            )
        return body

    def page_of(self, response: requests.Response) -> tuple[list[Row], int]:
        """The rows and ``total`` of one page, as seed 002 §4.1 / §4.4 show them."""
        body = self.body_of(response)
        rows = body.get(self.records_key)
        total = body.get("total")
        if not isinstance(rows, list) or not isinstance(total, int) or isinstance(total, bool):
            raise MedusaAnswerError(
                f"GET {self.path} answered {str(body)[:200]}, not seed 002's "
                f"{{{self.records_key}: [...], total, limit, offset}}; check api_url"
            )
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not row["id"]:
                raise MedusaAnswerError(
                    f"GET {self.path}: an entry of {self.records_key} has no id string: {str(row)[:200]}"
                )
        return rows, total

    def parse_response(self, response: requests.Response) -> Iterable[Row]:
        return self.page_of(response)[0]

    # the window of created_at -----------------------------------------------------------------------

    def get_replication_key_signpost(self, context: Context | None = None) -> str:
        """The run's start in Medusa's format: the bookmark never passes it, and the orders list is read up
        to it (``date_to``), so orders created while the pages are read wait for the next run."""
        started = dt.datetime.fromtimestamp(self._initialized_at / 1000.0, tz=dt.UTC)
        return medusa_time(started)

    def window_start(self, context: Context | None) -> dt.datetime | None:
        """Where this run reads from: ``start_date`` with ``full_sync``; else the bookmark (or
        ``start_date`` on the first run) minus ``lookback_days``, never before ``start_date``."""
        state = self.get_context_state(context)
        self._floor = parse_time(state.get("replication_key_value"))
        self._newest = self._floor
        start_date = parse_time(self.config.get("start_date"))
        if self.config.get("full_sync"):
            return start_date
        start = parse_time(self.get_starting_replication_key_value(context))
        if start is None:
            return start_date
        start -= dt.timedelta(days=float(self.config.get("lookback_days", 0) or 0))
        return max(start, start_date) if start_date else start

    def _increment_stream_state(self, latest_record: Row, *, context: Context | None = None) -> None:
        """The bookmark only moves forward: records re-read by ``lookback_days`` or ``full_sync`` (older
        than the bookmark) leave it where it is; a ``created_at`` that is not a time never moves it."""
        when = parse_time(latest_record.get("created_at"))
        if when is None:
            self._bad_times += 1
            return
        if self._newest is not None and when < self._newest:
            return
        self._newest = when
        super()._increment_stream_state(latest_record, context=context)

    def unique(self, rows: Iterable[Row]) -> Iterable[Row]:
        """Each id once per run (offset paging over a list that changes can show one twice)."""
        seen: set[str] = set()
        repeats = 0
        for row in rows:
            if row["id"] in seen:
                repeats += 1
                continue
            seen.add(row["id"])
            yield row
        if repeats:
            self.logger.info("%s: %d entry(ies) listed twice while paging, emitted once", self.name, repeats)
        if self._bad_times:
            self.logger.warning(
                "%s: %d record(s) without a readable created_at; they do not move the bookmark",
                self.name,
                self._bad_times,
            )


def retry_after(exc: t.Any) -> float | None:
    """Seconds from the failed answer's ``Retry-After`` header (delta-seconds), capped; None without one."""
    response = getattr(exc, "response", None)
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return min(RETRY_AFTER_MAX, max(0.0, float(value)))
    except ValueError:
        return None
