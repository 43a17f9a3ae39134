"""The calls of seed 002 the target makes, each answering per item: accepted, or failed with Medusa's code.

HTTP goes through etl's shared client (`etl.http.HttpClient`: keep-alive, retries on 429/5xx/connection
errors, Retry-After, the x-odoo-api-key header never logged); `medusa_http` sets it up for this API.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from etl.errors import StopRun
from etl.http import HttpClient, HttpError, unreachable
from etl.sink import OutboundItem, SendResult

LOG = logging.getLogger("target_medusa.adapter")
EVENT_FLAGS = {
    "order.confirmed": "odoo_confirmed",
    "order.shipped": "odoo_shipped",
    "order.delivered": "odoo_delivered",
    "order.cancelled": "odoo_cancelled",
    "order.invoiced": "odoo_invoiced",
    "order.paid": "odoo_paid",
}


def medusa_http(config: Mapping[str, Any]) -> HttpClient:
    """etl's HTTP client for the MarqaSouq `/odoo/*` API of `config` (api_url, api_key, request_timeout,
    max_retries, concurrency)."""
    return HttpClient(
        str(config["api_url"]),
        headers={
            "x-odoo-api-key": str(config["api_key"]),
            "Content-Type": "application/json",
            "User-Agent": "odoo-hub target-medusa",
        },
        timeout=float(config.get("request_timeout", 30)),
        max_retries=int(config.get("max_retries", 6)),
        max_retry_time=120.0,
        backoff_base=0.25,
        backoff_max=10.0,
        max_retry_after=10.0,
        workers=int(config.get("concurrency", 4)),
    )


@dataclass
class Outcome:
    """What happened to one item."""

    ok: bool
    remote_id: str | None = None
    status: int | None = None
    code: str | None = None
    message: str | None = None
    field: str | None = None
    note: str | None = None

    @classmethod
    def failed(cls, exc: HttpError) -> Outcome:
        return cls(False, status=exc.status, code=exc.kind, message=exc.message, field=exc.field)

    @property
    def reason(self) -> str:
        where = f" (field {self.field})" if self.field else ""
        return f"{self.code}{where}: {self.message}"

    def result(self, key: str, method: str, url: str) -> SendResult:
        """etl's per-item answer (the dead-letter reason in Medusa's words)."""
        if self.ok:
            return SendResult(key, True, self.remote_id, 200, note=self.note, method=method, url=url)
        return SendResult(
            key,
            False,
            http_status=self.status,
            error_code=self.code,
            error_message=self.message,
            reason=self.reason,
            method=method,
            url=url,
        )


class MedusaAdapter:
    """Products, stock, deletes and order events against one Medusa backend; `send` is etl's Adapter."""

    batch_size = {"product": 500, "inventory": 500, "order_status": 1, "order_synced": 25}

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self._orders_route_checked = False

    def send(self, entity: str, items: list[OutboundItem]) -> list[SendResult]:
        """One batch of one mapping entity (order events one after the other, in the order given)."""
        payloads = [i.payload for i in items]
        outs: list[Outcome]
        if entity == "product":
            outs, method, url = self.send_products(payloads), "POST", "/odoo/products/bulk"
        elif entity == "inventory":
            outs, method, url = self.send_stock(payloads), "POST", "/odoo/inventory/bulk-update"
        elif entity == "order_status":
            outs = [self.send_order_event(p) for p in payloads]
            method, url = "POST", "/odoo/webhooks/order-status"
        elif entity == "order_synced":
            outs = [self.send_synced(i.key, i.payload) for i in items]
            method, url = "POST", "/odoo/orders/{id}/synced"
        else:
            raise ValueError(
                f"target-medusa sends product, inventory, order_status and order_synced, not {entity!r}"
            )
        return [o.result(i.key, method, url) for i, o in zip(items, outs, strict=True)]

    def delete(self, items: list[OutboundItem]) -> list[SendResult]:
        """`DELETE /odoo/products/{sku}` for each item (keyed by SKU)."""
        return [self.delete_product(i.key).result(i.key, "DELETE", "/odoo/products/{sku}") for i in items]

    def _bulk(
        self, path: str, field: str, payloads: list[dict[str, Any]], one: Callable[[dict[str, Any]], Outcome]
    ) -> list[Outcome]:
        """One bulk call, trusted only as far as it speaks: seed 002's bulk answers count what failed
        (`failed`, `not_found`) and list nothing in `errors`. Items the answer names (`errors[].index` or
        `.sku`, where a backend lists them) go again alone through `one`, for their own reason; when the
        counts say items failed and the answer does not say which, the batch is halved and each half sent
        again (every call is an upsert by SKU or an absolute quantity) until each failed item is alone. A
        bulk call refused as a whole goes item by item; one that failed for good after retries (429/5xx)
        fails every item; a 404 (no such route) or an answer that is not a bulk answer stops the run."""
        try:
            answer = self.http.call("POST", path, json={field: payloads})
        except HttpError as exc:
            if exc.status == 404:
                raise _no_route("POST", path, exc) from None
            if exc.retryable:
                return [Outcome.failed(exc) for _ in payloads]
            LOG.warning("%s refused (%s); sending the %d items one by one", path, exc.kind, len(payloads))
            return [one(p) for p in payloads]
        failed, named = read_bulk_answer(path, answer, payloads)
        if not failed:
            return [Outcome(True) for _ in payloads]
        if len(named) == failed or len(payloads) == 1:
            only = named if len(named) == failed else {0}
            return [one(p) if i in only else Outcome(True) for i, p in enumerate(payloads)]
        LOG.info("%s: %d of %d failed, the answer does not say which; halving", path, failed, len(payloads))
        mid = len(payloads) // 2
        return self._bulk(path, field, payloads[:mid], one) + self._bulk(path, field, payloads[mid:], one)

    def _pages(self, path: str, field: str) -> Iterator[dict[str, Any]]:
        """Every row of a paged `GET` (`limit` / `offset`, answer `{<field>: [...], total}`)."""
        offset = 0
        while True:
            page = self.http.call("GET", path, params={"limit": 1000, "offset": offset})
            rows = page.get(field) or []
            yield from rows
            offset += len(rows)
            if not rows or offset >= int(page.get("total") or 0):
                return

    # ---------------------------------------------------------------- products
    def send_products(self, payloads: list[dict[str, Any]]) -> list[Outcome]:
        """`POST /odoo/products/bulk`; a failed item is retried alone through `POST /odoo/products`."""
        return self._bulk("/odoo/products/bulk", "products", payloads, self.send_product)

    def send_product(self, payload: dict[str, Any]) -> Outcome:
        """`POST /odoo/products`; accepted only on seed 002 §5.1's answer (`success` true or a `product`)."""
        answer = self._single("POST", "/odoo/products", payload)
        if isinstance(answer, Outcome):
            return answer
        product = answer.get("product")
        if answer.get("success") is not True and not isinstance(product, dict):
            return _unreadable("POST /odoo/products", answer)
        return Outcome(True, remote_id=(product or {}).get("id"))

    def _single(self, method: str, path: str, payload: dict[str, Any]) -> dict[str, Any] | Outcome:
        """One item's call: its JSON answer, or the failed Outcome; 404 other than SKU_NOT_FOUND (no such
        route) stops the run; `success: false` in a 2xx answer is a failure, never a success."""
        try:
            answer = self.http.call(method, path, json=payload)
        except HttpError as exc:
            if exc.status == 404 and exc.code != "SKU_NOT_FOUND":
                raise _no_route(method, path, exc) from None
            return Outcome.failed(exc)
        if not isinstance(answer, dict):
            return _unreadable(f"{method} {path}", answer)
        if answer.get("success") is False:
            error: dict[str, Any] = answer["error"] if isinstance(answer.get("error"), dict) else {}
            return Outcome(
                False, status=200, code=str(error.get("code") or "SUCCESS_FALSE"), message=str(error)[:300]
            )
        return answer

    def delete_product(self, sku: str) -> Outcome:
        """`DELETE /odoo/products/{sku}`; SKU_NOT_FOUND means already gone, which is what we want. Any other
        404 (`NOT_FOUND`: a wrong base path, or a backend that says no more) is not proof it is gone."""
        try:
            answer = self.http.call("DELETE", f"/odoo/products/{quote(sku, safe='')}")
        except HttpError as exc:
            if exc.code == "SKU_NOT_FOUND":
                return Outcome(True, note="already absent")
            if exc.status == 404:
                out = Outcome.failed(exc)
                out.message = (
                    f"{exc.message} (HTTP 404 {exc.kind}, not SKU_NOT_FOUND: the product may still be in "
                    "Medusa; check api_url)"
                )
                return out
            return Outcome.failed(exc)
        if isinstance(answer, dict) and answer.get("success") is False:
            return _unreadable(f"DELETE /odoo/products/{sku}", answer)
        return Outcome(True)

    # ---------------------------------------------------------------- stock
    def send_stock(self, items: list[dict[str, Any]]) -> list[Outcome]:
        """`POST /odoo/inventory/bulk-update`; failed items go again through `POST /odoo/inventory/update`."""
        return self._bulk("/odoo/inventory/bulk-update", "items", items, self.send_stock_item)

    def send_stock_item(self, item: dict[str, Any]) -> Outcome:
        """`POST /odoo/inventory/update` (seed 002 §6.1 shows no answer: any 2xx without `success: false`)."""
        answer = self._single("POST", "/odoo/inventory/update", item)
        return answer if isinstance(answer, Outcome) else Outcome(True)

    def fetch_stock(self, skus: list[str] | None = None) -> dict[str, int]:
        """SKU -> stocked quantity from `GET /odoo/inventory` (all pages, or one call per SKU)."""
        out: dict[str, int] = {}
        if skus is not None and len(skus) <= 50:
            for sku in skus:
                rows = self.http.call("GET", "/odoo/inventory", params={"sku": sku}).get("inventory") or []
                out.update(
                    {r["sku"]: int(r.get("stocked_quantity") or 0) for r in rows if r.get("sku") == sku}
                )
            return out
        rows = self._pages("/odoo/inventory", "inventory")
        out.update({r["sku"]: int(r.get("stocked_quantity") or 0) for r in rows if r.get("sku")})
        if skus is not None:
            wanted = set(skus)
            out = {k: q for k, q in out.items() if k in wanted}
        return out

    # ---------------------------------------------------------------- orders
    def order_display_ids(self) -> dict[int, str]:
        """display_id -> Medusa order id, from `GET /odoo/orders` (all pages)."""
        rows = self._pages("/odoo/orders", "orders")
        return {int(o["display_id"]): str(o["id"]) for o in rows if o.get("display_id") is not None}

    def already_applied(self, order_id: str, event_type: str) -> bool | None:
        """Whether Medusa's order already carries this event's flag (None: cannot tell)."""
        try:
            order = self.http.call("GET", f"/odoo/orders/{quote(order_id, safe='')}").get("order") or {}
        except HttpError as exc:
            if exc.status == 404:
                raise
            return None
        metadata = order.get("metadata")
        if not isinstance(metadata, dict):
            return None
        return bool(metadata.get(EVENT_FLAGS[event_type]))

    def send_order_event(self, payload: dict[str, Any], attempts: int = 6) -> Outcome:
        """`POST /odoo/webhooks/order-status` at most once: before each try, ask Medusa whether an earlier
        try (answer lost, or a run killed after sending) already went through."""
        order_id = payload["order"]["medusa_order_id"]
        last: HttpError | None = None
        for attempt in range(attempts):
            try:
                if self.already_applied(order_id, payload["event_type"]):
                    return Outcome(True, remote_id=order_id, note="already applied")
                answer = self.http.call("POST", "/odoo/webhooks/order-status", json=payload, retry=False)
            except HttpError as exc:
                if not exc.retryable:
                    return Outcome.failed(exc)
                last = exc
                time.sleep(min(2.0, 0.1 * 2**attempt))
                continue
            if not isinstance(answer, dict) or answer.get("success") is not True:
                return _unreadable("POST /odoo/webhooks/order-status", answer)
            return Outcome(True, remote_id=order_id)
        assert last is not None
        if last.unreachable:
            raise unreachable("medusa", last)
        return Outcome.failed(last)

    def send_synced(self, order_id: str, payload: dict[str, Any]) -> Outcome:
        """`POST /odoo/orders/{id}/synced` (seed 002 §4.3: `{odoo_order_id, synced_at}`; the seed shows no
        answer: any 2xx without `success: false`). Retried like every call: Medusa only marks the order
        synced, so a repeat changes nothing. A 404 is an unknown order (a dead letter saying so) once
        `GET /odoo/orders` proves the base URL right; if that route is missing too, the run stops."""
        path = f"/odoo/orders/{quote(order_id, safe='')}/synced"
        try:
            answer = self.http.call("POST", path, json=payload)
        except HttpError as exc:
            if exc.status != 404:
                return Outcome.failed(exc)
            self._check_orders_route("POST", path, exc)
            out = Outcome.failed(exc)
            out.message = (
                f"Medusa has no order {order_id} ({exc.message}), which Odoo order "
                f"{payload.get('odoo_order_id')} names (x_medusa_order_id or client_order_ref MEDUSA-<id>); "
                "correct the reference on the Odoo order"
            )
            return out
        if isinstance(answer, dict) and answer.get("success") is False:
            return _unreadable(f"POST {path}", answer)
        return Outcome(True, remote_id=order_id)

    def _check_orders_route(self, method: str, path: str, exc: HttpError) -> None:
        """Whether `/odoo/orders` exists at this api_url (asked once per run): StopRun if not."""
        if self._orders_route_checked:
            return
        try:
            self.http.call("GET", "/odoo/orders", params={"limit": 1})
        except HttpError as probe:
            if probe.status == 404:
                raise _no_route(method, path, exc) from None
            return  # another failure says nothing about the route: ask again next time
        self._orders_route_checked = True


