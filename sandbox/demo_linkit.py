"""`make demo`'s Linkit half: Odoo -> Linkit, a Linkit admin's changes, Linkit -> Odoo, then all again.

1. `meltano run odoo-to-linkit odoo-to-linkit-stock odoo-to-linkit-offers`: branches (warehouses, with
   hours), the catalogue, customers and orders, the SKU qty per branch, then the offers reach the Linkit
   sandbox.
2. In Linkit, as its admin would: new hours for branch WH, a new customer, a shelf counted (qty 7) and an
   offer; `meltano run linkit-to-odoo` brings them into Odoo: the branch's calendar, a partner, an inventory
   adjustment, an inactive loyalty program waiting for review. What target-linkit sent itself and comes back
   unchanged (every other SKU) changes nothing in Odoo.

Each step is checked (sandbox/demo_linkit_checks.py): Linkit ends equal to what Odoo implies, the admin's
changes are in Odoo; the Odoo -> Linkit jobs again with `--full-refresh` write nothing to Linkit, and the
pull again writes nothing to Odoo.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import requests

from etl.ledger import Ledger
from sandbox.demo_linkit_checks import check_changes_arrived, check_linkit_equals_odoo
from sandbox.linkit import LinkitSandbox
from sandbox.odoo import OdooSandbox

TOKEN = "sandbox-linkit-token"  # noqa: S105 (the sandbox's demo token) - target-linkit's and tap-linkit's api_token in meltano.yml's dev environment
OUTBOUND = ("odoo-to-linkit", "odoo-to-linkit-stock", "odoo-to-linkit-offers")
INBOUND = ("linkit-to-odoo",)
ODOO_WRITES = ("create", "write", "unlink", "action_apply_inventory")
WH_HOURS = {day: {"open": "09:00", "close": "21:00"} for day in ("sunday", "monday", "tuesday", "wednesday")}


def linkit_env(linkit: LinkitSandbox, ledger_url: str) -> dict[str, str]:
    """The dev environment's Linkit plugins pointed at this sandbox and at the demo's one ledger."""
    return {
        "TARGET_LINKIT_API_URL": linkit.api_url,
        "TARGET_LINKIT_API_TOKEN": TOKEN,
        "TARGET_LINKIT_LEDGER_URL": ledger_url,
        "TARGET_LINKIT_ORGANIZATION_ID": linkit.state.organization_id,
        "TARGET_LINKIT_PHONE_COUNTRY_CODE": "+1",  # the recorded demo partners have US numbers
        "TAP_LINKIT_API_URL": linkit.api_url,
        "TAP_LINKIT_API_TOKEN": TOKEN,
        "TAP_LINKIT_ORGANIZATION_ID": linkit.state.organization_id,
    }


def prepare_odoo(odoo: OdooSandbox) -> None:
    """The recordings hold the first 50 calendar lines only, so the Chicago company's calendar (4) misses
    its last ones: give it a whole week, as its admin would (a branch goes only with its whole calendar)."""
    week = [
        [
            0,
            0,
            {
                "name": f"day {d}",
                "dayofweek": str(d),
                "hour_from": 9.0,
                "hour_to": 17.0,
                "day_period": "morning",
            },
        ]
        for d in range(5)
    ]
    odoo.store.write("resource.calendar", [4], {"attendance_ids": [[5, 0, 0], *week]})


def show_linkit(linkit: LinkitSandbox, title: str) -> dict[str, Any]:
    summary = linkit.state.summary()
    print(f"\n{title}")
    for name in ("branches", "products", "skus", "orders", "customers", "offers"):
        print(f"  {name:<18} {summary[name]}")
    print(f"  writes so far      {sum(summary['writes'].values())}   {json.dumps(summary['writes'])}")
    with linkit.state.lock:
        hours = {k: b.get("working_hours") for k, b in list(linkit.state.branches.items())[:2]}
    print("  hours of two branches " + json.dumps(hours, default=str)[:240])
    return summary


def admin_changes(linkit: LinkitSandbox) -> dict[str, Any]:
    """What a Linkit admin does in the dashboard, through Linkit's own /api/v1."""
    http = requests.Session()
    http.headers.update(
        {"Authorization": f"Bearer {TOKEN}", "X-Organization-ID": linkit.state.organization_id}
    )

    def call(method: str, path: str, body: Any) -> Any:
        answer = http.request(method, linkit.api_url + path, json=body, timeout=30)
        answer.raise_for_status()
        return answer.json()

    call(
        "POST", "/branches/bulk", {"mode": "update", "branches": [{"iv_id": "WH", "working_hours": WH_HOURS}]}
    )
    with linkit.state.lock:
        sku = next(s for s in linkit.state.skus.values() if s["branch_iv_id"] == "WH" and s["qty"] > 7)
    call("POST", "/skus/bulk", {"mode": "update", "skus": [{**{k: sku[k] for k in ("iv_id", "product_iv_id",
                                "branch_iv_id")}, "qty": 7}]})  # fmt: skip
    customer = call("POST", "/customers", {"first_name": "Mona", "last_name": "Saleh",
                                           "email": "mona@example.com", "phone": "+96555512345"})  # fmt: skip
    offer = call("POST", "/offers", {
        "name": "Linkit weekend 10%", "offer_type": "direct_discount", "status": "active",
        "target_scope": "order", "discount_type": "percentage", "discount_value": 10,
        "start_at": "2026-12-01T00:00:00Z", "end_at": "2026-12-31T23:59:59Z",
    })  # fmt: skip
    return {"sku": sku["iv_id"], "customer": customer["data"]["id"], "offer": offer["data"]["id"]}


