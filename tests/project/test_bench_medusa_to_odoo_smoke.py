"""bench/medusa_to_odoo.py runs end to end at a tiny size and prints every figure it promises (no timing is
asserted). It completes only if its bare loop still makes exactly target-odoo's Odoo calls (the bench checks
that with the sandbox's call counter), so a writer that changes its calls fails here until the bare loop
follows."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_at_tiny_size_and_prints_the_ratios() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "medusa_to_odoo.py"), "--orders", "50", "--no-record"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    out = done.stdout
    assert re.search(r"^ratio target / bare: \d+\.\d\d \(goal >= 0\.8", out, re.M), out[-2000:]
    assert re.search(r"^unchanged re-run: [\d.]+ s = \d+\.\d{3} of the first \(goal <= 0\.10\)", out, re.M)
    assert re.search(r"\d+ Odoo writes \(goal 0\)", out)
    assert re.search(r"^Odoo calls per batch of 100 \(target and bare loop, the same\): \d+", out, re.M)