def read_bulk_answer(path: str, answer: Any, payloads: list[dict[str, Any]]) -> tuple[int, set[int]]:
    """(how many items failed, the indexes the answer names) from a seed 002 bulk answer
    `{success, results: {total, created?, updated, failed?, not_found?, errors: [...]}}`. Counts that do not
    add up, or `success: false` with nothing counted, mean every item is in doubt. An answer without a
    `results` object carrying counts is not Medusa's bulk answer: the run stops (api_url is wrong)."""
    results = answer.get("results") if isinstance(answer, dict) else None
    raw = {k: results[k] for k in COUNT_KEYS if k in results} if isinstance(results, dict) else {}
    counts: dict[str, int] = {k: v for k, v in raw.items() if _count(v)}
    if not isinstance(results, dict) or not counts or len(counts) != len(raw):
        raise StopRun(
            f"Medusa's answer to POST {path} is not a bulk answer (seed 002: {{success, results: {{total, "
            f"updated, failed|not_found, errors}}}}): {json.dumps(answer, default=str)[:200]}; nothing was "
            "taken as sent. Check api_url: it must be the MarqaSouq backend's base URL"
        )
    n = len(payloads)
    failed = counts.get("failed", 0) + counts.get("not_found", 0)
    total = results.get("total")
    if (_count(total) and sum(counts.values()) != total) or (answer.get("success") is False and not failed):
        failed = n  # the answer contradicts itself: every item is in doubt
    named: set[int] = set()
    skus = {str(p.get("sku")): i for i, p in enumerate(payloads)}
    for entry in results.get("errors") or []:
        if isinstance(entry, dict) and _count(entry.get("index")) and entry["index"] < n:
            named.add(int(entry["index"]))
        elif isinstance(entry, dict) and str(entry.get("sku")) in skus:
            named.add(skus[str(entry.get("sku"))])
    return min(failed, n), named


COUNT_KEYS = ("created", "updated", "failed", "not_found")


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _no_route(method: str, path: str, exc: HttpError) -> StopRun:
    return StopRun(
        f"Medusa answered HTTP 404 {exc.kind} to {method} {path}: that route does not exist at this api_url "
        "(it must be the MarqaSouq backend's base URL, e.g. https://admin.markasouqs.com, without /odoo); "
        "nothing was sent past this point",
        status=404,
        url=exc.url,
    )


def _unreadable(call: str, answer: Any) -> Outcome:
    return Outcome(
        False,
        status=200,
        code="UNREADABLE_ANSWER",
        message=f"{call} answered {json.dumps(answer, default=str)[:200]}, which does not say it is accepted",
    )
