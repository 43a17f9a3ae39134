"""Settings (file, environment) checked at start naming each setting, and `odoo-hub serve linkit` as a user
runs it: a real process on a free port, stopped with SIGTERM; no secret in its output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from conftest import ERP_KEY, POS_KEY

from linkit_inbound.settings import ConfigError, load_settings
from sandbox.odoo import OdooSandbox

ODOO_HUB = str(Path(sys.executable).with_name("odoo-hub"))
PASSWORD = "admin"  # the sandbox admin's; a wrong one is below


def odoo_env(sb: OdooSandbox, tmp: Path, **extra: str) -> dict[str, str]:
    return {
        "ODOO_URL": sb.url,
        "ODOO_DB": sb.db,
        "ODOO_USERNAME": "admin",
        "ODOO_PASSWORD": PASSWORD,
        "ODOO_HUB_LEDGER_URL": f"sqlite:///{tmp}/ledger.sqlite",
        "LINKIT_ERP_PLUGIN_KEY": ERP_KEY,
        **extra,
    }


def problems(env: dict[str, str], config: Path | None = None) -> str:
    with pytest.raises(ConfigError) as err:
        load_settings(config, env)
    return str(err.value)


def test_each_wrong_setting_is_named_and_no_secret_is_shown(
    odoo_sandbox: OdooSandbox, tmp_path: Path
) -> None:
    good = odoo_env(odoo_sandbox, tmp_path)
    assert load_settings(None, good).erp_plugin_key == ERP_KEY
    text = problems({**good, "LINKIT_ERP_PLUGIN_KEY": "", "LINKIT_POS_PLUGIN_KEY": ""})
    assert "set at least one" in text
    text = problems({**good, "LINKIT_ERP_PLUGIN_KEY": "short-secret"})
    assert "erp_plugin_key (env LINKIT_ERP_PLUGIN_KEY): must be at least 16" in text
    assert "short-secret" not in text
    assert "must differ" in problems({**good, "LINKIT_POS_PLUGIN_KEY": ERP_KEY})
    assert "port (env LINKIT_INBOUND_PORT)" in problems({**good, "LINKIT_INBOUND_PORT": "eighty"})
    assert "apply_mode" in problems({**good, "LINKIT_INBOUND_APPLY_MODE": "some"})
    text = problems({k: v for k, v in good.items() if k not in ("ODOO_URL", "ODOO_PASSWORD")})
    assert "odoo.url (env ODOO_URL): required" in text
    assert "password / api_key" in problems({k: v for k, v in good.items() if k != "ODOO_PASSWORD"})
    assert ERP_KEY not in text and PASSWORD not in text.replace("ODOO_PASSWORD", "")


def test_a_settings_file_with_the_environment_over_it(odoo_sandbox: OdooSandbox, tmp_path: Path) -> None:
    config = tmp_path / "inbound.json"
    config.write_text(
        json.dumps(
            {
                "pos_plugin_key": POS_KEY,
                "port": 9000,
                "apply_mode": "per_item",
                "odoo": {
                    "url": odoo_sandbox.url,
                    "database": odoo_sandbox.db,
                    "username": "admin",
                    "company_id": 1,
                },
            }
        )
    )
    got = load_settings(config, {"ODOO_PASSWORD": PASSWORD, "LINKIT_INBOUND_PORT": "9100"})
    assert (got.pos_plugin_key, got.erp_plugin_key, got.port, got.apply_mode) == (
        POS_KEY,
        None,
        9100,
        "per_item",
    )
    assert got.flow_config()["company_id"] == 1 and got.flow_config()["source"] == "linkit"
    assert POS_KEY not in repr(got) and PASSWORD not in repr(got)
    config.write_text(json.dumps({"pos_plugin_key": POS_KEY, "odoo_url": "http://x"}))
    assert "unknown setting(s) odoo_url" in problems({"ODOO_PASSWORD": PASSWORD}, config)
    config.write_text("{not json")
    assert "not JSON" in problems({}, config)


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ODOO_HUB, "serve", "linkit", *args],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_refuses_to_start_on_wrong_settings(odoo_sandbox: OdooSandbox, tmp_path: Path) -> None:
    proc = run_cli({**odoo_env(odoo_sandbox, tmp_path), "LINKIT_ERP_PLUGIN_KEY": "tiny"}, "--port", "0")
    assert proc.returncode == 2 and "erp_plugin_key" in proc.stderr and "tiny" not in proc.stderr
    proc = run_cli(
        {**odoo_env(odoo_sandbox, tmp_path), "ODOO_HUB_LEDGER_URL": "nosuchdb://u:pw@h/x"}, "--port", "0"
    )
    assert proc.returncode == 2 and "ledger_url (env ODOO_HUB_LEDGER_URL)" in proc.stderr
    assert "u:pw" not in proc.stderr
    wrong = "not-the-admin-password"
    proc = run_cli({**odoo_env(odoo_sandbox, tmp_path), "ODOO_PASSWORD": wrong}, "--port", "0")
    assert proc.returncode == 2, proc.stderr
    assert "odoo.username / odoo.password" in proc.stderr and "refused the login" in proc.stderr
    assert wrong not in proc.stderr + proc.stdout and ERP_KEY not in proc.stderr


def test_cli_serves_until_sigterm_and_logs_no_secret(odoo_sandbox: OdooSandbox, tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], **odoo_env(odoo_sandbox, tmp_path, LINKIT_POS_PLUGIN_KEY=POS_KEY)}
    proc = subprocess.Popen(
        [ODOO_HUB, "serve", "linkit", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("linkit-inbound listening on http://127.0.0.1:"), line
        url = line.split()[-1]
        health = requests.get(
            url + "/linkit/erp/health", headers={"X-Linkit-Plugin-Key": ERP_KEY}, timeout=10
        )
        assert health.status_code == 200 and health.json()["odoo"]["reachable"] is True
        wrong = requests.get(
            url + "/linkit/pos/orders", headers={"Authorization": f"Bearer {ERP_KEY}"}, timeout=10
        )
        assert wrong.status_code == 401
        posted = requests.post(
            url + "/linkit/pos/inventory?token=" + POS_KEY,
            headers={"X-Linkit-Plugin-Key": POS_KEY},
            json=[{}],
            timeout=10,
        )
        assert posted.status_code == 422
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    # uvicorn shuts down cleanly, then re-raises the signal it caught (what a process manager expects)
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "GET /linkit/erp/health 200" in err and "POST /linkit/pos/inventory 422" in err
    for secret in (ERP_KEY, POS_KEY, PASSWORD + "@", f"password={PASSWORD}"):
        assert secret not in out + err
