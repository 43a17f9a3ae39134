"""What `make demo`'s Linkit half checks after each step, as the issue's proof asks: Linkit ends equal to what
Odoo implies (a branch per warehouse with its calendar's hours, every product with an internal reference,
every storable product's qty per branch, every confirmed sale order once, customers and discount programs
each in Linkit or a dead letter with its reason: nothing left out silently), and what a Linkit admin set
arrives in Odoo. A check that fails stops the demo (and so `make test`'s demo test) naming what differs."""

from __future__ import annotations

import math
from typing import Any

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox
from sandbox.odoo import OdooSandbox

ALL = {"active_test": False}
CHICAGO_WEEK = [
    {"WeekDay": day, "OpenHour": 9, "OpenMinute": 0, "CloseHour": 17, "CloseMinute": 0}
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
]


class Mismatch(AssertionError):
    """Linkit or Odoo does not hold what the other implies."""


def expect(ok: object, what: str) -> None:
    if not ok:
        raise Mismatch(f"demo check failed: {what}")


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


def check_linkit_equals_odoo(sb: OdooSandbox, linkit: LinkitSandbox, ledger: Ledger) -> None:
    store, state = sb.store, linkit.state
    dead = {(d.entity, d.key): d.reason for d in ledger.dead_letters("linkit")}
    # branches: every warehouse, Chicago with exactly its calendar's week
    codes = {w["code"] for w in store.search_read("stock.warehouse", [], ["code"], context=ALL)}
    expect(
        set(state.branches) == codes,
        f"Linkit's branches {sorted(state.branches)} are not Odoo's warehouses {sorted(codes)}",
    )
    expect(
        state.branches["CHIC1"]["working_hours"] == CHICAGO_WEEK,
        "branch CHIC1's hours are not its calendar's week (Mon-Fri 09:00-17:00)",
    )
    expect(
        all(b["working_hours"] for b in state.branches.values()),
        "a branch arrived without hours",
    )
    # products: every active goods product with an internal reference; the ones without are dead letters
    # (archived ones too: Linkit holds them disabled)
    goods = store.search_read(
        "product.product", [["type", "in", ["product", "consu"]]], ["default_code"], context=ALL
    )
    expect(
        set(state.products) == {p["default_code"] for p in goods if p["default_code"]},
        "Linkit's products are not Odoo's goods with an internal reference: "
        f"{sorted(set(state.products) ^ {p['default_code'] for p in goods if p['default_code']})[:10]}",
    )
    no_code = {p["id"] for p in goods if not p["default_code"]}
    expect(
        no_code and {k for e, k in dead if e == "products"} == {f"product_product id {i}" for i in no_code},
        "the products without an internal reference are not exactly the product dead letters",
    )
    # SKU qty per branch: exactly Odoo's on-hand per warehouse (branch = warehouse code)
    qty = state.qty()
    wanted = expected_qty(sb)
    expect(
        {k: qty.get(k) for k in wanted} == wanted and sum(wanted.values()) > 0,
        "a SKU's qty in Linkit is not Odoo's on-hand stock in that warehouse",
    )
    # confirmed sale orders, each once; the cancelled ones are not created
    sold = store.search_read("sale.order", [["state", "in", ["sale", "done"]]], ["name"])
    sent = [o["external_id"] for o in state.orders.values() if o.get("source") == "odoo"]
    refused = {k.rsplit(":", 1)[-1] for e, k in dead if e == "sale_orders"}
    names = {o["name"]: o["id"] for o in sold}
    expect(len(sent) == len(set(sent)), "a sale order was created twice in Linkit")
    expect(
        set(sent) | {n for n, i in names.items() if str(i) in refused} == set(names),
        "a confirmed sale order is neither in Linkit nor a dead letter",
    )
    # customers and offers: each one in Linkit or a dead letter with its reason, none left out silently
    customers = store.search_read("res.partner", [["customer_rank", ">", 0]], ["email"])
    in_linkit = {str(c["email"]).lower() for c in state.customers.values()}  # Linkit keeps emails lowercase
    lost = [
        c
        for c in customers
        if str(c["email"]).lower() not in in_linkit and ("customers", str(c["id"])) not in dead
    ]
    expect(not lost and in_linkit, f"customers neither in Linkit nor dead letters: {lost[:5]}")
    # gift cards and eWallets are stored value, not offers (no offer_sources entry): left out by design
    programs = store.search_read(
        "loyalty.program", [["program_type", "not in", ["gift_card", "ewallet"]]], ["id"]
    )
    offered = {f"odoo:loyalty.program:{p['id']}" for p in programs}
    have = {rid for rid in offered if state.offer_by_remote(rid) is not None}
    expect(
        have and offered == have | {k for e, k in dead if e == "loyalty_offers"},
        "a discount program is neither a Linkit offer nor a dead letter",
    )


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
    expect(
        sorted((r["dayofweek"], r["hour_from"], r["hour_to"]) for r in lines)
        == [(d, 9.0, 21.0) for d in ("0", "1", "2", "6")],
        "branch WH's calendar in Odoo does not hold the hours set in Linkit",
    )  # Linkit's sunday..wednesday 09:00-21:00
    partner = by_xid(f"linkit_customer_{made['customer']}", "res.partner", ["email"])
    expect(partner["email"] == "mona@example.com", "the customer created in Linkit is not a partner in Odoo")
    expect(
        by_xid(f"linkit_offer_{made['offer']}", "loyalty.program", ["active"])["active"] is False,
        "the offer pulled from Linkit is not an inactive loyalty program",
    )
    code, branch = made["sku"].rsplit("_", 1)
    [wh] = store.search_read("stock.warehouse", [["code", "=", branch]], ["lot_stock_id"], context=ALL)
    [product] = store.search("product.product", [["default_code", "=", code]], context=ALL)
    quants = store.search_read(
        "stock.quant",
        [["product_id", "=", product], ["location_id", "=", wh["lot_stock_id"][0]]],
        ["quantity"],
    )
    expect(
        [q["quantity"] for q in quants] == [7.0],
        "the shelf counted in Linkit (7) is not Odoo's quantity there",
    )
