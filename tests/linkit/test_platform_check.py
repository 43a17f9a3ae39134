"""`odoo-hub check --target linkit`: Linkit's health and token (/auth/credentials), then readiness against
Odoo and Linkit's branches. The real CLI in a subprocess against the Linkit sandbox and the Odoo sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from etl.cli import main
from sandbox.linkit import LinkitSandbox
from sandbox.odoo import OdooSandbox, serve_odoo
from tap_odoo.client import OdooClient
from target_linkit.platform import PLATFORM

from .helpers import TOKEN

ROOT = Path(__file__).resolve().parents[2]
ODOO_HUB = str(Path(sys.executable).with_name("odoo-hub"))
ALLOWED_ON_A_GOOD_SETUP = {
    "missing_sku",
    "no_tax_mapping",
    "no_category_mapping",
}  # what the recordings carry


def hub_env(odoo: OdooSandbox, linkit: LinkitSandbox, tmp_path: Path, **linkit_vars: str) -> dict[str, str]:
    """odoo-hub's environment: the two sandboxes, a ledger of this test; LINKIT_* from ``linkit_vars``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ODOO_", "LINKIT_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        ODOO_URL=odoo.url,
        ODOO_DB=odoo.db,
        ODOO_USERNAME="admin",
        ODOO_PASSWORD="admin",
        ODOO_HUB_LEDGER_URL=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
        LINKIT_API_URL=linkit.api_url,
        LINKIT_API_TOKEN=TOKEN,
    )
    env.update({f"LINKIT_{k.upper()}": v for k, v in linkit_vars.items()})
    return env


