"""Medusa orders and customers in tap-medusa's shape (seed 002 sections 4.1 and 4.4), as Singer input for
target-odoo, and ways to run it."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from target_odoo.target import TargetOdoo

ORDER_FIELDS = [
    "id", "display_id", "status", "email", "currency_code", "created_at", "customer", "shipping_address",
    "items", "subtotal", "tax_total", "shipping_total", "total",
]  # fmt: skip
CUSTOMER_FIELDS = [
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "has_account",
    "created_at",
    "addresses",
]
SKUS = ("FURN_0269", "FURN_8888", "E-COM11")  # storable products of the recorded Odoo 17 demo data


def order(k: int, *, items: list[dict[str, Any]] | None = None, **over: Any) -> dict[str, Any]:
    """Medusa order `order_<k>` (display id 1000 + k) of customer `cus_<k>`, shipping 1.000 KWD."""
    lines = items or [
        {"id": f"li_{k}_1", "title": "Chair", "quantity": 2, "unit_price": 5000, "sku": SKUS[0]},
        {"id": f"li_{k}_2", "title": "Lamp", "quantity": 1, "unit_price": 2500, "sku": SKUS[1]},
    ]
    subtotal = sum(int(i["quantity"]) * int(i["unit_price"]) for i in lines)
    rec = {
        "id": f"order_{k}",
        "display_id": 1000 + k,
        "status": "pending",
        "email": f"Buyer{k}@Example.com",
        "currency_code": "kwd",
        "created_at": "2026-02-28T10:30:00.000Z",
        "customer": {
            "id": f"cus_{k}",
            "email": f"buyer{k}@example.com",
            "first_name": "Ahmed",
            "last_name": f"Al-Rashid {k}",
            "phone": "+965-12345678",
        },
        "shipping_address": {
            "first_name": "Ahmed",
            "last_name": f"Al-Rashid {k}",
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
    }
    rec.update(over)
    return rec


def customer(k: int, **over: Any) -> dict[str, Any]:
    rec = {
        "id": f"cus_{k}",
        "email": f"buyer{k}@example.com",
        "first_name": "Ahmed",
        "last_name": f"Al-Rashid {k}",
        "phone": "+965-12345678",
        "has_account": True,
        "created_at": "2026-02-28T10:30:00.000Z",
        "addresses": [
            {"id": f"addr_{k}", "address_1": "Block 5", "city": "Kuwait City", "country_code": "kw"}
        ],
    }
    rec.update(over)
    return rec


def singer(orders: Iterable[dict[str, Any]], customers: Iterable[dict[str, Any]] = ()) -> str:
    """Customers then orders, as the medusa-to-odoo job sends them."""
    lines: list[str] = []
    for stream, fields, records in (
        ("customers", CUSTOMER_FIELDS, customers),
        ("orders", ORDER_FIELDS, orders),
    ):
        schema = {"type": "object", "properties": {f: {} for f in fields}}
        lines.append(
            json.dumps({"type": "SCHEMA", "stream": stream, "schema": schema, "key_properties": ["id"]})
        )
        lines += [json.dumps({"type": "RECORD", "stream": stream, "record": r}) for r in records]
        lines.append(json.dumps({"type": "STATE", "value": {"bookmarks": {stream: {"done": True}}}}))
    return "\n".join(lines) + "\n"


@dataclass
class Result:
    status: int
    stdout: str
    target: TargetOdoo


def run_target(config: dict[str, Any], data: str) -> Result:
    target = TargetOdoo(config=config, validate_config=True)
    out, real = io.StringIO(), sys.stdout
    sys.stdout = out
    status = 0
    try:
        target.listen(file_input=io.StringIO(data))
    except SystemExit as exc:
        status = int(exc.code or 0)
    finally:
        sys.stdout = real
    return Result(status, out.getvalue(), target)
