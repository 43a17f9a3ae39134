"""The Linkit `/api/v1` calls target-linkit makes, each answering per item: accepted, or failed with a reason.

HTTP goes through etl's shared client (`etl.http.HttpClient`: keep-alive, retries on 429/5xx/connection
errors, Retry-After, the Authorization header never logged; 401/403 raise `StopRun`); `linkit_http` sets it
up for this API.

G4 (the bulk answer): Linkit publishes only `{"success": true, "message": "Processed N ..."}`. It does not say
which items failed. So `success: false` sends the batch again in halves (every call is an upsert by `iv_id`
or an absolute quantity, so a repeat changes nothing) until each failed item is alone; a lone failed item is
a dead letter with Linkit's message, and for a SKU a read-back (`GET /skus`) says whether Linkit has that
product x branch at all. Where an answer does list items (`data.results[{index, success, error}]`), those
are used directly. An answer without a boolean `success` is not Linkit's bulk answer: the run stops
(never "all accepted").
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from etl.errors import StopRun
from etl.http import HttpClient, HttpError
from etl.sink import OutboundItem, SendResult
from target_linkit.answers import Outcome, Route, not_routed, read_bulk_answer
from target_linkit.customers import CustomerWriter
from target_linkit.offer_calls import OfferWriter
from target_linkit.order_calls import ORDERS, OrderWriter

LOG = logging.getLogger("target_linkit.adapter")
ROUTES = {
    "products": Route("POST", "/products/bulk", "products", "upsert"),
    "skus": Route("POST", "/skus/bulk", "skus", "update"),
    "branches": Route("POST", "/branches/bulk", "branches", "upsert"),
    # G13: the status body is not published; {"orders": [{"id", "status", "payment_status"}]} is the decision
    "order_status": Route("PATCH", "/orders/bulk/status", "orders"),
}
ORDER_ENTITIES = {"sale_orders": "sale_orders", "pos_orders": "pos_orders"}
OFFER_ENTITIES = ("loyalty_offers", "pricelist_offers")
ORDER_MODELS = {"sale_orders": "sale.order", "pos_orders": "pos.order"}


def linkit_http(config: Mapping[str, Any]) -> HttpClient:
    """etl's HTTP client for the Linkit `/api/v1` of `config` (api_url, api_token, auth_scheme,
    organization_id, request_timeout, max_retries, concurrency)."""
    token = str(config["api_token"])
    headers = {
        # G1: the Odoo addon sends the dashboard token as a Bearer token; a bare API key is the other form
        "Authorization": token if config.get("auth_scheme") == "raw" else f"Bearer {token}",
        "Content-Type": "application/json",
        "User-Agent": "odoo-hub target-linkit",
    }
    if config.get("organization_id"):
        headers["X-Organization-ID"] = str(config["organization_id"])
    return HttpClient(
        str(config["api_url"]),
        headers=headers,
        timeout=float(config.get("request_timeout", 30)),
        max_retries=int(config.get("max_retries", 6)),
        max_retry_time=120.0,
        backoff_base=0.25,
        backoff_max=10.0,
        max_retry_after=10.0,
        workers=int(config.get("concurrency", 4)),
        platform="linkit",
    )


class LinkitAdapter:
    """Products and SKU stock against one Linkit organization; `send` is etl's Adapter."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self.customers = CustomerWriter(http)
        self.orders = OrderWriter(http)
        self.offers = OfferWriter(http)

    def linkit_ids(self, entity: str, items: list[OutboundItem]) -> dict[str, str | None]:
        """The Linkit id the ledger bound to each item's key (None: never accepted, or no ledger)."""
        ledger = self.http.ledger
        out: dict[str, str | None] = {}
        for item in items:
            bound = ledger.get_binding("linkit", entity, item.key) if ledger is not None else None
            out[item.key] = bound.remote_id if bound else None
        return out

    def send(self, entity: str, items: list[OutboundItem]) -> list[SendResult]:
        if entity == "customers":
            return self.customers.send(items, self.linkit_ids(entity, items))
        if entity in OFFER_ENTITIES:
            return self.offers.send(items, self.linkit_ids(entity, items))
        if entity in ORDER_ENTITIES:
            outs = self.orders.create([i.payload for i in items])
            return [o.result(i.key, ORDERS) for i, o in zip(items, outs, strict=True)]
        if entity == "order_status":
            return self._statuses(items)
        if entity not in ROUTES:
            raise ValueError(f"target-linkit does not send {entity!r}")
        route = ROUTES[entity]
        payloads = [i.payload for i in items]
        outs = self.bulk(route, payloads)
        if entity == "skus":
            outs = [self._explain_sku(i.payload, o) for i, o in zip(items, outs, strict=True)]
        return [o.result(i.key, route) for i, o in zip(items, outs, strict=True)]

    def _statuses(self, items: list[OutboundItem]) -> list[SendResult]:
        """Status changes of orders created before: each with the Linkit id bound when it was created."""
        route = ROUTES["order_status"]
        ids: dict[str, str | None] = {}
        for entity in ORDER_ENTITIES.values():
            mine = [i for i in items if i.key.startswith(f"odoo:{ORDER_MODELS[entity]}:")]
            ids.update(self.linkit_ids(entity, mine))
        ready = [i for i in items if ids.get(i.key)]
        sent = self.bulk(route, [{"id": ids[i.key], **i.payload} for i in ready]) if ready else []
        outs = dict(zip([i.key for i in ready], sent, strict=True))
        unknown = Outcome(False, None, "NO_LINKIT_ID", "the order's Linkit id is not in the ledger")
        return [outs.get(i.key, unknown).result(i.key, route) for i in items]

    def bulk(self, route: Route, payloads: list[dict[str, Any]]) -> list[Outcome]:
        """One bulk call, trusted only as far as it speaks (see the module's note on G4)."""
        try:
            answer = self.http.call(route.method, route.path, json=route.body(payloads))
        except HttpError as exc:
            if exc.status == 404:
                raise not_routed(route, exc) from None
            if exc.retryable or len(payloads) == 1:
                return [Outcome(False, exc.status, exc.kind, exc.message) for _ in payloads]
            LOG.warning("%s refused (%s %s); sending it again in halves", route.path, exc.status, exc.message)
            return self._halves(route, payloads)
        success, message, listed = read_bulk_answer(route.path, answer, len(payloads))
        if listed is not None:
            return [
                Outcome(True) if ok else Outcome(False, 200, "ITEM_FAILED", error or message)
                for ok, error in listed
            ]
        if success:
            return [Outcome(True) for _ in payloads]
        if len(payloads) == 1:
            return [Outcome(False, 200, "ITEM_FAILED", f"Linkit refused it: {message}")]
        LOG.info("%s: %s; the answer does not say which item failed (G4): halving", route.path, message)
        return self._halves(route, payloads)

    def _halves(self, route: Route, payloads: list[dict[str, Any]]) -> list[Outcome]:
        mid = len(payloads) // 2
        return self.bulk(route, payloads[:mid]) + self.bulk(route, payloads[mid:])

    def _explain_sku(self, payload: Mapping[str, Any], out: Outcome) -> Outcome:
        """A lone failed SKU: read back whether Linkit has that product x branch at all, and say so."""
        if out.ok or out.code != "ITEM_FAILED":
            return out
        try:
            page = self.http.call(
                "GET",
                "/skus",
                params={"product_iv_id": payload["product_iv_id"], "branch_iv_id": payload["branch_iv_id"]},
            )
        except HttpError:
            return out
        rows = page.get("data") if isinstance(page, dict) else None
        if isinstance(rows, list) and not rows:
            out.code = "SKU_NOT_FOUND"
            out.message = (
                f"{out.message}; Linkit has no SKU {payload['iv_id']} (read back with GET /skus): product "
                f"{payload['product_iv_id']} or branch {payload['branch_iv_id']} does not exist in Linkit. "
                "Push the branch (warehouse code) first, or map the warehouse with the setting branches"
            )
        return out

    def fetch_qty(self, branch_iv_id: str | None = None) -> dict[tuple[str, str], int]:
        """(product_iv_id, branch_iv_id) -> qty of every SKU (all pages of `GET /skus`)."""
        params = {"branch_iv_id": branch_iv_id} if branch_iv_id else {}
        return {
            (str(row["product_iv_id"]), str(row["branch_iv_id"])): int(row.get("qty") or 0)
            for row in pages(self.http, "/skus", params)
        }

    def branch_ids(self) -> set[str]:
        """iv_id of every branch Linkit has (all pages of `GET /branches`)."""
        return {str(row.get("iv_id")) for row in pages(self.http, "/branches")}


def pages(http: HttpClient, path: str, params: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Every row of a Linkit list (`page` from 1, 100 a page, until `has_next` is false); an answer that is
    not the list envelope stops the run (never read as an empty list)."""
    page = 1
    while True:
        answer = http.call("GET", path, params={**(params or {}), "page": page, "limit": 100})
        rows = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(rows, list):
            raise StopRun(f"Linkit's answer to GET {path} is not a list ({{data, has_next}}): check api_url")
        yield from (r for r in rows if isinstance(r, dict))
        if not answer.get("has_next"):
            return
        page += 1
