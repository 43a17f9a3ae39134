"""bench/odoo_to_linkit.py runs end to end at a tiny size: every product with a SKU reaches Linkit with one
SKU per branch (4 warehouses on 3 branches), and the unchanged re-run writes nothing (no timing asserted)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_at_tiny_size_and_prints_the_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "odoo_to_linkit.py"), "--products", "100", "--no-record"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    figures = json.loads(done.stdout[: done.stdout.rindex("}") + 1])
    assert figures["branches"] == 3
    assert figures["products_in_linkit"] > 100  # the generated ones and the recorded ones with a SKU
    assert figures["skus_in_linkit"] == 3 * figures["products_in_linkit"]
    assert figures["rerun_linkit_writes"] == 0 and figures["first_run_linkit_writes"] > 0
    assert re.search(r"unchanged re-run: [\d.]+ s = \d+\.\d{3} of the first \(goal <= 0\.10\)", done.stdout)
