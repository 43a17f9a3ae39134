"""odoo-hub's own stock read (check, drift) asks each Odoo version with the warehouse key it reads: on 19
(`warehouse_id`; 17's `warehouse` gives company-wide totals there) and on 17 (`warehouse`), stock put in the
second warehouse shows there and only there."""

from __future__ import annotations

from typing import Any

import pytest

from etl.odoo_read import stock_rows
from sandbox.odoo import serve_odoo
from tap_odoo.client import OdooClient


@pytest.mark.parametrize("version", ["19.0", "17.0"])
def test_stock_rows_per_warehouse_on_17_and_19(version: str) -> None:
    with serve_odoo(products=0, version=version, seed=1, port=0) as sb:
        second, product = 2, 8
        location = sb.store.raw_id("stock.warehouse", second, "lot_stock_id")
        context = {"context": {"inventory_mode": True}}
        count = [{"product_id": product, "location_id": location, "inventory_quantity": 7}]
        quant = sb.services.call(2, "stock.quant", "create", count, context)
        sb.services.call(2, "stock.quant", "action_apply_inventory", [quant], context)
        config: dict[str, Any] = {"url": sb.url, "database": sb.db, "username": "admin"}
        if version == "19.0":
            config["api_key"] = sb.users["admin"]["api_key"]
        else:
            config["password"] = sb.users["admin"]["password"]
        client = OdooClient.from_config(config)
        rows = {(r["product_id"], r["warehouse_id"]): r["qty_available"] for r in stock_rows(client)}
        [total] = sb.services.call(2, "product.product", "read", [[product]], {"fields": ["qty_available"]})
    assert rows[(product, second)] == 7.0
    assert rows[(product, 1)] == total["qty_available"] - 7.0
