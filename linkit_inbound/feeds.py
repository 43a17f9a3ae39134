"""The GET feeds, read from Odoo through tap-odoo's client, in pages shaped like Linkit's own lists.

ASSUMPTION (Linkit silent, G18): seed 000 names the feeds (`/linkit/erp/orders` = sale.order,
`/linkit/erp/products` = a catalog page, `/linkit/pos/orders` = pos.order with `session_id`, `state`,
`since`) but not their answers. They answer Linkit's published list envelope (research §2.1)
`{data, count, total_count, page, limit, has_next, meta}` with `page` (from 1) and `limit` (default 20,
at most 100), items in Linkit's own field names: a product as target-linkit pushes it (`iv_id` = internal
reference, `name_en`, `average_price`, `barcode`, `is_enabled`), an order in the shape of Linkit's order
object (`source`, `external_id`, customer, `products` lines, amounts, `currency`, `status`). Every list is
in Odoo id order; `since` keeps records changed at or after it (Odoo's `write_date`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from etl.odoo_read import m2o

OFFSET_AS_SPACE = re.compile(r" \d{2}:\d{2}$")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# ASSUMPTION (Linkit silent, G13): Odoo states as Linkit's published order statuses (research §3.6)
SALE_STATUS = {
    "draft": "pending",
    "sent": "pending",
    "sale": "confirmed",
    "done": "confirmed",
    "cancel": "cancelled",
}
POS_STATUS = {
    "draft": "pending",
    "paid": "confirmed",
    "done": "delivered",
    "invoiced": "delivered",
    "cancel": "cancelled",
}
POS_PAID = ("paid", "done", "invoiced")


ORDER_FIELDS = (
    "name",
    "state",
    "partner_id",
    "currency_id",
    "date_order",
    "write_date",
    "amount_tax",
    "amount_total",
)


@dataclass(frozen=True)
class OrderFeed:
    model: str
    source: str  # Linkit's `source` of these orders; the addon tags POS orders `odoo-pos` (seed 000)
    fields: tuple[str, ...]  # read beyond ORDER_FIELDS
    lines: str
    line_fields: tuple[str, str, str]  # the line's name, quantity and total


SALE_FEED = OrderFeed(
    "sale.order", "odoo", ("amount_untaxed", "client_order_ref", "warehouse_id"), "sale.order.line",
    ("name", "product_uom_qty", "price_total"),
)  # fmt: skip
POS_FEED = OrderFeed(
    "pos.order", "odoo-pos", ("session_id", "pos_reference"), "pos.order.line",
    ("full_product_name", "qty", "price_subtotal_incl"),
)  # fmt: skip


class QueryInvalid(ValueError):
    def __init__(self, param: str, reason: str) -> None:
        self.param = param
        super().__init__(f"query parameter {param}: {reason}")


class Reader(Protocol):
    """The part of tap-odoo's `OdooClient` the feeds use."""

    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str] | None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]: ...

    def search_count(
        self, model: str, domain: Sequence[Any], context: Mapping[str, Any] | None = None
    ) -> int: ...

    def read(
        self, model: str, ids: Sequence[int], fields: Sequence[str], context: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]: ...

    def fields_get(
        self, model: str, attributes: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]: ...


def _page(query: Mapping[str, str]) -> tuple[int, int]:
    try:
        page = int(query.get("page", "1"))
    except ValueError:
        raise QueryInvalid("page", "must be a whole number from 1") from None
    try:
        limit = int(query.get("limit", str(DEFAULT_LIMIT)))
    except ValueError:
        raise QueryInvalid("limit", f"must be a whole number 1..{MAX_LIMIT}") from None
    if page < 1:
        raise QueryInvalid("page", "must be a whole number from 1")
    if limit < 1:
        raise QueryInvalid("limit", f"must be a whole number 1..{MAX_LIMIT}")
    return page, min(limit, MAX_LIMIT)  # as Linkit: a limit above 100 is served as 100


