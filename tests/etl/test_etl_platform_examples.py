"""The engine fits Linkit and Magento too: example mappings on recorded records and sandbox stock rows,
every payload valid against schemas/linkit and schemas/magento."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from etl_records import recorded

from etl.mapping import Mapping
from etl.odoo_read import stock_rows
from etl.validation import PayloadValidator
from sandbox.odoo import OdooSandbox
from tap_odoo.client import OdooClient

DATA = Path(__file__).resolve().parent / "data"
CONFIG = {"safety_stock": 2, "currency": "KWD"}


def build_all(mapping: Mapping, entity: str, records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    validator = PayloadValidator(mapping.platform)
    out = {}
    for rec in records:
        if mapping.accepts(entity, rec):
            key = mapping.key_of(entity, rec)
            payload = mapping.build(entity, rec, CONFIG, key=key)
            validator.check(entity, payload, key)
            out[key] = payload
    return out


@pytest.fixture(scope="module")
def levels(odoo_sandbox: OdooSandbox) -> list[dict[str, Any]]:
    client = OdooClient(
        odoo_sandbox.url, odoo_sandbox.db, "admin", password=odoo_sandbox.users["admin"]["password"]
    )
    rows = stock_rows(client)
    client.close()
    return rows


def test_stock_rows_have_the_tap_shape(levels: list[dict[str, Any]]) -> None:
    assert levels and {r["warehouse_code"] for r in levels} == {"WH", "CHIC1"}
    row = levels[0]
    assert {
        "product_id",
        "default_code",
        "warehouse_id",
        "warehouse_code",
        "qty_available",
        "free_qty",
    } <= set(row)
    assert any(r["qty_available"] for r in levels)


def test_linkit_payloads_from_recorded_records(levels: list[dict[str, Any]]) -> None:
    m = Mapping.load(DATA / "linkit_example.json")
    products = build_all(m, "product", recorded("product.template"))
    assert products["FURN_0009"]["price"] == 1.98 and products["FURN_0009"]["category"] == "Office Furniture"
    offers = build_all(m, "offer", recorded("loyalty.reward"))
    assert offers["2"] == {
        "remote_offer_id": "odoo:loyalty.program:2",
        "name": "Code for 10% on orders",
        "offer_type": "direct_discount",
        "target_scope": "order",
        "discount_type": "percentage",
        "discount_value": 10.0,
        "source": "loyalty.program",
    }
    assert "1" not in offers  # gift card: per-point, not a direct discount
    branches = build_all(m, "branch", recorded("stock.warehouse"))
    assert branches["CHIC1"] == {"branch_iv_id": "CHIC1", "name": "Chicago 1", "active": True}
    stock = build_all(m, "sku_stock", levels)
    assert len(stock) == len(levels)
    for row in levels:
        got = stock[f"{row['default_code']}@{row['warehouse_code']}"]
        assert got["branch_iv_id"] == row["warehouse_code"]
        assert got["quantity"] == max(0, row["free_qty"] - 2) and got["available"] is (row["free_qty"] > 2)


def test_magento_payloads_from_recorded_records(levels: list[dict[str, Any]]) -> None:
    m = Mapping.load(DATA / "magento_example.json")
    products = build_all(m, "product", recorded("product.template"))
    assert products["FURN_0009"] == {
        "sku": "FURN_0009",
        "name": "Wall Shelf Unit",
        "attribute_set_id": 4,
        "price": 1.98,
        "status": 1,
        "visibility": 4,
        "type_id": "simple",
        "weight": 0.01,
        "extension_attributes": {"website_ids": [1]},
    }
    items = build_all(m, "source_item", levels)
    sources = {p["source_code"] for p in items.values()}
    assert sources == {"default", "chicago_1"}
    for row in levels:
        item = items[f"{row['default_code']}@{row['warehouse_code']}"]
        assert item["quantity"] == max(0, row["qty_available"] - 2)
        assert item["status"] == (1 if row["qty_available"] > 2 else 0)
