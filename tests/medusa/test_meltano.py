"""`meltano run odoo-to-medusa` between the two sandboxes, through the loader, extractors and job of
meltano.yml: every storable product with a SKU and its stock arrive; the second run writes nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sandbox.medusa import MedusaSandbox
from sandbox.odoo import serve_odoo

from .helpers import KEY, ROOT

MELTANO = str(Path(sys.executable).with_name("meltano"))


def meltano_run(env: dict[str, str]) -> str:
    proc = subprocess.run(
        [MELTANO, "run", "odoo-to-medusa"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_meltano_run_odoo_to_medusa(
    meltano_env: dict[str, str], medusa: MedusaSandbox, tmp_path: Path
) -> None:
    env = dict(
        meltano_env,
        MELTANO_ENVIRONMENT="dev",
        TARGET_MEDUSA_API_URL=medusa.url,
        TARGET_MEDUSA_API_KEY=KEY,
        TARGET_MEDUSA_LEDGER_URL=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
    )
    with serve_odoo(products=300) as sb:
        env |= {"TAP_ODOO_URL": sb.url, "TAP_ODOO_DATABASE": sb.db}
        first = meltano_run(env)
        writes = medusa.state.write_count()
        assert writes, "the first run wrote nothing to Medusa"
        expected = sb.store.search_read(
            "product.product",
            [["default_code", "!=", False], ["type", "in", ["product", "consu"]]],
            ["default_code"],
        )
        assert set(medusa.state.products) == {r["default_code"] for r in expected}
        assert medusa.state.stock()
        second = meltano_run(env)
        assert medusa.state.write_count() == writes  # the second run sent nothing
        assert KEY not in first + second
