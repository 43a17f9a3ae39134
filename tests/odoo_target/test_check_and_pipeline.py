"""`odoo-hub check --target odoo` says what would block importing Medusa's orders; and the whole pipe
`tap-medusa | target-odoo` with 10 % faults on both sides ends as it does without any."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sandbox.medusa import serve_medusa
from sandbox.odoo import OdooSandbox

from .conftest import SHIPPING, Odoo
from .procs import ROOT, assert_each_once, run_hub, three_lines

KEY = "medusa-key-for-check"
FAULTS: dict[str, Any] = {"error_rate": 0.07, "drop_rate": 0.03, "error_codes": (429, 503), "retry_after": 0}
TAP = [sys.executable, "-c", "from tap_medusa.tap import main; main()"]


def hub_env(sb: OdooSandbox, medusa_url: str, **extra: str) -> dict[str, str]:
    return {
        "ODOO_URL": sb.url,
        "ODOO_DB": sb.db,
        "ODOO_USERNAME": "admin",
        "ODOO_PASSWORD": "admin",
        "MEDUSA_URL": medusa_url,
        "MEDUSA_API_KEY": KEY,
        **extra,
    }


def test_check_reports_missing_skus_delivery_product_and_currency(
    sb: OdooSandbox, odoo: Odoo, tmp_path: Path
) -> None:
    with serve_medusa(api_key=KEY, port=0) as medusa:
        medusa.state.add_order(
            "o1", display_id=1, items=[{"sku": "FURN_0269", "quantity": 1, "unit_price": 5}]
        )
        medusa.state.add_order(
            "o2", display_id=2, items=[{"sku": "NOT-IN-ODOO", "quantity": 1, "unit_price": 5}]
        )
        args = ["check", "--target", "odoo", "--json", "--quiet"]
        blocked = run_hub(args, hub_env(sb, medusa.url), tmp_path)
        report = json.loads(blocked.stdout)
        codes = {i["code"]: i for i in report["import"]}
        assert blocked.returncode != 0 and report["ok"] is False
        assert codes["SKU_NOT_IN_ODOO"]["examples"] == ["NOT-IN-ODOO"]
        assert codes["NO_DELIVERY_PRODUCT"]["severity"] == "blocking"
        assert "NO_X_MEDUSA_ORDER_ID" in codes  # info: the seed's custom field is absent here
        odoo("product.product", "create", {"name": "New", "default_code": "NOT-IN-ODOO", "type": "product"})
        ready = run_hub(args, hub_env(sb, medusa.url, ODOO_DELIVERY_PRODUCT=SHIPPING), tmp_path)
        report = json.loads(ready.stdout)
        assert [i["code"] for i in report["import"] if i["severity"] == "blocking"] == []
        assert KEY not in ready.stdout + ready.stderr


def test_pipe_with_ten_percent_faults_on_both_sides_ends_as_without(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    n = 120
    with serve_medusa(api_key=KEY, port=0) as medusa:
        for k in range(1, n + 1):
            o = three_lines(k)
            medusa.state.add_order(o["id"], display_id=o["display_id"], email=o["email"], items=o["items"])
        medusa.faults.configure(
            error_rate=0.07, drop_rate=0.03, error_codes=(429, 503), retry_after=0, seed=3
        )
        sb.faults.configure(error_rate=0.07, drop_rate=0.03, error_codes=(429, 503), retry_after=0, seed=4)
        tap_cfg = {"api_url": medusa.url, "api_key": KEY, "page_size": 20, "backoff_factor": 0.01}
        (tmp_path / "tap.json").write_text(json.dumps(tap_cfg))
        (tmp_path / "target.json").write_text(json.dumps(config | {"batch_size": 25}))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        tap = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from tap_medusa.tap import main; main()",
                "--config",
                str(tmp_path / "tap.json"),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        target = subprocess.run(
            [
                sys.executable,
                "-c",
                "from target_odoo.target import cli; cli()",
                "--config",
                str(tmp_path / "target.json"),
            ],
            stdin=tap.stdout,
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert tap.stdout is not None
        tap.stdout.close()
        assert tap.wait(timeout=60) == 0
        assert target.returncode == 0, target.stderr[-3000:]
        assert sum(medusa.faults.injected.values()) > 0 and sb.faults.counts["dropped"] > 0
    sb.faults.configure(error_rate=0.0, drop_rate=0.0)  # read the end state without faults
    state = assert_each_once(odoo, n)
    assert state is not None
