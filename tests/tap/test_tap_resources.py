"""tap-odoo closes its connections when a sync, a discovery or a failed run ends (no ResourceWarning)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import typing as t
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from tap_helpers import sandbox_config

from sandbox.odoo import serve_odoo
from tap_odoo.errors import OdooFault
from tap_odoo.tap import TapOdoo


@pytest.fixture(scope="module")
def sb19() -> t.Iterator[t.Any]:
    """Odoo 19: ``auto`` with an API key asks /jsonrpc for the version, then reads over JSON-2."""
    with serve_odoo(products=0, version="19.0", seed=1, port=0) as sb:
        yield sb


def _config(sb: t.Any, tmp_path: Path, **extra: t.Any) -> Path:
    config = sandbox_config(sb, models=["product.product"], stock_levels=True, **extra)
    config.pop("password")
    config.setdefault("api_key", sb.users["admin"]["api_key"])
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return path


@pytest.mark.parametrize(
    "args", [["--state", "{state}"], ["--discover"], ["--test"]], ids=["sync", "discover", "test"]
)
def test_no_unclosed_socket_at_exit(sb19: t.Any, tmp_path: Path, args: list[str]) -> None:
    state = tmp_path / "state.json"
    state.write_text("{}")
    command = [sys.executable, "-X", "dev", "-W", "always::ResourceWarning", "-m", "tap_odoo"]
    command += ["--config", str(_config(sb19, tmp_path)), *(arg.format(state=state) for arg in args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert ('"type":"RECORD"' in done.stdout) == ("--discover" not in args)
    assert "ResourceWarning" not in done.stderr
    assert "unclosed" not in done.stderr


def test_sync_all_closes_the_client_also_when_it_fails(sb19: t.Any, tmp_path: Path) -> None:
    config = json.loads(_config(sb19, tmp_path).read_text())
    tap = TapOdoo(config=config)
    with redirect_stdout(io.StringIO()):
        tap.sync_all()
    assert tap.client.calls > 0
    assert all(transport.http._conn is None for transport in tap.client._transports.values())

    config["domains"] = {"product.product": [["no_such_field", "=", 1]]}
    failing = TapOdoo(config=config)
    with redirect_stdout(io.StringIO()), pytest.raises(OdooFault):
        failing.sync_all()
    assert failing.client._transports
    assert all(transport.http._conn is None for transport in failing.client._transports.values())