def odoo_hub(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any], subprocess.CompletedProcess[str]]:
    """Run `odoo-hub <args> --target linkit --json -q`: exit code, the JSON answer, the process."""
    proc = subprocess.run(
        [ODOO_HUB, *args, "--target", "linkit", "--json", "-q"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout or "{}"), proc


def codes(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {issue["code"]: issue for issue in report["readiness"]["issues"]}


def test_check_passes_on_a_good_setup(
    odoo_sandbox: OdooSandbox, linkit: LinkitSandbox, tmp_path: Path
) -> None:
    """Odoo's warehouses WH and CHIC1; Linkit has branches WH and SHOP, so CHIC1 is mapped to SHOP."""
    env = hub_env(odoo_sandbox, linkit, tmp_path, branches='{"CHIC1": "SHOP"}')
    code, report, proc = odoo_hub(env, "check")
    assert code == 0, proc.stdout + proc.stderr
    assert report["ok"] is True and report["readiness"]["blocking"] is False
    assert report["platform"]["success"] is True
    assert report["platform"]["billing"] == "active" and report["platform"]["health"].startswith("healthy")
    assert set(codes(report)) <= ALLOWED_ON_A_GOOD_SETUP, codes(report)
    assert [r.path for r in linkit.state.requests[1:3]] == ["/api/v1/health", "/api/v1/auth/credentials"]
    text = subprocess.run(
        [ODOO_HUB, "check", "--target", "linkit", "-q"], env=env, capture_output=True, text=True, check=False
    ).stdout
    assert text.startswith("Linkit connection: OK") and "Odoo connection: OK" in text, text


def test_check_names_each_readiness_problem(linkit: LinkitSandbox, tmp_path: Path) -> None:
    """A duplicate internal reference, a product without one, a warehouse without a code, a warehouse whose
    branch Linkit lacks, one left out by LINKIT_BRANCHES, and a LINKIT_BRANCHES key Odoo does not have."""
    with serve_odoo(products=0) as odoo:  # its own Odoo: this test writes to it
        client = OdooClient.from_config(
            {"url": odoo.url, "database": odoo.db, "username": "admin", "password": "admin"}
        )

        def create(model: str, values: dict[str, Any]) -> int:
            return int(client.execute_kw(model, "create", [values]))

        twin = create("product.product", {"name": "Twin", "default_code": "E-COM07", "type": "product"})
        bare = create("product.product", {"name": "No reference chair", "type": "product", "sale_ok": True})
        create("stock.warehouse", {"name": "Dubai", "code": "DXB"})
        # real Odoo 17 requires a warehouse code (fields_get: required); the sandbox takes one without, as a
        # database migrated or written by SQL may hold
        create("stock.warehouse", {"name": "Codeless"})
        env = hub_env(odoo, linkit, tmp_path, branches='{"CHIC1": null, "GONE": "SHOP"}')
        code, report, proc = odoo_hub(env, "check")
    assert code == 1, proc.stdout + proc.stderr
    assert report["ok"] is False and report["readiness"]["blocking"] is True
    found = codes(report)
    assert found["duplicate_sku"]["severity"] == "blocking"
    assert any(f"E-COM07 (product ids 17, {twin})" == e for e in found["duplicate_sku"]["examples"]), found
    assert f"No reference chair (id {bare})" in found["missing_sku"]["examples"]
    assert found["warehouse_without_branch"]["examples"] == ["<no code> (Codeless, id 4)"]
    assert found["branch_not_in_linkit"]["severity"] == "blocking"
    assert found["branch_not_in_linkit"]["examples"] == ["DXB (Dubai, id 3) -> branch DXB"]
    assert found["unknown_warehouse_in_branches"]["examples"] == ["GONE"]
    assert found["warehouse_left_out"]["examples"] == ["CHIC1 (Chicago 1, id 2)"]
    assert "WH" not in json.dumps(found["branch_not_in_linkit"])  # Linkit has branch WH


def test_wrong_token_exits_2_naming_the_variable_never_the_token(
    odoo_sandbox: OdooSandbox, linkit: LinkitSandbox, tmp_path: Path
) -> None:
    wrong = "wrong-linkit-token-4711"
    env = hub_env(odoo_sandbox, linkit, tmp_path, api_token=wrong)
    proc = subprocess.run(
        [ODOO_HUB, "check", "--target", "linkit", "-v"], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Linkit connection: FAILED" in proc.stdout
    assert "Linkit refused LINKIT_API_TOKEN (HTTP 401 at GET /auth/credentials)" in proc.stdout
    assert "Odoo connection" not in proc.stdout  # the check stops at Linkit
    code, _, drift = odoo_hub(env, "drift")
    assert code == 3 and "Linkit refused LINKIT_API_TOKEN (HTTP 401 at GET /skus)" in drift.stderr, (
        drift.stderr
    )
    for out in (proc.stdout, proc.stderr, drift.stdout, drift.stderr):
        assert wrong not in out and TOKEN not in out


def test_suspended_account_says_so(odoo_sandbox: OdooSandbox, linkit: LinkitSandbox, tmp_path: Path) -> None:
    linkit.state.suspended = True  # /auth/credentials answers billing.status suspended, the rest 403
    env = hub_env(odoo_sandbox, linkit, tmp_path)
    code, report, proc = odoo_hub(env, "check")
    assert code == 1, proc.stdout + proc.stderr
    assert report["platform"]["success"] is False and report["platform"]["billing"] == "suspended"
    assert "the Linkit account is suspended (billing status: suspended)" in report["platform"]["message"]
    code, _, drift = odoo_hub(env, "drift")
    assert code == 3 and "account is suspended" in drift.stderr, drift.stderr


def test_unhealthy_linkit_a_wrong_url_or_organization_fail_the_check(linkit: LinkitSandbox) -> None:
    config = PLATFORM.config_from_env({"LINKIT_API_URL": linkit.api_url, "LINKIT_API_TOKEN": TOKEN})
    linkit.state.health_status = "unhealthy"
    found = PLATFORM.check_connection(config)
    assert not found.ok and found.setting is None and "Linkit reports itself unhealthy" in found.message
    linkit.state.health_status = "degraded"
    assert PLATFORM.check_connection(config).details["health"].startswith("degraded")
    found = PLATFORM.check_connection({**config, "api_url": linkit.api_url.removesuffix("/api/v1")})
    assert not found.ok and found.setting == "LINKIT_API_URL" and "answered 404" in found.message
    found = PLATFORM.check_connection({**config, "api_url": "http://127.0.0.1:9/api/v1"})  # nobody there
    assert not found.ok and found.setting == "LINKIT_API_URL" and "cannot be reached" in found.message
    found = PLATFORM.check_connection({**config, "organization_id": "org_someone_else"})  # sandbox: 403
    assert not found.ok and found.setting == "LINKIT_ORGANIZATION_ID", found


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LINKIT_API_URL": None}, "environment variable LINKIT_API_URL is not set"),
        ({"LINKIT_API_TOKEN": None}, "environment variable LINKIT_API_TOKEN is not set"),
        ({"LINKIT_API_URL": "linkit.works"}, "LINKIT_API_URL: must be an http(s) URL"),
        ({"LINKIT_BRANCHES": "WH=MAIN"}, "LINKIT_BRANCHES: 'WH=MAIN' is not a valid branches"),
        ({"LINKIT_BRANCHES": '{"WH": 7}'}, "LINKIT_BRANCHES: warehouse 'WH' -> 7 is not a branch iv_id"),
        ({"LINKIT_SAFETY_STOCK": "two"}, "LINKIT_SAFETY_STOCK: 'two' is not a valid safety_stock"),
        ({"LINKIT_SAFETY_STOCK": "-1"}, "LINKIT_SAFETY_STOCK: must be 0 or more"),
        ({"LINKIT_QUANTITY_FIELD": "qty"}, "LINKIT_QUANTITY_FIELD: must be one of qty_available"),
        ({"LINKIT_AUTH_SCHEME": "basic"}, "LINKIT_AUTH_SCHEME: must be bearer or raw"),
    ],
)
def test_a_wrong_or_missing_variable_is_named(env: dict[str, str | None], message: str) -> None:
    given = {"LINKIT_API_URL": "http://127.0.0.1:9/api/v1", "LINKIT_API_TOKEN": TOKEN, **env}
    with pytest.raises(ValueError) as caught:
        PLATFORM.config_from_env({k: v for k, v in given.items() if v is not None})
    assert message in str(caught.value) and TOKEN not in str(caught.value)


def test_settings_from_the_environment() -> None:
    config = PLATFORM.config_from_env(
        {
            "LINKIT_API_URL": "https://linkit.works/api/v1",
            "LINKIT_API_TOKEN": TOKEN,
            "LINKIT_ORGANIZATION_ID": "org_1",
            "LINKIT_AUTH_SCHEME": "raw",
            "LINKIT_DEFAULT_BRANCH": "MAIN",
            "LINKIT_BRANCHES": '{"WH": "MAIN", "OLD": null}',
            "LINKIT_QUANTITY_FIELD": "free_qty",
            "LINKIT_SAFETY_STOCK": "2",
        }
    )
    assert config == {
        "api_url": "https://linkit.works/api/v1",
        "api_token": TOKEN,
        "organization_id": "org_1",
        "auth_scheme": "raw",
        "default_branch": "MAIN",
        "branches": {"WH": "MAIN", "OLD": None},
        "quantity_field": "free_qty",
        "safety_stock": 2,
    }


def test_missing_variable_exits_2(
    odoo_sandbox: OdooSandbox,
    linkit: LinkitSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """In this process (etl.cli.main, as the console script runs it): a missing variable stops at start."""
    env = hub_env(odoo_sandbox, linkit, tmp_path)
    env.pop("LINKIT_API_TOKEN")
    monkeypatch.setattr(os, "environ", env)
    with pytest.raises(SystemExit) as stopped:
        main(["check", "--target", "linkit", "-q"])
    err = capsys.readouterr().err
    assert stopped.value.code == 2, err
    assert "odoo-hub check: linkit settings: environment variable LINKIT_API_TOKEN is not set" in err, err
