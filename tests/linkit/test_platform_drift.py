"""`odoo-hub drift --target linkit [--fix]`: Odoo's stock per product x branch, computed by target-linkit's
own rule, against Linkit's SKU qty (every page of GET /skus); `--fix` sends the Odoo figure to /skus/bulk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from etl.ledger import Ledger
from etl.odoo_read import m2o, stock_rows
from sandbox.linkit import LinkitSandbox
from sandbox.odoo import OdooSandbox
from tap_odoo.client import OdooClient

from .helpers import TOKEN, run, singer
from .test_platform_check import hub_env, odoo_hub

PRODUCT_FIELDS = ["default_code", "name", "lst_price", "type", "barcode", "active"]


def tap_shape(row: dict[str, Any]) -> dict[str, Any]:
    """An Odoo row as tap-odoo emits it: Odoo's False -> null, many2one -> {id, name}."""
    out = {k: (None if v is False and k != "active" else v) for k, v in row.items()}
    return {k: (m2o(v) if isinstance(v, list) else v) for k, v in out.items()}


def sync(odoo: OdooSandbox, config: dict[str, Any]) -> None:
    """target-linkit fed with the Odoo sandbox's products and stock rows, as tap-odoo would send them."""
    client = OdooClient.from_config(
        {"url": odoo.url, "database": odoo.db, "username": "admin", "password": "admin"}
    )
    products = [tap_shape(p) for p in client.search_read("product.product", [], PRODUCT_FIELDS)]
    rows = [
        {
            **row,
            "product_id": {"id": row["product_id"], "name": row["default_code"]},
            "warehouse_id": {"id": row["warehouse_id"], "name": row["warehouse_name"]},
        }
        for row in stock_rows(client)
    ]
    assert run(config, singer(products, rows)).status == 0


def test_drift_after_a_sync_is_clean_then_finds_a_changed_qty_and_fix_repairs_it(
    odoo_sandbox: OdooSandbox, linkit: LinkitSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    # Odoo's warehouses WH and CHIC1 both on Linkit branch WH (summed), 2 units held back; a third Linkit
    # branch makes 3 SKUs per product, so GET /skus takes more than one page
    answer = requests.post(
        f"{linkit.api_url}/branches/bulk",
        json={"mode": "upsert", "branches": [{"iv_id": "MALL", "name_en": "Mall"}]},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert answer.json()["success"] is True
    config.update(branches={"CHIC1": "WH"}, safety_stock=2)
    sync(odoo_sandbox, config)
    assert linkit.state.skus["E-COM07_WH"]["qty"] == 500 + 200 - 2  # the sync's own figure
    env = hub_env(odoo_sandbox, linkit, tmp_path, branches='{"CHIC1": "WH"}', safety_stock="2")
    env["ODOO_HUB_LEDGER_URL"] = config["ledger_url"]

    code, report, proc = odoo_hub(env, "drift")
    assert code == 0, proc.stdout + proc.stderr
    summary = report["summary"]
    assert summary["ok"] == summary["total"] > 40 and report["rows"] == [], (
        report
    )  # drift computes as the sync
    skus_pages = {r.query.get("page") for r in linkit.state.requests if r.path == "/api/v1/skus"}
    assert {"1", "2"} <= skus_pages

    linkit.state.skus["E-COM07_WH"]["qty"] = 690  # 8 off: warning
    linkit.state.skus["E-COM08_WH"]["qty"] = 100  # 84 off: critical
    code, report, proc = odoo_hub(env, "drift")
    assert code == 1, proc.stdout + proc.stderr
    found = {
        (r["sku"], r["location"]): (r["status"], r["odoo_qty"], r["platform_qty"]) for r in report["rows"]
    }
    assert found == {("E-COM07", "WH"): ("warning", 698, 690), ("E-COM08", "WH"): ("critical", 16, 100)}

    code, report, proc = odoo_hub(env, "drift", "--fix")
    assert code == 0 and report["fix"]["sent"] == 2 and report["fix"]["failed"] == 0, proc.stderr
    assert (linkit.state.skus["E-COM07_WH"]["qty"], linkit.state.skus["E-COM08_WH"]["qty"]) == (698, 16)
    fixes = [r for r in Ledger(config["ledger_url"]).history(platform="linkit") if r.flow == "drift-fix"]
    assert [(r.sent, r.failed, r.status) for r in fixes] == [(2, 0, "done")]
    assert TOKEN not in proc.stdout + proc.stderr

    code, report, proc = odoo_hub(env, "drift")
    assert code == 0 and report["rows"] == [], report
