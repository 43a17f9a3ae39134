"""`make demo`: the flows between the loopback sandboxes, each run twice by meltano.

1. Start the Odoo sandbox (the real Odoo 17 recordings plus generated products) and the Medusa sandbox.
2. Mark two sale orders as storefront orders (`client_order_ref = MEDUSA-<id>`), one shipped and paid, one
   cancelled, so order progress has something to report.
3. Three new storefront orders wait in Medusa; `meltano run medusa-to-odoo` (tap-medusa -> target-odoo)
   makes them Odoo sale orders (confirmed, with their customers as partners).
4. `meltano run odoo-to-medusa`: catalogue, stock and order progress reach Medusa, and the imported orders
   are acknowledged (`POST /odoo/orders/{id}/synced`) with their status events.
5. Both again with `--full-refresh` (the taps re-read everything): the ledger's payload hashes stop every
   unchanged record, so neither Medusa nor Odoo sees a write.
6. The Linkit side (sandbox/demo_linkit.py): odoo-to-linkit and odoo-to-linkit-stock fill a Linkit sandbox,
   a Linkit admin's changes come back with linkit-to-odoo, and everything again writes nothing.
7. `--job odoo-to-jsonl` runs the inspection job instead and prints counts and samples from `output/`.

Each demo starts fresh sandboxes, a fresh Meltano system database and a fresh ledger under `output/`.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sandbox.demo_linkit import TOKEN as LINKIT_TOKEN
from sandbox.demo_linkit import linkit_env, run_linkit_demo
from sandbox.linkit import serve_linkit
from sandbox.medusa import MedusaSandbox, serve_medusa
from sandbox.odoo import OdooSandbox, serve_odoo

ROOT = Path(__file__).resolve().parent.parent
ODOO_WRITES = ("create", "write", "unlink", "action_confirm", "action_cancel")
MEDUSA_KEY = "sandbox-medusa-key"
JSONL_MODELS = ["res.partner", "product.product", "product.category", "stock.warehouse", "sale.order"]
SAMPLE_FIELDS = [
    "id",
    "default_code",
    "name",
    "list_price",
    "categ_id",
    "state",
    "partner_id",
    "amount_total",
]


def meltano(*args: str, env: dict[str, str]) -> None:
    """Run one meltano command in the project, failing the demo loudly if it fails."""
    exe = Path(sys.executable).with_name("meltano")
    print(f"\n$ meltano {' '.join(args)}", flush=True)
    proc = subprocess.run([str(exe), *args], cwd=ROOT, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"demo: `meltano {' '.join(args)}` failed with exit code {proc.returncode}")


def install_plugins(env: dict[str, str]) -> None:
    """`meltano install`, one process at a time (the suite runs the demo beside other meltano tests)."""
    (ROOT / ".meltano").mkdir(exist_ok=True)
    with open(ROOT / ".meltano" / "install.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        meltano("install", env=env)


def demo_env(odoo: OdooSandbox, medusa: MedusaSandbox, out: Path) -> dict[str, str]:
    """Environment that points the dev environment's plugins at these sandboxes and at output/."""
    return dict(
        os.environ,
        MELTANO_ENVIRONMENT="dev",
        MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
        MELTANO_DATABASE_URI=f"sqlite:///{out / 'meltano.db'}",
        TAP_ODOO_URL=odoo.url,
        TAP_ODOO_DATABASE=odoo.db,
        TARGET_MEDUSA_API_URL=medusa.url,
        TARGET_MEDUSA_API_KEY=MEDUSA_KEY,
        TARGET_MEDUSA_ODOO_BASE_URL=odoo.url,
        TARGET_MEDUSA_LEDGER_URL=f"sqlite:///{out / 'ledger.sqlite'}",
        TAP_MEDUSA_API_URL=medusa.url,
        TAP_MEDUSA_API_KEY=MEDUSA_KEY,
        TAP_MEDUSA_START_DATE="2026-01-01T00:00:00Z",
        TARGET_ODOO_URL=odoo.url,
        TARGET_ODOO_DATABASE=odoo.db,
        TARGET_ODOO_LEDGER_URL=f"sqlite:///{out / 'ledger.sqlite'}",
        TARGET_JSONL_DESTINATION_PATH=str(out),
    )


