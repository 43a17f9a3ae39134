"""bench/tap_throughput.py runs end to end at a tiny size and prints every figure it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_at_tiny_size() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "tap_throughput.py"),
            "--products",
            "600",
            "--small",
            "200",
            "--cpu-records",
            "300",
            "--repeat",
            "1",
            "--page-size",
            "100",
            "--stock-page-size",
            "100",
            "--no-record",  # a test never rewrites docs/bench-results.md
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "ratio tap / bare" in out
    for protocol in ("xmlrpc", "jsonrpc", "json2"):
        assert f"{protocol}" in out and "us CPU/record" in out
    assert "peak RSS" in out and "MiB" in out
    ratio = float(out.split("ratio tap / bare      :")[1].split()[0])
    assert ratio > 0
    stock = out.split("[4] stock_levels, ")[1]
    assert int(stock.split()[0]) > 0 and "tap-odoo > /dev/null" in stock and "records/s" in stock
