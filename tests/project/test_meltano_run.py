"""End to end through real `meltano run`: the dev environment's tap against the Odoo sandbox.

Meltano installs each plugin in its own venv from meltano.yml (`pip_url: -e .` for the tap), exactly as a
user's `meltano install` does (once per test run, tests/conftest.py). Each test gets its own Meltano system
directory (run folder, logs, system database), so no state is shared between tests, xdist workers or the
developer's `.meltano/`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.odoo import OdooSandbox, serve_odoo

ROOT = Path(__file__).resolve().parents[2]
MELTANO = str(Path(sys.executable).with_name("meltano"))
MODELS = ["product.product", "res.partner", "stock.warehouse"]


def meltano(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [MELTANO, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=480, check=False
    )
    assert proc.returncode == 0, f"meltano {' '.join(args)} failed:\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture
def sandbox() -> Iterator[OdooSandbox]:
    with serve_odoo(products=300) as sb:
        yield sb


def run_env(meltano_env: dict[str, str], sb: OdooSandbox, tmp_path: Path) -> dict[str, str]:
    return dict(
        meltano_env,
        MELTANO_ENVIRONMENT="dev",
        TAP_ODOO_URL=sb.url,
        TAP_ODOO_DATABASE=sb.db,
        TAP_ODOO_MODELS=json.dumps(MODELS),
        TARGET_JSONL_DESTINATION_PATH=str(tmp_path / "out"),
    )


def read_stream(folder: Path, stream: str) -> list[dict]:
    path = folder / f"{stream}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_meltano_run_delivers_every_record_then_only_changes(
    meltano_env: dict[str, str], sandbox: OdooSandbox, tmp_path: Path
) -> None:
    env = run_env(meltano_env, sandbox, tmp_path)
    (tmp_path / "out").mkdir()
    meltano(env, "run", "odoo-to-jsonl")

    products = read_stream(tmp_path / "out", "product_product")
    expected = sandbox.store.search_read("product.product", [], ["id"], context={"active_test": False})
    assert sorted(r["id"] for r in products) == sorted(r["id"] for r in expected)
    assert read_stream(tmp_path / "out", "stock_warehouse"), "warehouses did not arrive"

    # Second run with the state the first one saved: only what changed since comes through.
    changed_id = products[0]["id"]
    sandbox.store.write("product.product", [changed_id], {"default_code": "E2E-CHANGED"})
    for path in (tmp_path / "out").glob("*.jsonl"):
        path.unlink()
    meltano(env, "run", "odoo-to-jsonl")
    again = read_stream(tmp_path / "out", "product_product")
    assert [r["id"] for r in again if r.get("default_code") == "E2E-CHANGED"] == [changed_id]
    assert len(again) < len(products) / 10, f"second run re-sent {len(again)} of {len(products)} products"
