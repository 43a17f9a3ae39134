"""`odoo-hub drift --target medusa` (Odoo stock vs GET /odoo/inventory, --fix) and `odoo-hub retry`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sandbox.medusa import MedusaSandbox
from sandbox.odoo import serve_odoo

from .helpers import KEY, ROOT, ledger_of, run_in_process
from .messages import catalogue, product
from .test_end_to_end import pipeline

BIN = Path(sys.executable).parent


def drift(env: dict[str, str], *extra: str) -> tuple[int, dict[str, Any], str]:
    proc = subprocess.run(
        [str(BIN / "odoo-hub"), "drift", "--target", "medusa", "--json", "-q", *extra],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout or "{}"), proc.stderr


def test_drift_finds_and_fixes(medusa: MedusaSandbox, config: dict[str, Any], tmp_path: Path) -> None:
    with serve_odoo(products=200) as sb:
        tap_config = {
            "url": sb.url,
            "database": sb.db,
            "username": "admin",
            "password": "admin",
            "models": ["product.product"],
            "stock_levels": True,
        }
        assert pipeline(tmp_path, tap_config, config)[:2] == (0, 0)
        stock = medusa.state.stock()
        skus = sorted(sku for sku, qty in stock.items() if qty > 20)[:3]
        medusa.state.inventory[skus[0]]["stocked_quantity"] += 1  # warning
        medusa.state.inventory[skus[1]]["stocked_quantity"] += 50  # critical
        medusa.state.inventory.pop(skus[2])  # not found
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "MEDUSA_URL": medusa.url,
            "MEDUSA_API_KEY": KEY,
            "ODOO_URL": sb.url,
            "ODOO_DB": sb.db,
            "ODOO_USERNAME": "admin",
            "ODOO_PASSWORD": "admin",
            "ODOO_HUB_LEDGER_URL": config["ledger_url"],
        }
        code, report, err = drift(env)
        assert code != 0, err
        status = {row["sku"]: row["status"] for row in report["rows"]}
        assert status == {skus[0]: "warning", skus[1]: "critical", skus[2]: "not_found"}, report
        assert KEY not in err
        medusa.state.inventory[skus[2]] = {
            "id": "inv_x",
            "sku": skus[2],
            "title": "x",
            "stocked_quantity": 0,
            "reserved_quantity": 0,
            "location_id": "sloc",
            "location_name": "x",
        }
        code, report, err = drift(env, "--fix")
        assert report["fix"]["sent"] == 3, (report, err[-2000:])
        assert {s: medusa.state.stock()[s] for s in skus} == {s: stock[s] for s in skus}
        code, report, err = drift(env)
        assert code == 0 and report["rows"] == [], report


def test_odoo_hub_retry_resends_dead_letters(medusa: MedusaSandbox, config: dict[str, Any]) -> None:
    """A product Medusa refused (DUPLICATE_SKU) goes through once the clash is gone, by `odoo-hub retry`."""
    medusa.state.products["GEN-000002"] = {
        "sku": "GEN-000002",
        "odoo_product_id": 999,
        "title": "Other",
        "price": 1,
        "id": "prod_x",
        "variant_id": "v",
        "handle": "x",
    }
    assert run_in_process(config, catalogue([product(1), product(2)])).status == 0
    assert [d.key for d in ledger_of(config).dead_letters("medusa")] == ["GEN-000002"]
    medusa.state.products.pop("GEN-000002")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MEDUSA_URL": medusa.url,
        "MEDUSA_API_KEY": KEY,
        "ODOO_HUB_LEDGER_URL": config["ledger_url"],
    }
    proc = subprocess.run(
        [str(BIN / "odoo-hub"), "retry", "--target", "medusa", "--json", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert medusa.state.products["GEN-000002"]["odoo_product_id"] == 100002
    assert ledger_of(config).dead_letters("medusa") == []
