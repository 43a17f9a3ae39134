"""The HTTP client every target shares: one keep-alive session, timeouts, bounded retries, ledger events."""

from __future__ import annotations

import email.utils
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter

from etl.errors import StopRun
from etl.ledger import Ledger
from etl.ledger.scrub import REDACTED, scrub_url
from etl.text import shorten

log = logging.getLogger("etl.http")

T = TypeVar("T")
R = TypeVar("R")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
FATAL_STATUSES = frozenset({401, 403})  # the credential is wrong: no other record would fare better


class HttpError(Exception):
    """A request that failed for good: status (None for transport errors), code, message, body."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        body: Any = None,
        retryable: bool = False,
        method: str = "",
        url: str = "",
        field: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.body = body
        self.retryable = retryable
        self.method = method
        self.url = url = scrub_url(url) if url else url  # never user:password@ in an error
        self.field = field
        self.unreachable = False  # set for transport errors where no connection could be made
        where = f"{method} {url}: " if method else ""
        super().__init__(f"{where}{f'HTTP {status} ' if status else ''}{message}")

    @property
    def kind(self) -> str:
        """The platform's error code, else ``HTTP_<status>``, else ``CONNECTION_ERROR`` (no answer)."""
        return self.code or (f"HTTP_{self.status}" if self.status else "CONNECTION_ERROR")


def unreachable(platform: str, error: HttpError) -> StopRun:
    """The run-stopping error for a server that could not be reached after every retry."""
    return StopRun(
        f"{platform or 'the platform'} cannot be reached: {error}; nothing was sent past this point. "
        "Check the URL setting (host, port, scheme) and that the server is up, then run again.",
        url=error.url,
    )


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (now if now is not None else datetime.now(UTC).timestamp()))


def _error_fields(resp: requests.Response) -> tuple[str | None, str, str | None]:
    """(code, message, field) from common error bodies: Medusa {error: {code, message, details: {field}}},
    Magento {message, parameters}."""
    try:
        body = resp.json()
    except ValueError:
        return None, (resp.text or resp.reason or "")[:500], None
    if isinstance(body, Mapping):
        inner = body.get("error")
        err: Mapping[str, Any] = inner if isinstance(inner, Mapping) else body
        code = err.get("code") or err.get("type")
        message = err.get("message") or err.get("detail") or json.dumps(body)[:500]
        params = err.get("parameters")
        details = err.get("details")
        field = err.get("field") or (details.get("field") if isinstance(details, Mapping) else None)
        if isinstance(message, str) and isinstance(params, Mapping):
            for k, v in params.items():
                message = message.replace(f"%{k}", str(v))
        elif isinstance(message, str) and isinstance(params, list):
            for i, v in enumerate(params, start=1):
                message = message.replace(f"%{i}", str(v))
        return (
            (str(code) if code is not None else None),
            str(message),
            (str(field) if field is not None else None),
        )
    return None, json.dumps(body)[:500], None


