"""target-odoo as a real subprocess, a bulk import of Medusa orders of three lines each, and the end state of
such an import read back from Odoo (what the crash, concurrency, fault and secret tests compare)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from .conftest import SHIPPING, Odoo
from .orders import SKUS, order, singer

ROOT = Path(__file__).resolve().parents[2]
TARGET = [sys.executable, "-c", "from target_odoo.target import cli; cli()"]
HUB = [sys.executable, "-c", "from etl.cli import main; main()"]
WRITES = ("create", "write", "unlink", "action_confirm", "action_cancel")


PER_CUSTOMER = 10  # orders of one customer, one after the other


def customer_of(k: int) -> int:
    """The customer of order k: `cus_<c>`, buyer<c>@example.com (repeat customers, 10 orders each)."""
    return (k - 1) // PER_CUSTOMER + 1


def three_lines(k: int) -> dict[str, Any]:
    """Medusa order `order_<k>` (MEDUSA-<1000 + k>) of customer `customer_of(k)`, with one line per demo
    SKU, plus 1.000 KWD shipping."""
    items = [
        {
            "id": f"li_{k}_{j}",
            "title": f"Item {j}",
            "quantity": j + 1,
            "unit_price": 1000 * (j + 1),
            "sku": sku,
        }
        for j, sku in enumerate(SKUS)
    ]
    rec = order(customer_of(k), items=items)
    rec.update(id=f"order_{k}", display_id=1000 + k)
    return rec


def bulk_input(n: int) -> str:
    return singer([three_lines(k) for k in range(1, n + 1)])


def expected_lines() -> list[tuple[str, float, float]]:
    """(default_code, quantity, unit price) of every line of a `three_lines` order."""
    lines = [(sku, float(j + 1), float(j + 1)) for j, sku in enumerate(SKUS)]
    return sorted([*lines, (SHIPPING, 1.0, 1.0)])


def write_config(config: dict[str, Any], tmp_path: Path, name: str = "config.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(config))
    return path


def start_target(
    config: dict[str, Any], tmp_path: Path, name: str = "config.json", env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """`target-odoo --config <file>` as its own process (``env`` added), Singer messages on stdin."""
    path = write_config(config, tmp_path, name)
    return subprocess.Popen(
        [*TARGET, "--config", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        cwd=tmp_path,
    )


def run_hub(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`odoo-hub <args>` as its own process with ``env`` added to this one's environment."""
    return subprocess.run(
        [*HUB, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def medusa_orders(odoo: Odoo) -> list[dict[str, Any]]:
    """Every sale order with a MEDUSA- reference (the recorded demo orders have none)."""
    return odoo(
        "sale.order",
        "search_read",
        [["client_order_ref", "=like", "MEDUSA-%"]],
        fields=["client_order_ref", "state", "partner_id", "order_line"],
    )


def end_state(odoo: Odoo) -> dict[str, Any]:
    """What an import left in Odoo, comparable between two databases: per reference how many orders carry it,
    their states, their lines (product code, quantity, price), the customer's email; lines and partners
    counted; the external ids target-odoo keeps."""
    orders = medusa_orders(odoo)
    refs = Counter(str(o["client_order_ref"]) for o in orders)
    rows = odoo(
        "sale.order.line",
        "search_read",
        [["order_id", "in", [o["id"] for o in orders]]],
        fields=["order_id", "product_id", "product_uom_qty", "price_unit"],
    )
    codes = {
        p["id"]: p["default_code"]
        for p in odoo(
            "product.product",
            "search_read",
            [["id", "in", sorted({r["product_id"][0] for r in rows})]],
            fields=["default_code"],
            context={"active_test": False},
        )
    }
    lines: dict[int, list[tuple[str, float, float]]] = {}
    for r in rows:
        lines.setdefault(r["order_id"][0], []).append(
            (codes[r["product_id"][0]], r["product_uom_qty"], r["price_unit"])
        )
    partners = {
        p["id"]: str(p["email"] or "").lower()
        for p in odoo(
            "res.partner",
            "search_read",
            [["email", "=ilike", "buyer%@example.com"]],
            fields=["email"],
            context={"active_test": False},
        )
    }
    xids = odoo(
        "ir.model.data",
        "search_read",
        [["module", "=", "odoo_hub"], ["model", "=", "sale.order"]],
        fields=["name", "res_id"],
    )
    by_id = {o["id"]: o for o in orders}
    return {
        "refs": refs,
        "orders": {
            str(o["client_order_ref"]): (
                o["state"],
                sorted(lines.get(o["id"], [])),
                partners.get(o["partner_id"][0], "?"),
            )
            for o in orders
        },
        "lines": len(rows),
        "partners": Counter(partners.values()),
        "xids": {
            str(x["name"]): str(by_id[x["res_id"]]["client_order_ref"]) if x["res_id"] in by_id else None
            for x in xids
        },
    }


def assert_each_once(odoo: Odoo, n: int) -> dict[str, Any]:
    """Orders 1..n each exist exactly once in Odoo, confirmed, with their 3 lines + shipping once each, for
    their customer's partner; no customer made twice; one external id per order, pointing at it."""
    state = end_state(odoo)
    wanted = {f"MEDUSA-{1000 + k}" for k in range(1, n + 1)}
    doubled = {ref: c for ref, c in state["refs"].items() if c != 1}
    assert not doubled, f"{len(doubled)} references not exactly once, e.g. {sorted(doubled.items())[:5]}"
    assert set(state["refs"]) == wanted, f"missing {sorted(wanted - set(state['refs']))[:5]}"
    lines = expected_lines()
    wrong = {
        ref: got
        for ref, got in state["orders"].items()
        if got[0] != "sale"
        or got[1] != lines
        or got[2] != f"buyer{customer_of(int(ref[7:]) - 1000)}@example.com"
    }
    assert not wrong, f"{len(wrong)} orders not as expected, e.g. {sorted(wrong.items())[:3]}"
    assert state["lines"] == 4 * n
    twice = sorted(email for email, count in state["partners"].items() if count > 1)
    assert not twice, f"{len(twice)} customers made twice or more, e.g. {twice[:5]}"
    assert state["xids"] == {f"medusa_order_order_{k}": f"MEDUSA-{1000 + k}" for k in range(1, n + 1)}
    return state


def writes(calls: Counter[tuple[str, str]]) -> int:
    return sum(n for (_model, method), n in calls.items() if method in WRITES)


def lines_of(odoo: Odoo, order_id: int) -> list[tuple[str, float, float]]:
    """(default_code, quantity, unit price) of an order's lines, sorted."""
    rows = odoo(
        "sale.order.line",
        "search_read",
        [["order_id", "=", order_id]],
        fields=["product_id", "product_uom_qty", "price_unit"],
    )
    ids = [r["product_id"][0] for r in rows]
    codes = {
        p["id"]: p["default_code"] for p in odoo("product.product", "read", ids, fields=["default_code"])
    }
    return sorted((codes[r["product_id"][0]], r["product_uom_qty"], r["price_unit"]) for r in rows)
