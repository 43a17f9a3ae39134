"""Order progress: which seed 002 §13.3 events a sale.order / stock.picking / account.move record implies.

Only orders that came from Medusa count: `x_medusa_order_id`, or `client_order_ref` `MEDUSA-<id>` (an
`order_...` id, or a display id resolved through `GET /odoo/orders`). Pickings and invoices reach their order
through `sale_id` / `origin` / `invoice_origin`; the link order -> Medusa id is kept in the ledger so later
runs (pickings done days after the order) still find it.

Every such sale order also makes an acknowledgement for seed 002 §4.3 (`POST /odoo/orders/{id}/synced`,
the mapping's `order_synced` entity): one sale.order record proves the order exists in Odoo, so it needs no
other record and is not held back like the transitions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from etl.ledger import Ledger
from etl.paths import get_path

EVENT_ORDER = (
    "order.confirmed",
    "order.shipped",
    "order.delivered",
    "order.invoiced",
    "order.paid",
    "order.cancelled",
)
LINK_ENTITY = "order_link"
_MEDUSA_REF = re.compile(r"^MEDUSA-(\S+)$", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class OrderLink:
    odoo_id: int
    name: str
    medusa_id: str


@dataclass
class OrderEvents:
    """Turns records into transition records for the mapping's `order_status` entity."""

    ledger: Ledger
    platform: str
    resolve_display_id: Callable[[int], str | None]
    cancel_reason: str = "Cancelled in Odoo"
    links: dict[str, OrderLink] = field(default_factory=dict)
    waiting: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    skipped: int = 0
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)  # Medusa order id -> order_synced record

    # ---------------------------------------------------------------- links
    def _remember(self, link: OrderLink) -> None:
        self.links[f"id:{link.odoo_id}"] = link
        self.links[f"name:{link.name}"] = link

    def link(self, *, odoo_id: int | None = None, name: str | None = None) -> OrderLink | None:
        """The Medusa order behind an Odoo sale order, from this run or the ledger."""
        for key in ([f"id:{odoo_id}"] if odoo_id else []) + ([f"name:{name}"] if name else []):
            if key in self.links:
                return self.links[key]
            bound = self.ledger.get_binding(self.platform, LINK_ENTITY, key)
            if bound and bound.remote_id and bound.odoo_id is not None:
                sku = bound.sku or ""
                link = OrderLink(bound.odoo_id, sku, bound.remote_id)
                self._remember(link)
                return link
        return None

    def new_links(self) -> list[OrderLink]:
        seen: dict[int, OrderLink] = {}
        for link in self.links.values():
            seen[link.odoo_id] = link
        return list(seen.values())

    def medusa_id_of(self, order: Mapping[str, Any]) -> str | None:
        explicit = order.get("x_medusa_order_id")
        if isinstance(explicit, str) and explicit.strip():
            return explicit.strip()
        match = _MEDUSA_REF.match(str(order.get("client_order_ref") or "").strip())
        if not match:
            return None
        ref = match.group(1)
        return self.resolve_display_id(int(ref)) if ref.isdigit() else ref

    # ---------------------------------------------------------------- records -> transitions
    def add(self, stream: str, record: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Transition records implied by one record (empty when it is not about a Medusa order, or its
        order is not known yet: then it waits for `retry_waiting`)."""
        if stream == "sale_order":
            return self._sale_order(record)
        link = self._link_for(stream, record)
        if link is None:
            self.waiting.append((stream, dict(record)))
            return []
        return self._picking(record, link) if stream == "stock_picking" else self._invoice(record, link)

    def retry_waiting(self, *, final: bool) -> list[dict[str, Any]]:
        """Records whose order became known since; at the end the rest are not about Medusa orders."""
        pending, self.waiting = self.waiting, []
        out: list[dict[str, Any]] = []
        for stream, record in pending:
            link = self._link_for(stream, record)
            if link is not None:
                out += (
                    self._picking(record, link) if stream == "stock_picking" else self._invoice(record, link)
                )
            elif final:
                self.skipped += 1
            else:
                self.waiting.append((stream, record))
        return out

    def _link_for(self, stream: str, record: Mapping[str, Any]) -> OrderLink | None:
        if stream == "stock_picking":
            sale_id = get_path(record, "sale_id.id")
            return self.link(
                odoo_id=sale_id if isinstance(sale_id, int) else None,
                name=str(record.get("origin") or "") or None,
            )
        for name in str(record.get("invoice_origin") or "").split(","):
            found = self.link(name=name.strip()) if name.strip() else None
            if found:
                return found
        return None

    def _sale_order(self, order: Mapping[str, Any]) -> list[dict[str, Any]]:
        medusa_id = self.medusa_id_of(order)
        if not medusa_id or not isinstance(order.get("id"), int):
            self.skipped += 1
            return []
        link = OrderLink(int(order["id"]), str(order.get("name") or ""), medusa_id)
        self._remember(link)
        self._acknowledge(link, order)
        events: list[dict[str, Any]] = []
        state = order.get("state")
        if state in ("sale", "done"):
            events.append(self._event(link, "order.confirmed"))
        if state == "cancel":
            reason = _TAGS.sub("", str(order.get("x_cancel_reason") or order.get("note") or "")).strip()
            events.append(self._event(link, "order.cancelled", cancelled_reason=reason or self.cancel_reason))
        if order.get("delivery_status") == "full" and state != "cancel":
            events.append(
                self._event(link, "order.delivered", delivered_date=_iso(order.get("effective_date")))
            )
        if order.get("invoice_status") == "invoiced" and state != "cancel":
            events.append(self._event(link, "order.invoiced"))
        return events

    def _acknowledge(self, link: OrderLink, order: Mapping[str, Any]) -> None:
        """The `order_synced` record of a Medusa order that exists in Odoo: `synced_at` is when it came to
        exist there (the sale order's `create_date`), so the payload, and its hash, is the same every run.
        Two Odoo orders naming one Medusa order: the older (lower id) is the one acknowledged."""
        current = self.acks.get(link.medusa_id)
        if current is not None and current["odoo_order_id"] <= link.odoo_id:
            return
        self.acks[link.medusa_id] = {
            "medusa_order_id": link.medusa_id,
            "odoo_order_id": link.odoo_id,
            "odoo_order_name": link.name or None,
            "synced_at": _medusa_time(order.get("create_date")),
        }

    def _picking(self, picking: Mapping[str, Any], link: OrderLink) -> list[dict[str, Any]]:
        code = picking.get("picking_type_code")
        outgoing = code == "outgoing" or (
            code is None and "deliver" in str(get_path(picking, "picking_type_id.name") or "").lower()
        )
        if not outgoing or picking.get("state") != "done":
            return []
        return [
            self._event(
                link,
                "order.shipped",
                tracking_number=_text(picking.get("carrier_tracking_ref")),
                tracking_url=_text(picking.get("carrier_tracking_url")),
                carrier_name=_text(get_path(picking, "carrier_id.name")),
                shipped_date=_iso(picking.get("date_done")),
            )
        ]

    def _invoice(self, move: Mapping[str, Any], link: OrderLink) -> list[dict[str, Any]]:
        if move.get("move_type") != "out_invoice" or move.get("state") != "posted":
            return []
        events = [self._event(link, "order.invoiced", invoice_name=_text(move.get("name")))]
        if move.get("payment_state") in ("paid", "in_payment"):
            events.append(self._event(link, "order.paid"))
        return events

    @staticmethod
    def _event(link: OrderLink, event_type: str, **extra: Any) -> dict[str, Any]:
        record = {
            "event_key": f"{link.medusa_id}:{event_type}",
            "event_type": event_type,
            "medusa_order_id": link.medusa_id,
            "odoo_order_id": link.odoo_id,
            "odoo_order_name": link.name or None,
        }
        record.update({k: v for k, v in extra.items() if v is not None})
        return record


def sort_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per transition, in the order a customer lives them (confirmed before shipped ...)."""
    unique = {e["event_key"]: e for e in events}
    return sorted(unique.values(), key=lambda e: (e["medusa_order_id"], EVENT_ORDER.index(e["event_type"])))


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, False) else None


def _iso(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).replace(" ", "T")
    if text.endswith("+00:00"):
        text = text[:-6] + "Z"
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"


def _medusa_time(value: Any) -> str | None:
    """An Odoo datetime (tap-odoo: ISO 8601 UTC) as seed 002 writes times: `2026-02-28T10:35:00.000Z`."""
    if not value or not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        return None
    when = when.astimezone(UTC) if when.tzinfo else when
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
