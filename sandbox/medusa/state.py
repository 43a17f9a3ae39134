"""In-memory state of the Medusa sandbox: what MarqaSouq holds, and every request it saw."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def now_iso() -> str:
    """Current UTC time as Medusa writes it (`2026-02-28T10:30:00.000Z`)."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


@dataclass
class RequestLogEntry:
    """One request as the sandbox saw it (bodies are not kept, they can be large; `query` is the decoded query
    string, for tests of what a client asked for)."""

    method: str
    path: str
    status: int
    fault: str | None = None
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class MedusaState:
    """Products by SKU, inventory by SKU, orders, customers, received order events, counters.

    Tests read these attributes directly; take `lock` when reading while a client is still writing.
    """

    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    inventory: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    order_events: list[dict[str, Any]] = field(default_factory=list)
    product_events: list[dict[str, Any]] = field(default_factory=list)
    deleted_skus: list[str] = field(default_factory=list)
    requests: list[RequestLogEntry] = field(default_factory=list)
    writes: Counter[str] = field(default_factory=Counter)
    """Applied writes per kind: product.created, product.updated, product.deleted, inventory.updated,
    order_event, ...; `writes.total()` is the number of state changes."""
    created: Counter[str] = field(default_factory=Counter)
    """How many times each SKU was created (a product created twice shows 2)."""
    lock: threading.RLock = field(default_factory=threading.RLock)
    location_id: str = "sloc_01MAIN"
    location_name: str = "Main Warehouse"
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self, prefix: str) -> str:
        """Medusa-looking id (`prod_01...`)."""
        # ASSUMPTION (seed 002 silent): ids only need to look like the seed's examples (`prod_01ABC123`).
        return f"{prefix}_01{next(self._ids):08d}"

    # ---- seeding helpers for tests and the demo ----
    def add_order(
        self,
        order_id: str | None = None,
        *,
        display_id: int | None = None,
        email: str = "customer@example.com",
        items: list[dict[str, Any]] | None = None,
        status: str = "pending",
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """Put an order into the store the way the storefront would have created it."""
        with self.lock:
            display = display_id if display_id is not None else 1000 + len(self.orders) + 1
            oid = order_id or self.new_id("order")
            lines = [self._order_item(item) for item in items or []]
            subtotal = sum(int(i.get("unit_price", 0)) * int(i.get("quantity", 1)) for i in lines)
            order = {
                "id": oid,
                "display_id": display,
                "status": status,
                "email": email,
                "currency_code": "kwd",
                "created_at": created_at or now_iso(),
                "customer": {
                    "id": f"cus_{display}",
                    "email": email,
                    "first_name": "Ahmed",
                    "last_name": "Al-Rashid",
                    "phone": "+965-12345678",
                },
                "shipping_address": {
                    "first_name": "Ahmed",
                    "last_name": "Al-Rashid",
                    "address_1": "Block 5, Street 10, House 25",
                    "city": "Kuwait City",
                    "country_code": "kw",
                    "postal_code": "12345",
                    "phone": "+965-12345678",
                },
                "items": lines,
                "subtotal": subtotal,
                "tax_total": 0,
                "shipping_total": 1000,
                "total": subtotal + 1000,
                # Internal state, shown only by the rich answers (seed mode shows §4.1's fields only).
                # ASSUMPTION (seed 002 silent): the seed has no value for "not yet" — fulfillment_status
                # and payment_status are null until an order-status webhook sets "fulfilled" / "captured"
                # (the only values seed 002 shows, in §3.3).
                "fulfillment_status": None,
                "payment_status": None,
                "synced": False,
                "odoo_order_id": None,
                "metadata": {},
            }
            self.orders[oid] = order
            return order

    def _order_item(self, item: dict[str, Any]) -> dict[str, Any]:
        """A line item with at least §4.1's fields (id, title, quantity, unit_price, sku, variant_id)."""
        line = dict(item)
        line.setdefault("id", self.new_id("li"))
        line.setdefault("title", line.get("sku") or "Item")
        line.setdefault("quantity", 1)
        line.setdefault("unit_price", 0)
        line.setdefault("sku", None)
        line.setdefault("variant_id", None)
        return line

    def add_customer(
        self,
        email: str,
        *,
        first_name: str = "Ahmed",
        last_name: str = "Al-Rashid",
        phone: str = "+965-12345678",
        created_at: str | None = None,
    ) -> dict[str, Any]:
        """Put a customer into the store."""
        with self.lock:
            cid = self.new_id("cus")
            customer = {
                "id": cid,
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "phone": phone,
                "has_account": True,
                "created_at": created_at or now_iso(),
                "addresses": [
                    {
                        "id": self.new_id("addr"),
                        "address_1": "Block 5, Street 10",
                        "city": "Kuwait City",
                        "country_code": "kw",
                        "phone": phone,
                        "is_default_shipping": True,
                    }
                ],
                "order_count": 0,
                "total_spent": 0,
            }
            self.customers[cid] = customer
            return customer

    # ---- views tests use ----
    def stock(self) -> dict[str, int]:
        """SKU -> stocked quantity."""
        with self.lock:
            return {sku: int(item["stocked_quantity"]) for sku, item in self.inventory.items()}

    def events_for(self, order_id: str) -> list[str]:
        """Event types received for one Medusa order, in arrival order."""
        with self.lock:
            return [
                e["event_type"] for e in self.order_events if e["order"].get("medusa_order_id") == order_id
            ]

    def summary(self) -> dict[str, Any]:
        """What Medusa holds, in a few numbers (for the demo and logs)."""
        with self.lock:
            events: dict[str, int] = {}
            for event in self.order_events:
                events[event["event_type"]] = events.get(event["event_type"], 0) + 1
            return {
                "products": len(self.products),
                "stock_units": sum(int(i["stocked_quantity"]) for i in self.inventory.values()),
                "skus_in_stock": sum(1 for i in self.inventory.values() if i["stocked_quantity"] > 0),
                "order_events": events,
                "writes": dict(self.writes),
            }

    def write_count(self) -> int:
        """Number of state-changing writes applied so far."""
        with self.lock:
            return sum(self.writes.values())
