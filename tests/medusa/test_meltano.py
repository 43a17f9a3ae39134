"""`meltano run odoo-to-medusa` between the two sandboxes, through the loader, extractors and job of
meltano.yml: every product with a SKU arrives at Odoo's price, and with exactly Odoo's stock (summed over the
warehouses, after the safety stock, never below 0); only the products without a SKU are dead letters; the
second run writes nothing.
"""

from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from sandbox.medusa import MedusaSandbox
from sandbox.odoo import OdooSandbox, serve_odoo

from .helpers import KEY, ROOT

MELTANO = str(Path(sys.executable).with_name("meltano"))
SAFETY_STOCK = 3  # units held back per SKU (the target's safety_stock setting)
ALL = {"active_test": False}


def odoo_stock(sb: OdooSandbox) -> Counter[str]:
    """SKU -> qty_available summed over every warehouse, for every storable product, as Odoo computes it."""
    store = sb.store
    storable = store.search("product.product", [["type", "=", "product"]], context=ALL)
    total: Counter[str] = Counter()
    for warehouse in store.search_read("stock.warehouse", [], ["id"], context=ALL):
        context = {**ALL, "warehouse": warehouse["id"]}
        for row in store.read(
            "product.product", storable, ["default_code", "qty_available"], context=context
        ):
            if row["default_code"]:
                total[row["default_code"]] += row["qty_available"]
    return total


def fils(price: Any) -> int:
    """KWD -> fils (x1000), half up."""
    return int((Decimal(str(price)) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def meltano_run(env: dict[str, str]) -> str:
    proc = subprocess.run(
        [MELTANO, "run", "odoo-to-medusa"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_meltano_run_odoo_to_medusa(
    meltano_env: dict[str, str], medusa: MedusaSandbox, tmp_path: Path
) -> None:
    env = dict(
        meltano_env,
        MELTANO_ENVIRONMENT="dev",
        TARGET_MEDUSA_API_URL=medusa.url,
        TARGET_MEDUSA_API_KEY=KEY,
        TARGET_MEDUSA_LEDGER_URL=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
        TARGET_MEDUSA_SAFETY_STOCK=str(SAFETY_STOCK),
    )
    with serve_odoo(products=300) as sb:
        env |= {"TAP_ODOO_URL": sb.url, "TAP_ODOO_DATABASE": sb.db}
        first = meltano_run(env)
        writes = medusa.state.write_count()
        assert writes, "the first run wrote nothing to Medusa"
        expected = sb.store.search_read(
            "product.product",
            [["default_code", "!=", False], ["type", "in", ["product", "consu"]]],
            ["default_code", "lst_price"],
        )
        with medusa.state.lock:
            prices = {sku: product.get("price") for sku, product in medusa.state.products.items()}
        assert prices == {r["default_code"]: fils(r["lst_price"]) for r in expected}
        on_hand = odoo_stock(sb)
        stock = {sku: max(0, math.floor(qty) - SAFETY_STOCK) for sku, qty in on_hand.items()}
        # the data covers each case: held back to 0, reduced, and nothing on hand
        assert any(0 < qty <= SAFETY_STOCK for qty in on_hand.values())
        assert any(qty > SAFETY_STOCK for qty in on_hand.values()) and 0 in on_hand.values()
        # every product in Medusa holds exactly Odoo's stock; the consumables (not storable, no stock_levels
        # row) keep the 0 they were created with
        assert medusa.state.stock() == {sku: stock.get(sku, 0) for sku in prices}
        archived = sb.store.search_read(
            "product.product", [["active", "=", False]], ["default_code"], context=ALL
        )
        # the only storable SKUs without stock in Medusa: the archived ones, never created (on_archive: leave)
        assert set(stock) - set(prices) == {r["default_code"] for r in archived} & set(stock)
        assert len(set(stock) & set(prices)) >= 300 and sum(medusa.state.stock().values()) > 0
        # nothing else was held back: the only dead letters are the products without a SKU
        no_sku = sb.store.search_read(
            "product.product",
            [["default_code", "=", False], ["type", "in", ["product", "consu"]]],
            ["id"],
            context=ALL,
        )
        dead = Ledger(env["TARGET_MEDUSA_LEDGER_URL"]).dead_letters()
        assert sorted((d.entity, d.key) for d in dead) == sorted(
            ("product", f"product_product id {r['id']}") for r in no_sku
        )
        assert no_sku and all("default_code" in d.reason for d in dead)
        second = meltano_run(env)
        assert medusa.state.write_count() == writes  # the second run sent nothing
        assert KEY not in first + second
