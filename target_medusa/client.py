"""HTTP to the MarqaSouq `/odoo/*` API: one keep-alive session, retries with backoff, error envelope parsing.

etl's shared HttpClient was not there when this target was written; this is the smallest client the
target needs (retries on connection errors, 429 and 5xx, Retry-After honoured, the API key never logged).
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

LOG = logging.getLogger("target_medusa.client")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class MedusaError(Exception):
    """A failed call: HTTP status (0 = no answer), Medusa error code, message, field when named."""

    def __init__(
        self, status: int, code: str, message: str, field: str | None = None, body: Any = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.body = body

    @property
    def retryable(self) -> bool:
        return self.status == 0 or self.status in RETRY_STATUSES


@dataclass
class CallStats:
    """Counts per client, for logs and the bench."""

    requests: int = 0
    retries: int = 0
    writes: int = 0


class MedusaClient:
    """`request()` returns the decoded JSON body of a 2xx answer or raises `MedusaError`."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        max_retries: int = 6,
        max_retry_time: float = 120.0,
        backoff_base: float = 0.25,
        backoff_max: float = 10.0,
        pool_size: int = 8,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_time = max_retry_time
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.stats = CallStats()
        self._lock = threading.Lock()
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {
                "x-odoo-api-key": api_key,
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "odoo-hub target-medusa",
            }
        )

    def close(self) -> None:
        self.session.close()

    def _count(self, *, retry: bool = False, write: bool = False) -> None:
        with self._lock:
            self.stats.requests += 1
            self.stats.retries += int(retry)
            self.stats.writes += int(write)

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        retry: bool = True,
    ) -> Any:
        """One call with retries (unless `retry=False`: then the first failure is raised)."""
        url = self.base_url + path
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            self._count(retry=attempt > 1, write=method != "GET")
            try:
                answer = self.session.request(method, url, json=json, params=params, timeout=self.timeout)
            except requests.RequestException as exc:
                error = MedusaError(0, "CONNECTION_ERROR", f"{method} {path}: {type(exc).__name__}")
                wait = None
            else:
                if answer.status_code < 400:
                    try:
                        return answer.json()
                    except ValueError:
                        return {}
                error = self._error(method, path, answer)
                wait = _retry_after(answer.headers.get("Retry-After"))
            elapsed = time.monotonic() - started
            if not (retry and error.retryable) or attempt > self.max_retries or elapsed > self.max_retry_time:
                raise error
            delay = (
                wait
                if wait is not None
                else random.uniform(0, min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))
            )
            LOG.info("%s %s: %s; retry %d in %.2fs", method, path, error.code, attempt, delay)
            time.sleep(min(delay, self.backoff_max))

    @staticmethod
    def _error(method: str, path: str, answer: requests.Response) -> MedusaError:
        try:
            body = answer.json()
        except ValueError:
            body = None
        err = body.get("error") if isinstance(body, dict) else None
        if isinstance(err, dict):
            details: dict[str, Any] = err["details"] if isinstance(err.get("details"), dict) else {}
            return MedusaError(
                answer.status_code,
                str(err.get("code") or "HTTP_ERROR"),
                str(err.get("message") or ""),
                details.get("field"),
                body,
            )
        return MedusaError(answer.status_code, f"HTTP_{answer.status_code}", f"{method} {path}", None, body)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
