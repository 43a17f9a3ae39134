"""What target-linkit reads from Linkit's bulk answers (G4), and the per-item outcome it makes of them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from etl.errors import StopRun
from etl.http import HttpClient, HttpError
from etl.sink import OutboundItem, SendResult


@dataclass(frozen=True)
class Route:
    """A bulk route: its method, path and the body that wraps a batch's payloads."""

    method: str
    path: str
    plural: str
    mode: str | None = None  # None: {plural: [...]} without a mode

    def body(self, payloads: list[dict[str, Any]]) -> dict[str, Any]:
        return {"mode": self.mode, self.plural: payloads} if self.mode else {self.plural: payloads}


@dataclass
class Outcome:
    """What happened to one item."""

    ok: bool
    status: int | None = None
    code: str | None = None
    message: str | None = None
    remote_id: str | None = None

    def result(self, key: str, route: Route) -> SendResult:
        if self.ok:
            return SendResult(key, True, self.remote_id, 200, method=route.method, url=route.path)
        return SendResult(
            key,
            False,
            http_status=self.status,
            error_code=self.code,
            error_message=self.message,
            reason=f"{self.code}: {self.message}",
            method=route.method,
            url=route.path,
        )


class OneByOne:
    """A writer that sends each item in its own call (`http.map`, `workers` at once); `ids` holds the Linkit
    id bound to each item's key before (None: never accepted)."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def send(self, items: list[OutboundItem], ids: Mapping[str, str | None]) -> list[SendResult]:
        return self.http.map(lambda item: self.one(item, ids.get(item.key)), items)

    def one(self, item: OutboundItem, linkit_id: str | None) -> SendResult:
        raise NotImplementedError


def failed_call(key: str, exc: HttpError, note: str = "") -> SendResult:
    """One item's result when its own call failed for good (Linkit's status and words, and a note)."""
    return SendResult(
        key,
        False,
        http_status=exc.status,
        error_code=exc.kind,
        error_message=exc.message,
        response_body=exc.body,
        reason=f"HTTP {exc.status} {exc.kind}: {exc.message}{note}",
        method=exc.method or None,
        url=exc.url or None,
    )


def not_routed(route: Route, exc: HttpError) -> StopRun:
    """A 404 on a published bulk route: the api_url is wrong, every later call would fail the same way."""
    return StopRun(
        f"Linkit answered HTTP 404 to {route.method} {route.path}: no such route at this api_url (it must "
        "end in /api/v1, e.g. https://linkit.works/api/v1); nothing was sent past this point",
        status=404,
        url=exc.url,
    )


def read_bulk_answer(
    path: str, answer: Any, n: int
) -> tuple[bool, str, list[tuple[bool, str | None]] | None]:
    """(success, message, per-item results when the answer lists all n of them) of a Linkit bulk answer."""
    if not isinstance(answer, dict) or not isinstance(answer.get("success"), bool):
        raise StopRun(
            f"Linkit's answer to POST {path} is not a bulk answer ({{success, message}}): "
            f"{json.dumps(answer, default=str)[:200]}; nothing was taken as sent. Check api_url: it must be "
            "the Linkit /api/v1 base URL"
        )
    message = str(answer.get("message") or "")
    data = answer.get("data")
    results = data.get("results") if isinstance(data, dict) else None
    listed: list[tuple[bool, str | None]] | None = None
    if isinstance(results, list):
        by_index = {
            r["index"]: r
            for r in results
            if isinstance(r, dict) and isinstance(r.get("index"), int) and isinstance(r.get("success"), bool)
        }
        if set(by_index) == set(range(n)):
            listed = [
                (bool(by_index[i]["success"]), str(by_index[i].get("error") or "") or None) for i in range(n)
            ]
            if answer["success"] != all(ok for ok, _ in listed):
                return False, message, None  # the answer contradicts itself: every item is in doubt
    return answer["success"], message, listed
