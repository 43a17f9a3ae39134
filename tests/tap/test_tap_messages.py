"""What tap-odoo says is true and quiet: one line for a refused login, no error for --test's stop after one
record (and a non-zero exit when a stream does fail), no "unsorted" warning for stock_levels, the JSON-RPC
deprecation on 19 said once, JSON-2 against an Odoo before 19 explained instead of an HTML page."""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from tap_helpers import run_tap, sandbox_config

from sandbox.odoo import serve_odoo
from tap_odoo.client import OdooClient
from tap_odoo.errors import OdooConfigError, OdooFault

DEPRECATED = "is deprecated in Odoo 19 and removed in Odoo 20"


@pytest.fixture(scope="module")
def sb17() -> t.Iterator[t.Any]:
    with serve_odoo(products=0, version="17.0", seed=1, port=0) as sb:
        yield sb


def tap(config: dict[str, t.Any], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({k: v for k, v in config.items() if v is not None}))
    return subprocess.run(
        [sys.executable, "-m", "tap_odoo", "--config", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_wrong_password_on_discover_is_one_line(sb17: t.Any, tmp_path: Path) -> None:
    done = tap(sandbox_config(sb17, password="not-the-password"), tmp_path, "--discover")
    assert done.returncode == 1 and done.stdout == ""
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "| ERROR" in line]
    assert len(errors) == 1 and "refused the login of user 'admin'" in errors[0]
    assert "not-the-password" not in done.stderr


def test_test_mode_is_quiet_when_it_works_and_fails_when_a_stream_fails(sb17: t.Any, tmp_path: Path) -> None:
    config = sandbox_config(sb17, models=["product.product", "sale.order"], stock_levels=True)
    done = tap(config, tmp_path, "--test")
    assert done.returncode == 0, done.stderr
    assert "| ERROR" not in done.stderr and "unsorted" not in done.stderr
    streams = {json.loads(line)["stream"] for line in done.stdout.splitlines() if '"RECORD"' in line}
    assert streams == {"product_product", "sale_order", "stock_levels"}

    def broken(model: str, method: str, args: list[t.Any], kwargs: dict[str, t.Any]) -> None:
        if model == "sale.order" and method == "search_read":
            raise RuntimeError("sale.order is broken on this server")

    sb17.on_call = broken
    try:
        failed = tap(config, tmp_path, "--test")
    finally:
        sb17.on_call = None
    assert failed.returncode != 0
    assert "sale.order is broken on this server" in failed.stderr


def test_a_sync_with_stock_levels_warns_nothing(sb17: t.Any, tmp_path: Path) -> None:
    done = tap(sandbox_config(sb17, models=["product.product"], stock_levels=True), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr and "| ERROR" not in done.stderr


def test_json_rpc_on_19_is_said_once_and_json2_needs_19(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with serve_odoo(products=0, version="19.0", seed=1, port=0) as sb19:
        tested = tap(sandbox_config(sb19, models=["res.country"], stock_levels=True), tmp_path, "--test")
        with caplog.at_level("WARNING", logger="tap_odoo.client"):
            run_tap(sandbox_config(sb19, models=["res.country"], stock_levels=True))
            with_password = [r.getMessage() for r in caplog.records if DEPRECATED in r.getMessage()]
            caplog.clear()
            key = sb19.users["admin"]["api_key"]
            with_key = sandbox_config(sb19, models=["res.country"], password=None, api_key=key)
            assert run_tap(with_key).tap.client.protocol == "json2"
            assert not [r for r in caplog.records if DEPRECATED in r.getMessage()]
        wrong_db = OdooClient.from_config({**with_key, "database": "no_such_db", "protocol": "json2"})
        with pytest.raises(OdooConfigError, match="database") as err:
            wrong_db.check()
        assert "<" not in str(err.value)  # not the server's HTML 404 page
    assert len(with_password) == 1 and "/jsonrpc" in with_password[0] and "api_key" in with_password[0]
    assert tested.returncode == 0 and tested.stderr.count(DEPRECATED) == 1  # --test makes two clients

    with serve_odoo(products=0, version="16.0", seed=1, port=0) as sb16:
        key = sb16.users["admin"]["api_key"]
        config = sandbox_config(sb16, password=None, api_key=key, protocol="json2")
        done = tap(config, tmp_path, "--discover")
        with pytest.raises(OdooConfigError) as err:
            OdooClient.from_config(config).check()
    assert done.returncode == 1 and str(err.value) in done.stderr
    assert "json2 needs Odoo 19 or later" in done.stderr and "runs Odoo 16.0" in done.stderr
    assert "set protocol to auto" in done.stderr
    assert "<" not in done.stderr and "Traceback" not in done.stderr and key not in done.stderr


@pytest.mark.parametrize(
    ("message", "unknown_model", "refused"),
    [
        ("Invalid field 'no_such_field' on model 'product.product'", False, ["no_such_field"]),  # 17
        ("Invalid field 'no_such_field' on 'product.product'", False, ["no_such_field"]),  # 19
        ("Object no.such.model doesn't exist", True, []),  # 17, and 19 over /jsonrpc
        ("the model 'no.such.model' does not exist", True, []),  # 19 over JSON-2
        ("Invalid field product.product.x_y in leaf ('x_y', '=', 1)", False, ["x_y"]),  # 17
        ("Invalid field product.product.x_y in condition ('x_y', '=', 1)", False, ["x_y"]),  # 19
    ],
)
def test_faults_of_17_and_19_are_recognised(message: str, unknown_model: bool, refused: list[str]) -> None:
    fault = OdooFault(message)
    assert fault.is_unknown_model is unknown_model
    assert fault.refused_fields() == refused