def mark_storefront_orders(odoo: OdooSandbox, medusa: MedusaSandbox) -> None:
    """Two orders that came from Medusa, as the seed's Odoo addon records them, and their progress in Odoo."""
    store = odoo.store
    # imported into Odoo long ago by the seed's addon: created before tap-medusa's start_date
    medusa.state.add_order("order_DEMO_1", display_id=1001, created_at="2025-12-01T10:00:00.000Z")
    medusa.state.add_order("order_DEMO_2", display_id=1002, created_at="2025-12-02T10:00:00.000Z")
    shipped = store.search_read("stock.picking", [["sale_id", "!=", False]], ["sale_id"], limit=1)[0]
    order_id, order_name = shipped["sale_id"]
    store.write("sale.order", [order_id], {"client_order_ref": "MEDUSA-order_DEMO_1"})
    store.write("stock.picking", [shipped["id"]], {"state": "done", "date_done": "2026-11-22 15:00:00"})
    invoice = store.search_read(
        "account.move", [["move_type", "=", "out_invoice"], ["state", "=", "posted"]], ["id"], limit=1
    )
    store.write("account.move", [invoice[0]["id"]], {"invoice_origin": order_name, "payment_state": "paid"})
    other = store.search_read("sale.order", [["state", "=", "sale"], ["id", "!=", order_id]], ["id"], limit=1)
    store.write(
        "sale.order", [other[0]["id"]], {"client_order_ref": "MEDUSA-order_DEMO_2", "state": "cancel"}
    )


SHOP_ORDERS = [  # (display id, email, [(SKU of the recorded Odoo products, quantity, unit price in fils)])
    (2001, "noura@example.com", [("FURN_0269", 2, 120500), ("FURN_8888", 1, 40000)]),
    (2002, "Fahad@Example.com", [("E-COM11", 1, 140000)]),
    (2003, "noura@example.com", [("FURN_8888", 3, 40000)]),
]
DELIVERY_PRODUCT = "MEDUSA-SHIPPING"  # target-odoo's delivery_product in meltano.yml's dev environment


def prepare_import(odoo: OdooSandbox, medusa: MedusaSandbox) -> None:
    """Storefront orders in Medusa, and an Odoo ready for them: a Kuwaiti company (KWD), Kuwait among the
    countries (the recordings hold the first 50 of Odoo's), a delivery product for the shipping line."""
    odoo.store.names[("res.currency", 1)] = "KWD"
    odoo.store.create("res.country", {"name": "Kuwait", "code": "KW", "phone_code": 965})
    odoo.store.create(
        "product.product", {"name": "Shipping", "default_code": DELIVERY_PRODUCT, "type": "service"}
    )
    for display, email, lines in SHOP_ORDERS:
        items = [
            {"sku": sku, "quantity": qty, "unit_price": price, "title": sku} for sku, qty, price in lines
        ]
        medusa.state.add_order(f"order_SHOP_{display}", display_id=display, email=email, items=items)


def show_odoo_orders(odoo: OdooSandbox) -> None:
    rows = odoo.store.search_read(
        "sale.order",
        [["client_order_ref", "=like", "MEDUSA-2%"]],
        ["name", "client_order_ref", "partner_id", "state", "amount_total"],
    )
    print("\nStorefront orders in Odoo (sale.order):")
    for row in rows:
        partner = row["partner_id"][1] if row.get("partner_id") else "-"
        ref, total = row["client_order_ref"], row["amount_total"]
        print(f"  {row['name']:<8} {ref:<12} {row['state']:<6} {total:>10.3f} KWD  {partner}")


def show_acknowledged(medusa: MedusaSandbox) -> None:
    print("\nThe storefront orders in Medusa now:")
    for display, _email, _lines in SHOP_ORDERS:
        order = medusa.state.orders[f"order_SHOP_{display}"]
        events = medusa.state.events_for(f"order_SHOP_{display}")
        synced, odoo_id = order.get("synced"), order.get("odoo_order_id")
        print(f"  {display}  synced={synced}  odoo_order_id={odoo_id}  events={events}")


def show_medusa(medusa: MedusaSandbox, title: str) -> dict[str, Any]:
    """Print what the Medusa sandbox holds now, with a few sample products."""
    summary = medusa.state.summary()
    print(f"\n{title}")
    print(f"  products           {summary['products']}")
    print(f"  SKUs in stock      {summary['skus_in_stock']}   ({summary['stock_units']} units)")
    print(f"  order events       {json.dumps(summary['order_events'])}")
    print(f"  writes so far      {sum(summary['writes'].values())}   {json.dumps(summary['writes'])}")
    return summary


