"""An order with a SKU Odoo does not know becomes a dead letter naming the SKU; the rest is imported.
`odoo-hub retry --target odoo` leaves it a dead letter while the SKU is still missing, imports it once the
product exists in Odoo (exactly once, confirmed, its lines and shipping), and a second retry does nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from sandbox.odoo import OdooSandbox

from .conftest import SHIPPING, Odoo
from .orders import order, run_target, singer
from .procs import assert_each_once, lines_of, medusa_orders, run_hub, three_lines, writes

SKU = "MS-NEW-01"


def hub_env(sb: OdooSandbox, config: dict[str, Any]) -> dict[str, str]:
    """What `odoo-hub retry --target odoo` reads from the environment (target_odoo/platform.py)."""
    return {
        "ODOO_URL": sb.url,
        "ODOO_DB": sb.db,
        "ODOO_USERNAME": str(config["username"]),
        "ODOO_PASSWORD": str(config["password"]),
        "ODOO_DELIVERY_PRODUCT": SHIPPING,
    }


def test_unknown_sku_is_a_dead_letter_then_retry_imports_it_once(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    bad = order(
        31, items=[{"id": "li_31", "title": "New mug", "quantity": 2, "unit_price": 1500, "sku": SKU}]
    )
    good = [three_lines(k) for k in (1, 2)]
    assert run_target(config, singer([good[0], bad, good[1]])).status == 0
    assert_each_once(odoo, 2)  # the rest of the run went on
    ledger = Ledger(config["ledger_url"])
    [letter] = ledger.dead_letters("odoo")
    assert letter.key == "order_31"
    assert SKU in letter.reason and "MEDUSA-1031" in letter.reason, letter.reason
    assert not [o for o in medusa_orders(odoo) if o["client_order_ref"] == "MEDUSA-1031"]

    args = ["retry", "--target", "odoo", "--ledger", str(config["ledger_url"])]
    env = hub_env(sb, config)
    # still missing in Odoo: it stays a dead letter, nothing is created
    sb.calls.reset()
    proc = run_hub(args, env, tmp_path)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "0 sent, 1 failed" in proc.stdout and SKU in proc.stdout
    assert sb.calls[("sale.order", "create")] == 0
    [letter] = ledger.dead_letters("odoo")
    assert letter.attempts == 2

    # the shop owner creates the product in Odoo; the retry imports the order
    odoo("product.product", "create", {"name": "New mug", "default_code": SKU, "type": "consu"})
    proc = run_hub(args, env, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1 sent, 0 failed" in proc.stdout, proc.stdout
    [so] = [o for o in medusa_orders(odoo) if o["client_order_ref"] == "MEDUSA-1031"]
    assert so["state"] == "sale"
    assert lines_of(odoo, so["id"]) == sorted([(SKU, 2.0, 1.5), (SHIPPING, 1.0, 1.0)])
    assert len(medusa_orders(odoo)) == 3
    assert ledger.dead_letters("odoo") == []
    [resolved] = ledger.dead_letters("odoo", include_resolved=True)
    assert resolved.resolved_at is not None
    xids = odoo("ir.model.data", "search_read", [["name", "=", "medusa_order_order_31"]], fields=["res_id"])
    assert [x["res_id"] for x in xids] == [so["id"]]

    # a second retry: nothing to do, no Odoo write, still one order
    sb.calls.reset()
    proc = run_hub(args, env, tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "no open dead letters" in proc.stdout
    assert writes(sb.calls) == 0
    assert [o["client_order_ref"] for o in medusa_orders(odoo)].count("MEDUSA-1031") == 1
    # and the next scheduled run with the same input counts it unchanged: no Odoo write either
    assert run_target(config, singer([good[0], bad, good[1]])).status == 0
    assert writes(sb.calls) == 0
