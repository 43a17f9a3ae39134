"""Proof for issue 11's Linkit -> Odoo half: hours, customers, stock and offers set in the Linkit sandbox
arrive in the Odoo sandbox once. The real tap-linkit (its own process) reads the Linkit sandbox; its Singer
output goes into target-odoo with `source: linkit` (the stream SCHEMAs checked against the mapping's needs);
the same again changes nothing in Odoo. Streams products and orders are not mapped: read and left alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sandbox.odoo import OdooSandbox

from .conftest import Odoo
from .linkit import fill, linkit_sandbox, writes
from .orders import run_target

ROOT = Path(__file__).resolve().parents[2]
TAP = [sys.executable, "-c", "from tap_linkit.tap import main; main()"]


def tap(api_url: str, token: str, org: str, tmp_path: Path) -> str:
    """tap-linkit's stdout for a full read of every stream."""
    path = tmp_path / "tap.json"
    path.write_text(json.dumps({"api_url": api_url, "api_token": token, "organization_id": org,
                                "backoff_factor": 0.01}))  # fmt: skip
    run = subprocess.run(
        [*TAP, "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_hours_customers_stock_and_offers_set_in_linkit_arrive_in_odoo_once(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    config = {k: v for k, v in config.items() if k != "company_id"} | {"source": "linkit"}
    with linkit_sandbox() as linkit:
        made = fill(linkit)
        state = linkit.sandbox.state
        out = tap(linkit.sandbox.api_url, linkit.sandbox.api_token, state.organization_id, tmp_path)
        streams = {json.loads(line).get("stream") for line in out.splitlines() if line.startswith("{")}
        assert {"branches", "customers", "skus", "offers", "products"} <= streams
        result = run_target(config, out)
        assert result.status == 0
        again = tap(linkit.sandbox.api_url, linkit.sandbox.api_token, state.organization_id, tmp_path)

    def xid(name: str) -> int:
        [row] = odoo("ir.model.data", "search_read", [["module", "=", "odoo_hub"], ["name", "=", name]],
                     fields=["res_id"])  # fmt: skip
        return int(row["res_id"])

    chicago = xid("linkit_branch_CHIC1")
    hours = odoo("resource.calendar.attendance", "search_read", [["calendar_id", "=", chicago]],
                 fields=["dayofweek", "hour_from", "hour_to"])  # fmt: skip
    assert sorted((h["dayofweek"], h["hour_from"], h["hour_to"]) for h in hours) == [
        ("0", 10.0, 22.0), ("4", 14.0, 23.5)
    ]  # fmt: skip
    assert xid("linkit_branch_WH") != chicago
    [ahmed] = odoo(
        "res.partner", "read", [xid(f"linkit_customer_{made['customer']['id']}")], ["email", "name"]
    )
    assert (ahmed["email"], ahmed["name"]) == ("ahmed@example.com", "Ahmed Hassan")
    quants = odoo("stock.quant", "search_read", [["product_id.default_code", "=", "FURN_0269"],
                                                 ["location_id", "=", 8]], fields=["quantity"])  # fmt: skip
    assert [q["quantity"] for q in quants] == [42.0]
    program = xid(f"linkit_offer_{made['offer']['id']}")
    [offer] = odoo("loyalty.program", "read", [program], ["active"], context={"active_test": False})
    assert offer["active"] is False

    sb.calls.reset()  # the whole read again: nothing changes in Odoo
    assert run_target(config, again).status == 0
    assert writes(sb) == 0
    for model, like in (("resource.calendar", "(Linkit hours)"), ("loyalty.program", "(Linkit ")):
        found = odoo(model, "search", [["name", "like", like]], context={"active_test": False})
        assert len(found) == (2 if model == "resource.calendar" else 1)
    assert len(odoo("res.partner", "search", [["email", "=ilike", "ahmed@example.com"]])) == 1