def show_samples(medusa: MedusaSandbox, count: int = 3) -> None:
    with medusa.state.lock:
        products = list(medusa.state.products.values())[:count]
        stock = medusa.state.stock()
    print("\nSample products in Medusa (prices in fils, weight in g):")
    for product in products:
        brief = {k: product.get(k) for k in ("sku", "title", "price", "weight", "category_handle")}
        brief["stock"] = stock.get(str(product.get("sku")))
        print("  " + json.dumps(brief, ensure_ascii=False, default=str)[:240])


def run_medusa_demo(products: int, out: Path, install: bool = True) -> None:
    with serve_odoo(products=products) as odoo, serve_medusa(api_key=MEDUSA_KEY) as medusa:
        print(f"Odoo sandbox   {odoo.url}  (database {odoo.db}, recordings + {products} generated products)")
        print(f"Medusa sandbox {medusa.url}")
        mark_storefront_orders(odoo, medusa)
        prepare_import(odoo, medusa)
        env = demo_env(odoo, medusa, out)
        if install:
            install_plugins(env)
        meltano("run", "medusa-to-odoo", env=env)
        show_odoo_orders(odoo)
        meltano("run", "odoo-to-medusa", env=env)
        first = show_medusa(medusa, "Medusa after the first run:")
        show_samples(medusa)
        show_acknowledged(medusa)
        odoo.calls.reset()
        meltano("run", "--full-refresh", "medusa-to-odoo", env=env)
        meltano("run", "--full-refresh", "odoo-to-medusa", env=env)
        second = show_medusa(medusa, "Medusa after re-running with everything re-read (--full-refresh):")
        resent = sum(second["writes"].values()) - sum(first["writes"].values())
        odoo_writes = sum(n for (_m, method), n in odoo.calls.items() if method in ODOO_WRITES)
        print(
            f"\nUnchanged records re-sent on the second runs: {resent} to Medusa, {odoo_writes} Odoo writes"
        )
        if resent or odoo_writes:
            raise SystemExit("demo: the second runs re-sent unchanged records")
        ledger = f"sqlite:///{out / 'ledger.sqlite'}"
        with serve_linkit(api_token=LINKIT_TOKEN, port=0) as linkit:
            print(f"\nLinkit sandbox {linkit.api_url}")
            run_linkit_demo(odoo, linkit, meltano, env | linkit_env(linkit, ledger), ledger)
        print("\nThe runs in the sync ledger (odoo-hub history):", flush=True)
        subprocess.run(
            [str(Path(sys.executable).with_name("odoo-hub")), "history", "--ledger", ledger], check=True
        )


def run_jsonl_demo(products: int, out: Path, install: bool = True) -> None:
    with serve_odoo(products=products) as odoo, serve_medusa(api_key=MEDUSA_KEY) as medusa:
        env = demo_env(odoo, medusa, out) | {"TAP_ODOO_MODELS": json.dumps(JSONL_MODELS)}
        if install:
            install_plugins(env)
        meltano("run", "odoo-to-jsonl", env=env)
    print(f"\nWhat arrived in {out}/ (target-jsonl):")
    for path in sorted(out.glob("*.jsonl")):
        lines = path.read_text().splitlines()
        print(f"  {path.stem:<28} {len(lines):>8}")
        for line in lines[:2]:
            record = json.loads(line)
            brief = {k: record[k] for k in SAMPLE_FIELDS if k in record}
            print("      " + json.dumps(brief, ensure_ascii=False, default=str)[:200])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--products", type=int, default=2000, help="generated products on top of the recordings"
    )
    parser.add_argument("--job", choices=["odoo-to-medusa", "odoo-to-jsonl"], default="odoo-to-medusa")
    parser.add_argument(
        "--output", type=Path, default=ROOT / "output", help="folder for ledger, state, files"
    )
    parser.add_argument(
        "--no-install",
        action="store_true",
        help="skip `meltano install` (the plugins are installed in $MELTANO_SYS_DIR_ROOT; the tests do this)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    out = args.output.resolve()
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if args.job == "odoo-to-medusa":
        run_medusa_demo(args.products, out, install=not args.no_install)
    else:
        run_jsonl_demo(args.products, out, install=not args.no_install)
    print(f"\nDemo done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
