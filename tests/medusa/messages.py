"""Singer messages in tap-odoo's shape (many2one {id, name}, False -> null), built from the Odoo 17
recordings plus generated products, for driving target-medusa without the tap."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).resolve().parents[2] / "sandbox" / "odoo" / "recordings"
CATEGORIES = [
    (8, "All / Saleable / Office Furniture"),
    (9, "All / Saleable / Mobile Accessories"),
    (1, "All"),
]


def m2o(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list) and len(value) == 2:
        return {"id": value[0], "name": value[1]}
    return None


def recorded_products() -> list[dict[str, Any]]:
    """product.product of the recordings joined with their template, in the tap's stream shape."""
    templates = {
        t["id"]: t
        for t in json.loads((RECORDINGS / "product.template" / "records.json").read_text())["records"]
    }
    out = []
    for rec in json.loads((RECORDINGS / "product.product" / "records.json").read_text())["records"]:
        tmpl = templates.get(rec["product_tmpl_id"][0], {})
        out.append(
            {
                "id": rec["id"],
                "default_code": rec["default_code"] or None,
                "name": tmpl.get("name"),
                "list_price": tmpl.get("list_price"),
                "lst_price": tmpl.get("list_price"),  # no price_extra on the recorded variants
                "type": tmpl.get("type"),
                "categ_id": m2o(tmpl.get("categ_id")),
                "description_sale": tmpl.get("description_sale") or None,
                "barcode": rec["barcode"] or None,
                "weight": rec["weight"],
                "active": rec["active"],
                "product_tmpl_id": m2o(rec["product_tmpl_id"]),
                "write_date": rec["write_date"].replace(" ", "T") + "Z",
            }
        )
    return out


def product(i: int, **over: Any) -> dict[str, Any]:
    """A generated storable product (ids from 100000 so they never meet the recordings)."""
    cid, cname = CATEGORIES[i % 3]
    rec = {
        "id": 100000 + i,
        "default_code": f"GEN-{i:06d}",
        "name": f"Generated product {i}",
        "list_price": round(1 + (i % 500) * 0.25, 3),
        "lst_price": round(1 + (i % 500) * 0.25, 3),
        "standard_price": 0.5,
        "type": "product",
        "categ_id": {"id": cid, "name": cname},
        "description_sale": None,
        "barcode": f"629{i:010d}",
        "weight": 0.05 + (i % 7) / 100,
        "active": True,
        "product_tmpl_id": {"id": 100000 + i, "name": f"Generated product {i}"},
        "write_date": "2026-11-22T13:40:56Z",
    }
    rec.update(over)
    if "list_price" in over and "lst_price" not in over:  # no price_extra: the variant sells at list_price
        rec["lst_price"] = over["list_price"]
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
        "incoming_qty": 5.0,
        "outgoing_qty": 0.0,
    }


PRODUCT_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "default_code": {"type": ["string", "null"]},
        "name": {"type": ["string", "null"]},
        "list_price": {"type": ["number", "null"]},
        "lst_price": {"type": ["number", "null"]},
        "standard_price": {"type": ["number", "null"]},
        "type": {"type": ["string", "null"]},
        "categ_id": {"type": ["object", "null"]},
        "description_sale": {"type": ["string", "null"]},
        "barcode": {"type": ["string", "null"]},
        "weight": {"type": ["number", "null"]},
        "active": {"type": ["boolean", "null"]},
        "product_tmpl_id": {"type": ["object", "null"]},
        "write_date": {"type": ["string", "null"], "format": "date-time"},
        "_sdc_deleted_at": {"type": ["string", "null"], "format": "date-time"},
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
        "incoming_qty": {"type": ["number", "null"]},
        "outgoing_qty": {"type": ["number", "null"]},
    },
}
OPEN_SCHEMA = {"type": "object", "properties": {"id": {"type": "integer"}}, "additionalProperties": True}
ORDER_FIELDS = {
    "sale_order": [
        "name",
        "state",
        "client_order_ref",
        "x_medusa_order_id",
        "delivery_status",
        "note",
        "create_date",
    ],
    "stock_picking": ["state", "origin", "picking_type_code", "picking_type_id", "sale_id", "date_done"],
    "account_move": ["name", "move_type", "state", "invoice_origin", "payment_state"],
}


def order_schema(name: str) -> dict[str, Any]:
    """An order stream's schema with the fields tap-odoo gives it (what target-medusa checks at start)."""
    fields: dict[str, Any] = {"id": {"type": "integer"}, **{f: {} for f in ORDER_FIELDS.get(name, [])}}
    return {"type": "object", "properties": fields, "additionalProperties": True}


def end_of_sync(streams: list[str]) -> str:
    """tap-odoo's last STATE: every stream's bookmark and the end-of-sync mark."""
    bookmarks = {name: {"done": True} for name in streams}
    return json.dumps(
        {"type": "STATE", "value": {"bookmarks": bookmarks, "sync_complete": {"streams": streams}}}
    )


def stream(
    name: str, schema: dict[str, Any], key: list[str], records: Iterable[dict[str, Any]]
) -> Iterator[str]:
    yield json.dumps({"type": "SCHEMA", "stream": name, "schema": schema, "key_properties": key})
    for rec in records:
        yield json.dumps({"type": "RECORD", "stream": name, "record": rec})
    yield json.dumps({"type": "STATE", "value": {"bookmarks": {name: {"done": True}}}})


def catalogue(
    products: list[dict[str, Any]],
    stock: list[dict[str, Any]] | None = None,
    orders: dict[str, list[dict[str, Any]]] | None = None,
    *,
    complete: bool = True,
) -> str:
    """The whole Singer input for one run, newline-terminated; ``complete``: ending with tap-odoo's
    end-of-sync mark, as a tap that read every stream whole does."""
    lines = list(stream("product_product", PRODUCT_SCHEMA, ["id"], products))
    names = ["product_product"]
    if stock:
        lines += stream("stock_levels", STOCK_SCHEMA, ["product_id", "warehouse_code"], stock)
        names.append("stock_levels")
    for name, recs in (orders or {}).items():
        lines += stream(name, order_schema(name), ["id"], recs)
        names.append(name)
    if complete:
        lines.append(end_of_sync(names))
    return "\n".join(lines) + "\n"


def full_flow(n: int, orders_count: int = 20) -> str:
    """n products with stock, and orders_count storefront orders confirmed, shipped, invoiced and paid."""
    products = [product(i) for i in range(1, n + 1)]
    stock = [stock_row(p["default_code"], p["id"], i % 37) for i, p in enumerate(products)]
    orders: dict[str, list[dict[str, Any]]] = {
        "sale_order": [
            {"id": k, "name": f"S{k:05d}", "state": "sale", "client_order_ref": f"MEDUSA-order_{k}"}
            for k in range(1, orders_count + 1)
        ],
        "stock_picking": [
            {
                "id": 100 + k,
                "state": "done",
                "sale_id": {"id": k, "name": f"S{k:05d}"},
                "picking_type_id": {"id": 2, "name": "Delivery Orders"},
                "carrier_tracking_ref": f"T{k}",
            }
            for k in range(1, orders_count + 1)
        ],
        "account_move": [
            {
                "id": 200 + k,
                "name": f"INV/{k}",
                "move_type": "out_invoice",
                "state": "posted",
                "invoice_origin": f"S{k:05d}",
                "payment_state": "paid",
            }
            for k in range(1, orders_count + 1)
        ],
    }
    return catalogue(products, stock, orders)