def _since(query: Mapping[str, str]) -> list[Any]:
    raw = query.get("since")
    if raw is None:
        return []
    raw = raw.strip()
    if "T" in raw and OFFSET_AS_SPACE.search(raw):  # an unencoded `+03:00` arrives as ` 03:00`
        raw = raw[:-6] + "+" + raw[-5:]
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise QueryInvalid("since", "must be an ISO 8601 time such as 2026-05-01T00:00:00Z") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return [["write_date", ">=", when.strftime("%Y-%m-%d %H:%M:%S")]]


def _iso(value: Any) -> str | None:
    """Odoo's UTC `2026-11-22 13:40:53` as RFC 3339 `2026-11-22T13:40:53Z`."""
    return f"{str(value).replace(' ', 'T')}Z" if value else None


def _money(value: Any) -> float | None:
    if value is None or value is False:
        return None
    return float(round(Decimal(str(value)), 3))


def _text(value: Any) -> str | None:
    return None if value is False or value in (None, "") else str(value)


class Feeds:
    """One method a feed: ``query`` in, a Linkit list page out (QueryInvalid names a bad parameter)."""

    def __init__(self, client: Reader) -> None:
        self.client = client
        self._pos_states: tuple[str, ...] | None = None

    def _list(
        self, model: str, domain: list[Any], fields: list[str], query: Mapping[str, str], **kw: Any
    ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        page, limit = _page(query)
        domain = domain + _since(query)
        total = self.client.search_count(model, domain, **kw)
        rows = self.client.search_read(
            model, domain, fields, offset=(page - 1) * limit, limit=limit, order="id asc", **kw
        )
        envelope = {
            "count": len(rows),
            "total_count": total,
            "page": page,
            "limit": limit,
            "has_next": page * limit < total,
            "meta": {"source": "odoo", "model": model},
        }
        return rows, envelope

    # ---------------------------------------------------------------- products
    def products(self, query: Mapping[str, str]) -> dict[str, Any]:
        """Variants with an internal reference, as target-linkit pushes them (docs/target-linkit.md);
        `is_enabled=true|false` filters like Linkit's own product list, absent: archived ones too."""
        domain: list[Any] = [["default_code", "!=", False]]
        enabled = query.get("is_enabled")
        if enabled is not None:
            if enabled not in ("true", "false"):
                raise QueryInvalid("is_enabled", "must be true or false")
            domain.append(["active", "=", enabled == "true"])
        fields = ["default_code", "name", "lst_price", "barcode", "active", "write_date"]
        rows, envelope = self._list("product.product", domain, fields, query, context={"active_test": False})
        data = [
            {
                "iv_id": r["default_code"],
                "name_en": _text(r.get("name")),
                "average_price": _money(r.get("lst_price")),
                "barcode": _text(r.get("barcode")),
                "is_enabled": r.get("active") is not False,
                "odoo_id": r["id"],
                "updated": _iso(r.get("write_date")),
            }
            for r in rows
        ]
        return {"data": data, **envelope}

    # ---------------------------------------------------------------- orders
    def _lines(
        self, model: str, ids: list[int], fields: tuple[str, str, str]
    ) -> dict[int, list[dict[str, Any]]]:
        """Order lines by order id (``fields``: the line's name, quantity and total fields), each product
        by its internal reference (Linkit's product iv_id)."""
        if not ids:
            return {}
        name, qty, total = fields
        wanted = ["order_id", "product_id", name, qty, "price_unit", total]
        rows = self.client.search_read(model, [["order_id", "in", ids]], wanted, order="id asc")
        product_ids = sorted({p["id"] for r in rows if (p := m2o(r.get("product_id")))})
        products = (
            self.client.read("product.product", product_ids, ["default_code"], {"active_test": False})
            if product_ids
            else []
        )
        codes = {p["id"]: _text(p.get("default_code")) for p in products}
        out: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            order, product = m2o(r.get("order_id")), m2o(r.get("product_id"))
            if order is None:
                continue
            out.setdefault(order["id"], []).append(
                {
                    "iv_id": codes.get(product["id"]) if product else None,
                    "name": _text(r.get(name)) or (product or {}).get("name"),
                    "quantity": r.get(qty),
                    "price": _money(r.get("price_unit")),
                    "total": _money(r.get(total)),
                }
            )
        return out

    def _partners(self, rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        ids = sorted({p["id"] for r in rows if (p := m2o(r.get("partner_id")))})
        if not ids:
            return {}
        return {p["id"]: p for p in self.client.read("res.partner", ids, ["name", "email", "phone"])}

    def _order(
        self, r: dict[str, Any], lines: list[dict[str, Any]], partner: dict[str, Any] | None, feed: OrderFeed
    ) -> dict[str, Any]:
        currency = m2o(r.get("currency_id"))
        return {
            "source": feed.source,
            "external_id": r.get("name"),
            # the key target-linkit sends the same order under (docs/target-linkit.md)
            "source_transaction_id": f"odoo:{feed.model}:{r['id']}",
            "odoo_id": r["id"],
            "customer_name": _text((partner or {}).get("name")),
            "customer_email": _text((partner or {}).get("email")),
            "customer_phone": _text((partner or {}).get("phone")),
            "products": lines,
            "subtotal": _money(r.get("amount_untaxed")),
            "tax": _money(r.get("amount_tax")),
            "total_amount": _money(r.get("amount_total")),
            "currency": currency["name"] if currency else None,
            "odoo_state": r.get("state"),
            "created": _iso(r.get("date_order")),
            "updated": _iso(r.get("write_date")),
        }

    def _orders(
        self,
        feed: OrderFeed,
        domain: list[Any],
        query: Mapping[str, str],
        extra: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
    ) -> dict[str, Any]:
        """A page of ``feed``'s orders with their lines and customers (4 reads); ``extra(row, item)`` adds
        what only that kind of order has."""
        rows, envelope = self._list(feed.model, domain, [*ORDER_FIELDS, *feed.fields], query)
        lines = self._lines(feed.lines, [r["id"] for r in rows], feed.line_fields)
        partners = self._partners(rows)
        data = []
        for r in rows:
            partner = partners.get((m2o(r.get("partner_id")) or {}).get("id", 0))
            item = self._order(r, lines.get(r["id"], []), partner, feed)
            item.update(extra(r, item))
            data.append(item)
        return {"data": data, **envelope}

    def sale_orders(self, query: Mapping[str, str]) -> dict[str, Any]:
        def extra(r: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
            warehouse = m2o(r.get("warehouse_id"))
            return {
                "status": SALE_STATUS.get(str(r.get("state")), "pending"),
                "reference": _text(r.get("client_order_ref")),
                "branch": warehouse["name"] if warehouse else None,
            }

        return self._orders(SALE_FEED, [], query, extra)

    def _pos_state(self, query: Mapping[str, str]) -> list[Any]:
        state = query.get("state")
        if state is None:
            return []
        if self._pos_states is None:
            selection = self.client.fields_get("pos.order", ["selection"]).get("state", {}).get("selection")
            self._pos_states = tuple(str(s[0]) for s in selection or [])
        if state not in self._pos_states:
            raise QueryInvalid("state", f"must be one of {', '.join(self._pos_states)}")
        return [["state", "=", state]]

    def pos_orders(self, query: Mapping[str, str]) -> dict[str, Any]:
        domain = self._pos_state(query)
        session = query.get("session_id")
        if session is not None:
            if not session.isdigit() or int(session) < 1:
                raise QueryInvalid("session_id", "must be the id of a POS session (a whole number from 1)")
            domain.append(["session_id", "=", int(session)])

        def extra(r: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
            total, tax = item["total_amount"] or 0.0, item["tax"] or 0.0
            return {
                "subtotal": _money(total - tax),
                "status": POS_STATUS.get(str(r.get("state")), "pending"),
                "payment_status": "paid" if r.get("state") in POS_PAID else "pending",
                "session": m2o(r.get("session_id")),
                "reference": _text(r.get("pos_reference")),
            }

        return self._orders(POS_FEED, domain, query, extra)
