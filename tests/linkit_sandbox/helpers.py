"""Bodies shared by the Linkit sandbox tests."""

from __future__ import annotations

from typing import Any

HOURS_ARRAY = [
    {"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0},
    {"WeekDay": "Tuesday", "OpenHour": 9, "OpenMinute": 30, "CloseHour": 17, "CloseMinute": 45},
]
HOURS_OBJECT = {"monday": {"open": "10:00", "close": "22:00"}, "sunday": {"open": "12:00", "close": "24:00"}}
LIST_KEYS = {"data", "count", "total_count", "page", "limit", "has_next", "meta"}
BULK_KEYS = {"success", "message"}


def branch(iv_id: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "iv_id": iv_id,
        "name_en": f"Branch {iv_id}",
        "active": True,
        "location": {"lat": 24.7136, "lon": 46.6753},
        "working_hours": HOURS_ARRAY,
    }
    body.update(over)
    return body


def product(iv_id: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "iv_id": iv_id,
        "name_en": f"Product {iv_id}",
        "average_price": 49.99,
        "is_enabled": True,
    }
    body.update(over)
    return body


def sku(product_iv_id: str, branch_iv_id: str, qty: Any = 5, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "iv_id": f"{product_iv_id}_{branch_iv_id}",
        "product_iv_id": product_iv_id,
        "branch_iv_id": branch_iv_id,
        "qty": qty,
        "price": 49.99,
        "available": True,
    }
    body.update(over)
    return body


def order(external_id: str | None = "S00001", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "odoo",
        "customer_name": "John Doe",
        "products": [{"product_id": "P1", "name": "Widget", "quantity": 2, "price": 29.99}],
        "total_amount": 59.98,
        "currency": "SAR",
    }
    if external_id is not None:
        body["external_id"] = external_id
    body.update(over)
    return body


def offer(remote: str | None = "odoo:coupon.program:42", **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "10% off order",
        "offer_type": "direct_discount",
        "status": "active",
        "target_scope": "order",
        "discount_type": "percentage",
        "discount_value": 10,
        "start_at": "2026-05-01T00:00:00Z",
        "end_at": "2026-05-31T23:59:59Z",
    }
    if remote is not None:
        body["remote_offer_id"] = remote
    body.update(over)
    return body