def show_odoo_side(odoo: OdooSandbox, made: dict[str, Any]) -> None:
    store, ctx = odoo.store, {"active_test": False}
    print("\nWhat the Linkit admin changed, now in Odoo:")
    for model, name, fields in (
        ("resource.calendar", "linkit_branch_WH", ["name", "attendance_ids"]),
        ("res.partner", f"linkit_customer_{made['customer']}", ["name", "email"]),
        ("loyalty.program", f"linkit_offer_{made['offer']}", ["name", "active"]),
    ):
        ids = store.search("ir.model.data", [["module", "=", "odoo_hub"], ["name", "=", name]], context=ctx)
        rows = store.read("ir.model.data", ids, ["res_id"]) if ids else []
        found = store.read(model, [rows[0]["res_id"]], fields, context=ctx) if rows else []
        brief = {k: (len(v) if k == "attendance_ids" else v) for k, v in (found[0] if found else {}).items()}
        print(f"  {model:<18} {json.dumps(brief, default=str)[:150] if found else 'MISSING'}")
    product_code, branch = made["sku"].rsplit("_", 1)
    [wh] = store.search_read("stock.warehouse", [["code", "=", branch]], ["lot_stock_id"], context=ctx)
    [product] = store.search("product.product", [["default_code", "=", product_code]], context=ctx)
    quants = store.search_read(
        "stock.quant",
        [["product_id", "=", product], ["location_id", "=", wh["lot_stock_id"][0]]],
        ["quantity"],
    )
    print(f"  {'stock.quant':<18} {product_code} at {branch}: {[q['quantity'] for q in quants]}")


def run_linkit_demo(
    odoo: OdooSandbox,
    linkit: LinkitSandbox,
    meltano: Callable[..., None],
    env: dict[str, str],
    ledger_url: str,
) -> None:
    prepare_odoo(odoo)
    meltano("run", *OUTBOUND, env=env)
    show_linkit(linkit, "Linkit after the first run:")
    check_linkit_equals_odoo(odoo, linkit, Ledger(ledger_url))
    print("  checked: Linkit holds what Odoo implies (what it cannot take is a dead letter with its reason)")
    before = sum(linkit.state.summary()["writes"].values())
    meltano("run", "--full-refresh", *OUTBOUND, env=env)
    resent = sum(linkit.state.summary()["writes"].values()) - before
    made = admin_changes(linkit)
    odoo.calls.reset()
    meltano("run", *INBOUND, env=env)
    show_odoo_side(odoo, made)
    check_changes_arrived(odoo, made)
    writes = sum(n for (_m, method), n in odoo.calls.items() if method in ODOO_WRITES)
    print(f"  Odoo writes for it: {writes}")
    odoo.calls.reset()
    meltano("run", "--full-refresh", *INBOUND, env=env)
    odoo_writes = sum(n for (_m, method), n in odoo.calls.items() if method in ODOO_WRITES)
    print(f"\nLinkit: unchanged records re-sent on the second runs: {resent} to Linkit, "
          f"{odoo_writes} Odoo writes")  # fmt: skip
    if resent or odoo_writes:
        raise SystemExit("demo: the second Linkit runs re-sent unchanged records")
