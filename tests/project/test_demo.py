"""`make demo`'s program at a small size, through real meltano: medusa-to-odoo and odoo-to-medusa, each twice;
then odoo-to-linkit (+ stock, offers), a Linkit admin's changes back with linkit-to-odoo, and all again.

The demo runs with this test's own Meltano system directory (`meltano_env`, plugins installed once per test
run) and `--no-install`: it shares no Meltano state with other tests, workers or the developer's `.meltano/`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_delivers_then_resends_nothing(meltano_env: dict[str, str], tmp_path: Path) -> None:
    demo = ["-m", "sandbox.demo", "--products", "200", "--output", str(tmp_path / "out"), "--no-install"]
    proc = subprocess.run(
        [sys.executable, *demo],
        cwd=ROOT,
        env=meltano_env,
        capture_output=True,
        text=True,
        timeout=480,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    medusa_part = out[: out.index("Linkit sandbox")]
    products = [int(n) for n in re.findall(r"^  products\s+(\d+)$", medusa_part, re.M)]
    assert len(products) == 2 and products[0] >= 200 and products[0] == products[1], out
    assert "order.shipped" in out and "order.cancelled" in out
    prices = [int(p) for p in re.findall(r'"price": (\d+)', out)]
    assert prices and all(p > 0 for p in prices), "sample products arrived without a price"
    assert "Unchanged records re-sent on the second runs: 0 to Medusa, 0 Odoo writes" in out
    # storefront orders: into Odoo as confirmed sale orders, back in Medusa acknowledged with their events
    assert len(re.findall(r"^  S\d{5}\s+MEDUSA-200[123]\s+sale\s", out, re.M)) == 3, out
    assert len(re.findall(r"synced=True  odoo_order_id=\d+  events=\['order.confirmed'\]", out)) == 3, out
    assert re.search(r"^RUN\s+FLOW", out, re.M), "the ledger history was not shown"
    assert (tmp_path / "out" / "ledger.sqlite").exists()
    assert "sandbox-medusa-key" not in out + proc.stderr
    # the Linkit side: Odoo -> Linkit, a Linkit admin's changes into Odoo once, then nothing re-sent
    after = out[out.index("Linkit after the first run:") :]
    counts = {k: int(n) for k, n in re.findall(r"^  (branches|products|skus)\s+(\d+)$", after, re.M)}
    assert counts["branches"] == 4 and counts["products"] >= 200, after[:1000]
    assert counts["skus"] == 4 * counts["products"]  # one per product x branch
    assert "checked: Linkit holds what Odoo implies" in out  # sandbox/demo_linkit_checks.py passed
    assert "MISSING" not in out and re.search(r"^  stock\.quant\s+\S+ at WH: \[7\.0\]$", out, re.M), out
    assert re.search(r'^  loyalty\.program\s+.*"active": false', out, re.M)
    assert re.search(r'^  res\.partner\s+.*"mona@example\.com"', out, re.M)
    assert "Linkit: unchanged records re-sent on the second runs: 0 to Linkit, 0 Odoo writes" in out
    assert "sandbox-linkit-token" not in out + proc.stderr
