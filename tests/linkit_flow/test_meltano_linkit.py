"""`meltano run` of the four Linkit jobs of meltano.yml between the Odoo and Linkit sandboxes.

Odoo -> Linkit (odoo-to-linkit, -stock, -offers): Linkit ends equal to what Odoo implies — a branch per
warehouse with its calendar's hours, every product with an internal reference, every storable product's qty
per branch, every confirmed sale order, the customers and discount programs — and whatever Odoo holds that
Linkit cannot take is a dead letter with its reason, nothing left out silently. Back (linkit-to-odoo): hours,
a customer, a counted shelf and an offer set in Linkit arrive in Odoo once; what target-linkit sent itself
changes nothing; the same runs again write nothing on either side.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from etl.ledger import Ledger
from sandbox.demo_linkit import admin_changes, prepare_odoo
from sandbox.linkit import LinkitSandbox, serve_linkit
from sandbox.odoo import OdooSandbox, serve_odoo

ROOT = Path(__file__).resolve().parents[2]
MELTANO = str(Path(sys.executable).with_name("meltano"))
TOKEN = "sandbox-linkit-token"
ALL = {"active_test": False}
WRITES = ("create", "write", "unlink", "action_apply_inventory")
CHICAGO_WEEK = [
    {"WeekDay": day, "OpenHour": 9, "OpenMinute": 0, "CloseHour": 17, "CloseMinute": 0}
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
]


def meltano_run(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(
        [MELTANO, "run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=480, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def odoo_writes(sb: OdooSandbox) -> int:
    return sum(n for (_m, method), n in sb.calls.items() if method in WRITES)


def expected_qty(sb: OdooSandbox) -> dict[tuple[str, str], int]:
    """(internal reference, warehouse code) -> on-hand qty floored, never below 0, for storable products."""
    store, out = sb.store, {}
    storable = store.search("product.product", [["type", "=", "product"], ["default_code", "!=", False]])
    for wh in store.search_read("stock.warehouse", [], ["code"], context=ALL):
        rows = store.read("product.product", storable, ["default_code", "qty_available"],
                          context={**ALL, "warehouse": wh["id"]})  # fmt: skip
        for row in rows:
            out[(row["default_code"], wh["code"])] = max(0, math.floor(row["qty_available"]))
    return out


@pytest.mark.timeout(600)
def test_linkit_jobs_through_meltano_both_ways(meltano_env: dict[str, str], tmp_path: Path) -> None:
    ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    with serve_odoo(products=0) as sb, serve_linkit(api_token=TOKEN, port=0) as linkit:
        prepare_odoo(sb)  # Chicago's calendar made whole (the recordings hold its first lines only)
        env = dict(
            meltano_env,
            MELTANO_ENVIRONMENT="dev",
            TAP_ODOO_URL=sb.url,
            TAP_ODOO_DATABASE=sb.db,
            TARGET_LINKIT_API_URL=linkit.api_url,
            TARGET_LINKIT_ORGANIZATION_ID=linkit.state.organization_id,
            TARGET_LINKIT_LEDGER_URL=ledger,
            TARGET_LINKIT_PHONE_COUNTRY_CODE="+1",
            TAP_LINKIT_API_URL=linkit.api_url,
            TAP_LINKIT_ORGANIZATION_ID=linkit.state.organization_id,
            TARGET_ODOO_URL=sb.url,
            TARGET_ODOO_DATABASE=sb.db,
            TARGET_ODOO_LEDGER_URL=ledger,
        )
        out = meltano_run(env, "odoo-to-linkit", "odoo-to-linkit-stock", "odoo-to-linkit-offers")
        check_linkit_equals_odoo(sb, linkit, Ledger(ledger))

        made = admin_changes(linkit)
        sb.calls.reset()
        out += meltano_run(env, "linkit-to-odoo")
        check_changes_arrived(sb, made)
        assert odoo_writes(sb) > 0
        sb.calls.reset()
        out += meltano_run(env, "--full-refresh", "linkit-to-odoo")
        assert odoo_writes(sb) == 0  # the same Linkit records again: nothing written
    assert TOKEN not in out


def check_linkit_equals_odoo(sb: OdooSandbox, linkit: LinkitSandbox, ledger: Ledger) -> None:
    store, state = sb.store, linkit.state
    dead = {(d.entity, d.key): d.reason for d in ledger.dead_letters("linkit")}
    # branches: every warehouse, Chicago with exactly its calendar's week
    codes = {w["code"] for w in store.search_read("stock.warehouse", [], ["code"], context=ALL)}
    assert set(state.branches) == codes
    assert state.branches["CHIC1"]["working_hours"] == CHICAGO_WEEK
    assert all(b["working_hours"] for b in state.branches.values())
    # products: every active goods product with an internal reference; the ones without are dead letters
    goods = store.search_read("product.product", [["type", "in", ["product", "consu"]]], ["default_code"])
    assert set(state.products) == {p["default_code"] for p in goods if p["default_code"]}
    no_code = {p["id"] for p in goods if not p["default_code"]}
    assert no_code and {k for e, k in dead if e == "products"} == {f"product_product id {i}" for i in no_code}
    # SKU qty per branch: exactly Odoo's on-hand per warehouse (branch = warehouse code)
    qty = state.qty()
    wanted = expected_qty(sb)
    assert {k: qty.get(k) for k in wanted} == wanted and sum(wanted.values()) > 0
    # confirmed sale orders, each once; the cancelled ones are not created
    sold = store.search_read("sale.order", [["state", "in", ["sale", "done"]]], ["name"])
    sent = {o["external_id"] for o in state.orders.values() if o.get("source") == "odoo"}
    assert sent == {o["name"] for o in sold} and len(state.orders) >= len(sold)
    # customers and offers: each one in Linkit or a dead letter with its reason, none left out silently
    customers = store.search_read("res.partner", [["customer_rank", ">", 0]], ["email"])
    in_linkit = {str(c["email"]).lower() for c in state.customers.values()}  # Linkit keeps emails lowercase
    lost = [
        c
        for c in customers
        if str(c["email"]).lower() not in in_linkit and ("customers", str(c["id"])) not in dead
    ]
    assert not lost and in_linkit
    # gift cards and eWallets are stored value, not offers (no offer_sources entry): left out by design
    programs = store.search_read(
        "loyalty.program", [["program_type", "not in", ["gift_card", "ewallet"]]], ["id"]
    )
    offered = {f"odoo:loyalty.program:{p['id']}" for p in programs}
    have = {rid for rid in offered if state.offer_by_remote(rid) is not None}
    assert have and offered == have | {k for e, k in dead if e == "loyalty_offers"}


def check_changes_arrived(sb: OdooSandbox, made: dict[str, Any]) -> None:
    store = sb.store

    def by_xid(name: str, model: str, fields: list[str]) -> dict[str, Any]:
        [ref] = store.search_read(
            "ir.model.data", [["module", "=", "odoo_hub"], ["name", "=", name]], ["res_id"]
        )
        [row] = store.read(model, [ref["res_id"]], fields, context=ALL)
        return row

    calendar = by_xid("linkit_branch_WH", "resource.calendar", ["attendance_ids"])
    lines = store.read(
        "resource.calendar.attendance", calendar["attendance_ids"], ["dayofweek", "hour_from", "hour_to"]
    )
    assert sorted((r["dayofweek"], r["hour_from"], r["hour_to"]) for r in lines) == [
        (d, 9.0, 21.0) for d in ("0", "1", "2", "6")
    ]  # Linkit's sunday..wednesday 09:00-21:00
    partner = by_xid(f"linkit_customer_{made['customer']}", "res.partner", ["email"])
    assert partner["email"] == "mona@example.com"
    assert by_xid(f"linkit_offer_{made['offer']}", "loyalty.program", ["active"])["active"] is False
    code, branch = made["sku"].rsplit("_", 1)
    [wh] = store.search_read("stock.warehouse", [["code", "=", branch]], ["lot_stock_id"], context=ALL)
    [product] = store.search("product.product", [["default_code", "=", code]], context=ALL)
    quants = store.search_read(
        "stock.quant",
        [["product_id", "=", product], ["location_id", "=", wh["lot_stock_id"][0]]],
        ["quantity"],
    )
    assert [q["quantity"] for q in quants] == [7.0]
