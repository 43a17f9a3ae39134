"""tap-odoo | target-medusa on the command line, between the Odoo sandbox and the Medusa sandbox."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import xmlrpc.client
from pathlib import Path
from typing import Any

from sandbox.medusa import MedusaSandbox
from sandbox.odoo import OdooSandbox, serve_odoo

from .helpers import KEY, ROOT

BIN = Path(sys.executable).parent
MODELS = ["product.product", "sale.order", "stock.picking", "account.move"]


def pipeline(
    tmp_path: Path, tap_config: dict[str, Any], target_config: dict[str, Any]
) -> tuple[int, int, str]:
    """`tap-odoo --config t.json | target-medusa --config m.json` through a real OS pipe."""
    (tmp_path / "tap.json").write_text(json.dumps(tap_config))
    (tmp_path / "target.json").write_text(json.dumps(target_config))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    tap = subprocess.Popen(
        [str(BIN / "tap-odoo"), "--config", str(tmp_path / "tap.json")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=tmp_path,
    )
    target = subprocess.run(
        [str(BIN / "target-medusa"), "--config", str(tmp_path / "target.json")],
        stdin=tap.stdout,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
        check=False,
    )
    assert tap.stdout is not None
    tap.stdout.close()
    return tap.wait(timeout=60), target.returncode, target.stderr


class Odoo:
    """Odoo's external API as a user of the sandbox would call it."""

    def __init__(self, sb: OdooSandbox) -> None:
        self.db = sb.db
        common = xmlrpc.client.ServerProxy(sb.url + "/xmlrpc/2/common")
        self.uid = common.authenticate(sb.db, "admin", "admin", {})
        self.obj = xmlrpc.client.ServerProxy(sb.url + "/xmlrpc/2/object", allow_none=True)

    def __call__(self, model: str, method: str, *args: Any, **kw: Any) -> Any:
        return self.obj.execute_kw(self.db, self.uid, "admin", model, method, list(args), kw)


def mark_medusa_orders(odoo: Odoo, medusa: MedusaSandbox) -> None:
    """Two storefront orders as the seed's Odoo addon records them, and their progress in Odoo."""
    medusa.state.add_order("order_E2E_1", display_id=1001)
    medusa.state.add_order("order_E2E_2", display_id=1002)
    shipped = odoo("stock.picking", "search_read", [["sale_id", "!=", False]], fields=["sale_id"], limit=1)[0]
    so_id, so_name = shipped["sale_id"]
    odoo("sale.order", "write", [so_id], {"client_order_ref": "MEDUSA-order_E2E_1"})
    odoo("stock.picking", "write", [shipped["id"]], {"state": "done", "date_done": "2026-11-22 15:00:00"})
    inv = odoo(
        "account.move", "search", [["move_type", "=", "out_invoice"], ["state", "=", "posted"]], limit=1
    )
    odoo("account.move", "write", inv, {"invoice_origin": so_name, "payment_state": "paid"})
    other = odoo("sale.order", "search", [["state", "=", "sale"], ["id", "!=", so_id]], limit=1)
    odoo("sale.order", "write", other, {"client_order_ref": "MEDUSA-1002", "state": "cancel"})


def test_tap_to_target_end_state_matches_odoo(
    medusa: MedusaSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    with serve_odoo(products=1500) as sb:
        odoo = Odoo(sb)
        mark_medusa_orders(odoo, medusa)
        tap_config = {
            "url": sb.url,
            "database": sb.db,
            "username": "admin",
            "password": "admin",
            "models": MODELS,
            "stock_levels": True,
        }
        config |= {"batch_size": 500, "on_archive": "delete"}
        tap_status, status, err = pipeline(tmp_path, tap_config, config)
        assert (tap_status, status) == (0, 0), err[-3000:]
        assert KEY not in err
        # what Odoo implies: every sellable product with a SKU, price in fils, whole units on hand
        rows = odoo(
            "product.product",
            "search_read",
            [["default_code", "!=", False], ["type", "in", ["product", "consu"]]],
            fields=["default_code", "name", "lst_price", "qty_available"],
        )
        expected = {r["default_code"]: r for r in rows}
        assert set(medusa.state.products) == set(expected)
        for sku, row in expected.items():
            got = medusa.state.products[sku]
            # the variant's sales price (lst_price), read by the tap's default product stream
            assert (got["title"], got["price"]) == (row["name"], round(row["lst_price"] * 1000)), sku
        stock = medusa.state.stock()
        assert {sku: stock[sku] for sku in expected} == {
            sku: max(0, math.floor(r["qty_available"])) for sku, r in expected.items()
        }
        assert medusa.state.events_for("order_E2E_1") == [
            "order.confirmed",
            "order.shipped",
            "order.invoiced",
            "order.paid",
        ]
        assert medusa.state.events_for("order_E2E_2") == ["order.cancelled"]
        # an unchanged second run (no tap state: everything is read again) writes nothing
        writes = medusa.state.write_count()
        tap_status, status, err = pipeline(tmp_path, tap_config, config)
        assert (tap_status, status) == (0, 0), err[-3000:]
        assert medusa.state.write_count() == writes
        assert all(n == 1 for n in medusa.state.created.values())