class HttpClient:
    """requests Session with keep-alive, timeouts, exponential backoff + full jitter, and ledger events.

    Retries connection errors, timeouts and 429/500/502/503/504 (honouring Retry-After, capped at
    ``max_retry_after`` when set), at most ``max_retries`` times and never past ``max_retry_time`` seconds
    in total. ``workers`` bounds :meth:`map` (concurrent bulk calls) and sizes the connection pool.
    """

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float | tuple[float, float] = (5.0, 30.0),
        max_retries: int = 5,
        max_retry_time: float = 60.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        workers: int = 4,
        ledger: Ledger | None = None,
        platform: str = "",
        secret_headers: Iterable[str] = ("authorization", "x-api-key", "x-odoo-api-key", "cookie"),
        retry_statuses: Iterable[int] = RETRY_STATUSES,
        max_retry_after: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        fatal_statuses: Iterable[int] = FATAL_STATUSES,
    ) -> None:
        if max_retries < 0 or max_retry_time < 0:
            raise ValueError("max_retries and max_retry_time must be >= 0")
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_time = max_retry_time
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.workers = max(1, workers)
        self.ledger = ledger
        self.platform = platform
        self.run_id: int | None = None
        self.secret_headers = {h.lower() for h in secret_headers}
        self.retry_statuses = frozenset(retry_statuses)
        self.max_retry_after = max_retry_after
        self.fatal_statuses = frozenset(fatal_statuses)
        self._sleep = sleep
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=self.workers, pool_maxsize=self.workers * 2, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"Accept": "application/json", "User-Agent": "odoo-hub"})
        self.session.headers.update(dict(headers or {}))
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpClient({scrub_url(self.base_url)!r})"

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else urljoin(self.base_url, path.lstrip("/"))

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform(0, min(backoff_max, base * 2**attempt))."""
        return random.uniform(0, min(self.backoff_max, self.backoff_base * (2**attempt)))

    def scrubbed_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return {k: (REDACTED if k.lower() in self.secret_headers else v) for k, v in headers.items()}

    # ------------------------------------------------------------ requests

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        entity: str | None = None,
        key: str | None = None,
        record: bool = True,
        ok_statuses: Iterable[int] = (),
        retry: bool = True,
    ) -> requests.Response:
        """Send with retries; the response (< 400 or in ``ok_statuses``), else :class:`HttpError`.

        ``retry=False`` raises the first failure (for a call the caller retries itself, e.g. after checking
        whether a lost answer went through); ``record=False`` writes no ledger event for it.
        """
        url = self.url(path)
        shown = scrub_url(url)  # what logs, errors and the ledger get: no user:password@, no secret params
        method = method.upper()
        started = time.monotonic()
        attempt = 0
        allowed = set(ok_statuses)
        while True:
            t0 = time.monotonic()
            wait: float | None = None
            try:
                resp = self.session.request(
                    method, url, json=json, params=params, headers=dict(headers or {}), timeout=self.timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                elapsed = (time.monotonic() - t0) * 1000
                reason = f"{type(exc).__name__}: {shorten(scrub_url(str(exc)), 300)}"
                if record:
                    self._event(
                        method, shown, entity, key, None, "transport", reason, json, None, elapsed, "retry"
                    )
                error: HttpError = HttpError(reason, retryable=True, method=method, url=shown)
                # no connection at all (refused, DNS, connect timeout), unlike a read timeout of one call
                error.unreachable = not isinstance(exc, requests.ReadTimeout)
            else:
                elapsed = (time.monotonic() - t0) * 1000
                status = resp.status_code
                if status < 400 or status in allowed:
                    if record:
                        self._event(
                            method, shown, entity, key, status, None, None, json, resp, elapsed, "http"
                        )
                    return resp
                code, message, field = _error_fields(resp)
                retryable = status in self.retry_statuses
                outcome = "retry" if retryable else "http_error"
                if record:
                    self._event(
                        method, shown, entity, key, status, code, message, json, resp, elapsed, outcome
                    )
                if status in self.fatal_statuses:
                    raise StopRun(
                        f"{self.platform or 'the platform'} refused the credential: {method} "
                        f"{shown} answered HTTP {status} {code or ''} {message[:200]}; nothing "
                        "was sent past this point. Check the API key / token setting and run again.",
                        status=status,
                        url=shown,
                    )
                error = HttpError(
                    message,
                    status=status,
                    code=code,
                    body=_safe_body(resp),
                    retryable=retryable,
                    method=method,
                    url=shown,
                    field=field,
                )
                wait = parse_retry_after(resp.headers.get("Retry-After")) if retryable else None
                if wait is not None and self.max_retry_after is not None:
                    wait = min(wait, self.max_retry_after)
            if (
                retry
                and error.unreachable
                and (attempt >= self.max_retries or time.monotonic() - started > self.max_retry_time)
            ):
                raise unreachable(self.platform, error)
            if not (retry and error.retryable) or attempt >= self.max_retries:
                raise error
            delay = wait if wait is not None else self.backoff(attempt)
            spent = time.monotonic() - started
            if spent + delay > self.max_retry_time:
                if error.unreachable:
                    raise unreachable(self.platform, error)
                raise HttpError(
                    f"{error.message} (gave up: retry budget of {self.max_retry_time:g}s would be exceeded)",
                    status=error.status,
                    code=error.code,
                    body=error.body,
                    retryable=True,
                    method=method,
                    url=shown,
                    field=error.field,
                )
            attempt += 1
            log.info(
                "retry %d/%d of %s %s in %.2fs: %s",
                attempt,
                self.max_retries,
                method,
                shown,
                delay,
                shorten(scrub_url(str(error)), 300),
            )
            self._sleep(delay)

    def call(self, method: str, path: str, **kw: Any) -> Any:
        """:meth:`request`, answering the decoded JSON body (``{}`` when the body is empty or not JSON)."""
        resp = self.request(method, path, **kw)
        try:
            return resp.json()
        except ValueError:
            return {}

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Run ``fn`` over independent items (batches) on a small thread pool; results in input order."""
        items = list(items)
        if len(items) <= 1 or self.workers == 1:
            return [fn(i) for i in items]
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="etl-http")
        return list(self._pool.map(fn, items))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.session.close()

    # ------------------------------------------------------------ ledger

    def _event(
        self,
        method: str,
        url: str,
        entity: str | None,
        key: str | None,
        status: int | None,
        code: str | None,
        message: str | None,
        request_json: Any,
        resp: requests.Response | None,
        elapsed_ms: float,
        outcome: str,
    ) -> None:
        if self.ledger is None:
            return
        try:
            self.ledger.record_event(
                run_id=self.run_id,
                platform=self.platform,
                entity=entity,
                key=key,
                outcome=outcome,
                http_status=status,
                error_code=code,
                error_message=message,
                request_body=request_json,
                response_body=_safe_body(resp) if resp is not None else None,
                duration_ms=round(elapsed_ms, 3),
                method=method,
                url=url,
            )
        except Exception:  # the ledger must never break a send
            log.exception("could not record the HTTP event in the ledger")


def _safe_body(resp: requests.Response | None) -> Any:
    if resp is None:
        return None
    try:
        return resp.json()
    except ValueError:
        return resp.text[:4000]
