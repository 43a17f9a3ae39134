"""`meltano run medusa-to-odoo` then `meltano run odoo-to-medusa-catalogue` through meltano.yml's plugins and
jobs, between the two sandboxes: every Medusa order becomes one Odoo sale order with the right partner,
lines, prices and reference; Medusa gets `synced` once per order; the second runs write nothing."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sandbox.medusa import serve_medusa
from sandbox.odoo import serve_odoo

ROOT = Path(__file__).resolve().parents[2]
MELTANO = str(Path(sys.executable).with_name("meltano"))
KEY = "sandbox-medusa-key"
SHIP = "MEDUSA-SHIPPING"  # meltano.yml dev: target-odoo's delivery_product
ORDERS = {  # display id -> (email, [(sku, qty, fils)])
    3001: ("mona@example.com", [("FURN_0269", 2, 120500), ("FURN_8888", 1, 40000)]),
    3002: ("Mona@Example.com", [("E-COM11", 1, 140000)]),  # the same customer, other case
    3003: ("saad@example.com", [("FURN_8888", 4, 40000), ("E-COM11", 1, 140000), ("FURN_0269", 1, 120500)]),
}
WRITES = ("create", "write", "unlink", "action_confirm", "action_cancel")


def order_lines(store: Any, ids: list[int]) -> list[tuple[str, float, float]]:
    got = store.read("sale.order.line", ids, ["product_id", "product_uom_qty", "price_unit"])
    products = store.read("product.product", [g["product_id"][0] for g in got], ["default_code"])
    codes = {r["id"]: r["default_code"] for r in products}
    return sorted((codes[g["product_id"][0]], g["product_uom_qty"], g["price_unit"]) for g in got)


def run(env: dict[str, str], *args: str) -> None:
    proc = subprocess.run(
        [MELTANO, "run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=480, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert KEY not in proc.stdout + proc.stderr and "admin" not in proc.stdout


def test_medusa_orders_become_odoo_orders_once_and_are_acknowledged_once(
    meltano_env: dict[str, str], tmp_path: Path
) -> None:
    with serve_odoo(port=0) as odoo, serve_medusa(api_key=KEY, port=0) as medusa:
        store = odoo.store
        store.names[("res.currency", 1)] = "KWD"  # a Kuwaiti company (the recorded demo company is USD)
        store.create("res.country", {"name": "Kuwait", "code": "KW", "phone_code": 965})
        store.create("product.product", {"name": "Shipping", "default_code": SHIP, "type": "service"})
        for display, (email, lines) in ORDERS.items():
            items = [{"sku": s, "quantity": q, "unit_price": p, "title": s} for s, q, p in lines]
            medusa.state.add_order(f"order_{display}", display_id=display, email=email, items=items)
        ledger = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        env = meltano_env | {
            "MELTANO_ENVIRONMENT": "dev",
            "TAP_MEDUSA_API_URL": medusa.url,
            "TAP_MEDUSA_API_KEY": KEY,
            "TARGET_ODOO_URL": odoo.url,
            "TARGET_ODOO_DATABASE": odoo.db,
            "TARGET_ODOO_LEDGER_URL": ledger,
            "TAP_ODOO_URL": odoo.url,
            "TAP_ODOO_DATABASE": odoo.db,
            "TARGET_MEDUSA_API_URL": medusa.url,
            "TARGET_MEDUSA_API_KEY": KEY,
            "TARGET_MEDUSA_LEDGER_URL": ledger,
        }
        run(env, "medusa-to-odoo")
        partners: dict[str, int] = {}
        for display, (_email, lines) in ORDERS.items():
            [so] = store.search_read(
                "sale.order",
                [["client_order_ref", "=", f"MEDUSA-{display}"]],
                ["state", "partner_id", "order_line", "name"],
            )
            assert so["state"] == "sale", so
            [partner] = store.read("res.partner", [so["partner_id"][0]], ["email"])
            email = str(partner["email"]).lower()
            assert partners.setdefault(email, so["partner_id"][0]) == so["partner_id"][0]  # one per email
            expected = sorted([(s, float(q), p / 1000) for s, q, p in lines] + [(SHIP, 1.0, 1.0)])
            assert order_lines(store, so["order_line"]) == expected
        assert len(partners) == 2  # mona (both cases) and saad
        run(env, "odoo-to-medusa-catalogue")
        synced = Counter(r.path for r in medusa.state.requests if r.path.endswith("/synced"))
        assert synced == {f"/odoo/orders/order_{d}/synced": 1 for d in ORDERS}
        assert all(medusa.state.orders[f"order_{d}"]["synced"] for d in ORDERS)
        odoo.calls.reset()
        run(env, "--full-refresh", "medusa-to-odoo")
        run(env, "--full-refresh", "odoo-to-medusa-catalogue")
        assert sum(n for (_m, method), n in odoo.calls.items() if method in WRITES) == 0
        synced_again = Counter(r.path for r in medusa.state.requests if r.path.endswith("/synced"))
        assert synced_again == synced
