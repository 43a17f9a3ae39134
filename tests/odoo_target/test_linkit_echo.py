"""Round trip Odoo -> Linkit -> Odoo: the SKU qty target-linkit sent (safety stock taken off, two warehouses
summed on one branch) comes back through linkit-to-odoo and is recognised as our own (target_odoo/echo.py):
Odoo's stock is not touched. A count made in Linkit afterwards arrives, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sandbox.odoo import OdooSandbox

from .conftest import Odoo
from .linkit import apply, linkit_sandbox, pulled, writes

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def odoo_to_linkit(sb: OdooSandbox, target: dict[str, Any], tmp_path: Path) -> None:
    """`tap-odoo | target-linkit` (real processes): the catalogue and the stock per branch."""
    tap_config = tmp_path / "tap.json"
    tap_config.write_text(json.dumps({
        "url": sb.url, "database": sb.db, "username": "admin", "password": "admin",
        "models": ["product.product"], "stock_levels": True,
        "fields": {"product_product": ["active", "barcode", "default_code", "lst_price", "name", "type"]},
    }))  # fmt: skip
    target_config = tmp_path / "target.json"
    target_config.write_text(json.dumps(target))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    tap = subprocess.Popen([BIN / "tap-odoo", "--config", tap_config], stdout=subprocess.PIPE, env=env)
    done = subprocess.run([BIN / "target-linkit", "--config", target_config], stdin=tap.stdout,
                          capture_output=True, text=True, env=env, timeout=120, check=False)  # fmt: skip
    assert tap.stdout is not None
    tap.stdout.close()
    assert tap.wait(timeout=60) == 0 and done.returncode == 0, done.stderr[-2000:]


def quants(odoo: Odoo) -> dict[tuple[int, int], float]:
    rows = odoo("stock.quant", "search_read", [["location_id.usage", "=", "internal"]],
                fields=["product_id", "location_id", "quantity"])  # fmt: skip
    return {(r["product_id"][0], r["location_id"][0]): r["quantity"] for r in rows}


def test_what_we_sent_comes_back_and_changes_nothing_a_count_made_in_linkit_arrives(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    config = {k: v for k, v in config.items() if k != "company_id"}
    with linkit_sandbox() as linkit:
        linkit.bulk("branches", [{"iv_id": "WH", "name_en": "Main Store"}])
        odoo_to_linkit(sb, {
            "api_url": linkit.sandbox.api_url, "api_token": linkit.sandbox.api_token,
            "ledger_url": config["ledger_url"],  # one ledger for every flow: the house default
            "safety_stock": 2, "branches": {"WH": "WH", "CHIC1": "WH"},
        }, tmp_path)  # fmt: skip
        skus = pulled(linkit, ("skus",))
        sent = [s for s in skus["skus"] if s["qty"] > 0]
        assert len(sent) >= 5, "target-linkit sent too little stock for this test to mean anything"
        before = quants(odoo)
        sb.calls.reset()
        summary, flow = apply(config, skus)
        assert writes(sb) == 0 and quants(odoo) == before
        # every SKU target-linkit sent is recognised (the others: SKUs Linkit made itself at 0, never counted)
        echoes = flow.echo.echoes
        assert echoes >= len(sent) and summary.failed == 0

        counted = sent[0]  # a person counts the shelf in the store: 7 of them
        linkit.bulk("skus", [{"iv_id": counted["iv_id"], "product_iv_id": counted["product_iv_id"],
                              "branch_iv_id": "WH", "qty": 7}], mode="update")  # fmt: skip
        sb.calls.reset()
        summary, flow = apply(config, pulled(linkit, ("skus",)))
    assert flow.echo.echoes == echoes - 1 and summary.failed == 0
    assert writes(sb, "stock.quant") == 2  # one create in inventory mode, one action_apply_inventory
    [product] = odoo("product.product", "search", [["default_code", "=", counted["product_iv_id"]]])
    [row] = odoo("stock.warehouse", "search_read", [["code", "=", "WH"]], fields=["lot_stock_id"])
    assert quants(odoo)[(product, row["lot_stock_id"][0])] == 7
