"""meltano.yml's odoo-to-linkit and odoo-to-linkit-offers extractors, run for real: `tap-odoo` (with each
extractor's config: models, field lists, full reads, deletions) against the recorded Odoo 17 sandbox, piped
into `target-linkit` against the Linkit sandbox: branches, catalogue, customers and orders in one run, then
offers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox
from sandbox.odoo import OdooSandbox

from .helpers import TOKEN

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
JOBS = ["tap-odoo-linkit", "tap-odoo-linkit-offers"]  # the odoo-to-linkit job, then odoo-to-linkit-offers


def extractor(name: str) -> dict[str, Any]:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    return dict(next(e for e in project["plugins"]["extractors"] if e["name"] == name)["config"])


def run_task(
    name: str, odoo: OdooSandbox, target_config: Path, work: Path
) -> subprocess.CompletedProcess[str]:
    tap_config = work / f"{name}.json"
    admin = odoo.users["admin"]
    config = {"url": odoo.url, "database": odoo.db, "username": "admin", "password": admin["password"]}
    tap_config.write_text(json.dumps({**config, **extractor(name)}))
    tap = subprocess.Popen(
        [str(BIN / "tap-odoo"), "--config", str(tap_config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    done = subprocess.run(
        [str(BIN / "target-linkit"), "--config", str(target_config)],
        stdin=tap.stdout,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert tap.stdout is not None and tap.stderr is not None
    tap.stdout.close()
    tap_err = tap.stderr.read().decode()[-2000:]
    assert tap.wait() == 0, tap_err
    return done


def test_the_odoo_to_linkit_job_against_both_sandboxes(
    odoo_sandbox: OdooSandbox, linkit: LinkitSandbox, tmp_path: Path
) -> None:
    target_config = tmp_path / "target.json"
    ledger = f"sqlite:///{tmp_path}/ledger.sqlite"
    settings = {"phone_country_code": "+1"}
    target_config.write_text(
        json.dumps({"api_url": linkit.api_url, "api_token": TOKEN, "ledger_url": ledger, **settings})
    )
    for name in JOBS:
        done = run_task(name, odoo_sandbox, target_config, tmp_path)
        assert done.returncode == 0, (name, done.stderr[-3000:])
    state = linkit.state
    # branches: WH with the company calendar's hours; Chicago's calendar lines are not all recorded
    assert state.branches["WH"]["working_hours"][0] == {
        "WeekDay": "Monday",
        "OpenHour": 8,
        "OpenMinute": 0,
        "CloseHour": 12,
        "CloseMinute": 0,
    }
    assert len(state.customers) == 3
    sale = state.order_by_external("odoo", "S00004")
    assert sale is not None and sale["_destination_reference"] == "WH"
    reasons = {(d.entity, d.key): d.reason for d in Ledger(ledger).dead_letters("linkit")}
    assert {o["source"] for o in state.orders.values()} == {"odoo"}
    # the Odoo sandbox answers null for pos.order's related, non-stored picking_type_id and currency_id (its
    # recordings hold stored fields only): POS orders are dead letters naming what is missing, none sent half
    assert "its picking_type_id is empty" in reasons[("pos_orders", "odoo:pos.order:1")]
    assert state.offer_by_remote("odoo:loyalty.program:2") is not None
    assert ("branches", "CHIC1") in reasons
    # the rest: two products without internal reference, two programs that give free products
    assert sorted(e for e, _ in reasons) == [
        "branches",
        *["loyalty_offers"] * 2,
        *["pos_orders"] * 4,
        "products",
        "products",
    ]
