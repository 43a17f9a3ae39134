"""Creating Linkit orders (`POST /orders/bulk`, a bare array) and finding their Linkit ids.

An order create is not an upsert: sent twice, Linkit refuses the second as a duplicate of its
`source_transaction_id` (the sandbox's G13 decision; without that key Linkit would create it twice). So a
batch is never re-sent in halves the way idempotent upserts are (G4). Instead, every batch is read back:
`GET /orders`, newest first (its default sort), finds the batch's orders by `source_transaction_id` (or by
`source` + `external_id` in the older order shape) and gives each its Linkit id, which later status changes
need. An order found is accepted (created now, or by an earlier try whose answer was lost); one not found
failed, with Linkit's words when its answer lists them, else its summary message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from etl.http import HttpClient, HttpError
from target_linkit.answers import Outcome, Route, not_routed, read_bulk_answer

ORDERS = Route("POST", "/orders/bulk", "orders")
EXTRA_PAGES = 3  # pages read past the batch's own: orders other sources created meanwhile


def _inner(row: Mapping[str, Any]) -> Mapping[str, Any]:
    """The order of a row read back: the unified envelope's `order`, or the older order object itself."""
    inner = row.get("order")
    return inner if isinstance(inner, Mapping) else row


def _match_keys(inner: Mapping[str, Any]) -> list[str]:
    """What an order read back is known by: its source_transaction_id, or source + external_id."""
    keys = []
    if inner.get("source_transaction_id"):
        keys.append(f"tx:{inner['source_transaction_id']}")
    if inner.get("source") and inner.get("external_id"):
        keys.append(f"ext:{inner['source']}:{inner['external_id']}")
    return keys


class OrderWriter:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def create(self, payloads: list[dict[str, Any]]) -> list[Outcome]:
        try:
            answer = self.http.call(ORDERS.method, ORDERS.path, json=payloads)
        except HttpError as exc:
            if exc.status == 404:
                raise not_routed(ORDERS, exc) from None
            if exc.retryable:  # failed for good after the retries: nothing is known to be created
                return [Outcome(False, exc.status, exc.kind, exc.message) for _ in payloads]
            answer, success, message, listed = None, False, f"HTTP {exc.status} {exc.message}", None
        else:
            success, message, listed = read_bulk_answer(ORDERS.path, answer, len(payloads))
        ids = self._listed_ids(answer, len(payloads)) if listed else [None] * len(payloads)
        wanted = {
            i: [f"tx:{p.get('source_transaction_id')}", f"ext:{p.get('source')}:{p.get('external_id')}"]
            for i, p in enumerate(payloads)
            if ids[i] is None
        }
        found = self.find(wanted) if wanted else {}
        outs: list[Outcome] = []
        for i, _ in enumerate(payloads):
            linkit_id = ids[i] or found.get(i)
            if linkit_id:
                outs.append(Outcome(True, remote_id=linkit_id))
            else:
                why = (listed[i][1] if listed else None) or (
                    f"Linkit's answer: {message!r}, and the order is not among the newest orders read back "
                    "(GET /orders), so it was not created"
                    if success is False
                    else "Linkit answered success but the order is not among the newest orders read back "
                    "(GET /orders): its Linkit id is unknown"
                )
                outs.append(Outcome(False, 200, "ORDER_NOT_CREATED", why))
        return outs

    @staticmethod
    def _listed_ids(answer: Any, n: int) -> list[str | None]:
        """Ids from an answer that lists its items (`data.results[{index, success, id}]`)."""
        results = (answer.get("data") or {}).get("results") if isinstance(answer, Mapping) else None
        out: list[str | None] = [None] * n
        for r in results if isinstance(results, list) else []:
            ok = isinstance(r, Mapping) and r.get("success") is True and r.get("id")
            if ok and isinstance(r.get("index"), int) and 0 <= r["index"] < n:
                out[r["index"]] = str(r["id"])
        return out

    def find(self, wanted: Mapping[int, list[str]]) -> dict[int, str]:
        """index -> Linkit id of the wanted orders found among the newest (stops when all are found)."""
        by_key = {k: i for i, keys in wanted.items() for k in keys}
        out: dict[int, str] = {}
        pages = math.ceil(len(wanted) / 100) + EXTRA_PAGES
        for page in range(1, pages + 1):
            answer = self.http.call("GET", "/orders", params={"page": page, "limit": 100})
            for row in answer.get("data") or [] if isinstance(answer, Mapping) else []:
                if not isinstance(row, Mapping):
                    continue
                inner = _inner(row)
                for key in _match_keys(inner):
                    if key in by_key and inner.get("id"):
                        out.setdefault(by_key[key], str(inner["id"]))
            if len(out) == len(wanted) or not (isinstance(answer, Mapping) and answer.get("has_next")):
                break
        return out
