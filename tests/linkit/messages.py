"""Singer messages in tap-odoo's shape (many2one {id, name}, False -> null) for driving target-linkit without
the tap: products, stock rows per warehouse and tap-odoo's end-of-sync mark."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def product(i: int, **over: Any) -> dict[str, Any]:
    """A generated storable product (ids from 100000)."""
    rec = {
        "id": 100000 + i,
        "default_code": f"GEN-{i:06d}",
        "name": f"Generated product {i}",
        "list_price": round(1 + (i % 500) * 0.25, 3),
        "lst_price": round(1 + (i % 500) * 0.25, 3),
        "type": "product",
        "barcode": f"629{i:010d}",
        "active": True,
        "write_date": "2026-11-22T13:40:56Z",
    }
    rec.update(over)
    return rec


def stock_row(sku: str, product_id: int, qty: float, warehouse: str = "WH", wid: int = 1) -> dict[str, Any]:
    return {
        "product_id": {"id": product_id, "name": sku},
        "default_code": sku,
        "warehouse_id": {"id": wid, "name": warehouse},
        "warehouse_code": warehouse,
        "qty_available": qty,
        "virtual_available": qty + 5,
        "free_qty": max(0.0, qty - 1),
    }


PRODUCT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "default_code": {"type": ["string", "null"]},
        "name": {"type": ["string", "null"]},
        "list_price": {"type": ["number", "null"]},
        "lst_price": {"type": ["number", "null"]},
        "type": {"type": ["string", "null"]},
        "barcode": {"type": ["string", "null"]},
        "active": {"type": ["boolean", "null"]},
        "write_date": {"type": ["string", "null"], "format": "date-time"},
    },
}
STOCK_SCHEMA = {
    "type": "object",
    "properties": {
        "product_id": {"type": ["object", "null"]},
        "default_code": {"type": ["string", "null"]},
        "warehouse_id": {"type": ["object", "null"]},
        "warehouse_code": {"type": ["string", "null"]},
        "qty_available": {"type": ["number", "null"]},
        "virtual_available": {"type": ["number", "null"]},
        "free_qty": {"type": ["number", "null"]},
    },
}


def stream(
    name: str, schema: dict[str, Any], key: list[str], records: Iterable[dict[str, Any]]
) -> Iterator[str]:
    yield json.dumps({"type": "SCHEMA", "stream": name, "schema": schema, "key_properties": key})
    for rec in records:
        yield json.dumps({"type": "RECORD", "stream": name, "record": rec})
    yield json.dumps({"type": "STATE", "value": {"bookmarks": {name: {"done": True}}}})


def end_of_sync(streams: list[str]) -> str:
    """tap-odoo's last STATE: every stream's bookmark and the end-of-sync mark."""
    bookmarks = {name: {"done": True} for name in streams}
    return json.dumps(
        {"type": "STATE", "value": {"bookmarks": bookmarks, "sync_complete": {"streams": streams}}}
    )
