"""bench/tap_throughput.py runs end to end at a tiny size and prints every figure it promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_at_tiny_size() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "tap_throughput.py"),
            *("--products", "300", "--ratio-records", "250", "--cpu-records", "250", "--small", "200"),
            *("--page-size", "100", "--big-page-size", "150", "--stock-page-size", "100"),
            *("--repeat", "1", "--protocols", "xmlrpc"),
            "--no-real-cost",  # real-cost calls take 14 ms to 0.4 s each: tests/sandbox covers the switch
            "--no-record",  # a test never rewrites docs/bench-results.md
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for label in ("default fields (", "18-field set ("):
        line = next(line for line in out.splitlines() if label in line and "xmlrpc" in line)
        ratio = float(re.search(r"ratio (\d+\.\d+)", line).group(1))  # type: ignore[union-attr]
        tap_calls, bare_calls = map(int, re.search(r"calls tap (\d+) bare (\d+)", line).groups())  # type: ignore[union-attr]
        assert ratio > 0 and tap_calls >= bare_calls > 0 and "CPU/record tap" in line
    assert "xmlrpc.client (stdlib):" in out and "tap-odoo xmlrpc" in out and "us CPU/record" in out
    assert "peak RSS" in out and "MiB" in out and "--about:" in out
    stock = out.split("[4] stock_levels, ")[1]
    assert int(stock.split()[0].replace(",", "")) > 0 and "tap" in stock and "/s" in stock
