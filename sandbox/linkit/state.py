"""In-memory state of the Linkit sandbox: one organization's branches, products, SKUs, orders, customers,
offers, and every request it saw. Tests read these attributes directly (take `lock` while a client writes)."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def now_iso() -> str:
    """Current UTC time in RFC 3339 as the research file's examples write it (`2024-01-15T10:30:00Z`)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RequestLogEntry:
    """One request as the sandbox saw it (no bodies; `query` is the decoded query string)."""

    method: str
    path: str
    status: int
    fault: str | None = None
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class LinkitState:
    """What the Linkit organization holds.

    `branches` and `products` are keyed by `iv_id`; `skus` by SKU `iv_id` (`{product_iv_id}_{branch_iv_id}`);
    `orders`, `customers` and `offers` by Linkit id. `offer_remote_ids` maps `remote_offer_id` -> offer id.
    """

    organization_id: str = "org_sandbox001"
    branches: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    skus: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    offer_remote_ids: dict[str, str] = field(default_factory=dict)
    deleted_offers: list[str] = field(default_factory=list)
    suspended: bool = False
    """Billing suspended: every route but health and credentials answers 403."""
    health_status: str = "healthy"
    """What `/health` reports: healthy (200), degraded (200) or unhealthy (503)."""
    requests: list[RequestLogEntry] = field(default_factory=list)
    writes: Counter[str] = field(default_factory=Counter)
    """Applied writes per kind: branch.created, product.updated, sku.updated, order.created, ..."""
    created: Counter[str] = field(default_factory=Counter)
    """How many times each natural key was created (`product:P1`, `order:odoo:S00042`, `offer:odoo:...`)."""
    lock: threading.RLock = field(default_factory=threading.RLock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def new_id(self) -> str:
        """An opaque record id, 15 alphanumerics like a PocketBase id (G20: clients treat it as opaque)."""
        return f"r{next(self._ids):014d}"

    # ---- helpers for tests (what Linkit's admin or a connector would have created) ----
    def add_customer(self, email: str, **fields: Any) -> dict[str, Any]:
        """Put a customer into the organization as if created in Linkit."""
        with self.lock:
            stamp = now_iso()
            customer = {
                "id": self.new_id(),
                "organization_id": self.organization_id,
                "first_name": fields.get("first_name", "Ahmed"),
                "last_name": fields.get("last_name", "Hassan"),
                "email": email.strip().lower(),
                "phone": fields.get("phone"),
                "birthdate": fields.get("birthdate"),
                "gender": fields.get("gender"),
                "type": fields.get("type", "individual"),
                "status": fields.get("status", "active"),
                "created": stamp,
                "updated": stamp,
                "_seq": next(self._ids),
            }
            self.customers[customer["id"]] = customer
            return customer

    # ---- views tests use ----
    def qty(self) -> dict[tuple[str, str], int]:
        """(product_iv_id, branch_iv_id) -> SKU qty."""
        with self.lock:
            return {(s["product_iv_id"], s["branch_iv_id"]): int(s["qty"]) for s in self.skus.values()}

    def order_by_external(self, source: str, external_id: str) -> dict[str, Any] | None:
        with self.lock:
            for order in self.orders.values():
                if order.get("source") == source and order.get("external_id") == external_id:
                    return order
            return None

    def offer_by_remote(self, remote_offer_id: str) -> dict[str, Any] | None:
        with self.lock:
            oid = self.offer_remote_ids.get(remote_offer_id)
            return self.offers.get(oid) if oid else None

    def write_count(self) -> int:
        """Number of state-changing writes applied so far."""
        with self.lock:
            return sum(self.writes.values())

    def summary(self) -> dict[str, Any]:
        with self.lock:
            return {
                "branches": len(self.branches),
                "products": len(self.products),
                "skus": len(self.skus),
                "orders": len(self.orders),
                "customers": len(self.customers),
                "offers": len(self.offers),
                "writes": dict(self.writes),
            }
