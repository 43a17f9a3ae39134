"""kill -9 target-linkit at five points of a 20,000-product x 3-branch flow, re-run each time: Linkit ends
with every product once and every SKU's qty exactly what Odoo's warehouses imply; no dead letters."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox

from .helpers import expected_qty, flow_input, start_target

N = 20_000
# one warehouse per branch here (60,000 stock rows a run; test_faults sums two warehouses on one branch)
WAREHOUSES = {"WH": 1, "SHOP": 2, "EAST": 3}
# (path of the write, which one in the run): the target dies right after Linkit applied it, before the answer
# (each run re-sends only what the earlier ones did not finish: 20 product calls, then 60 SKU calls in all;
# products go while the input is read, SKUs once it is whole, so the product points are the cheap runs)
KILL_POINTS = [
    ("/api/v1/products/bulk", 1),
    ("/api/v1/products/bulk", 8),
    ("/api/v1/products/bulk", 6),
    ("/api/v1/skus/bulk", 1),
    ("/api/v1/skus/bulk", 30),
]


@pytest.mark.timeout(600)  # six runs of 80,000 records: about a minute on an idle 2-core machine
def test_kill_dash_nine_at_five_points_then_rerun(
    linkit: LinkitSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    data = flow_input(N, WAREHOUSES)
    armed: dict[str, Any] = {}
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    def killer(method: str, path: str) -> None:
        with lock:
            seen[path] += 1
            if armed and path == armed["path"] and seen[path] == armed["nth"]:
                os.kill(armed["pid"], signal.SIGKILL)
                armed.clear()

    linkit.on_write(killer)
    for path, nth in KILL_POINTS:
        proc = start_target(config, tmp_path)
        with lock:
            seen.clear()
            armed.update(path=path, nth=nth, pid=proc.pid)
        proc.communicate(data, timeout=240)
        assert proc.returncode == -signal.SIGKILL, f"not killed at {path} #{nth} (saw {dict(seen)})"
    proc = start_target(config, tmp_path)
    out, err = proc.communicate(data, timeout=240)
    assert proc.returncode == 0, err[-2000:]
    assert '"bookmarks"' in out  # STATE only once everything is in Linkit

    state = linkit.state
    assert len(state.products) == N
    products_created = {k: n for k, n in state.created.items() if k.startswith("product:")}
    assert len(products_created) == N and set(products_created.values()) == {1}
    assert state.qty() == expected_qty(N, WAREHOUSES)
    assert list(Ledger(config["ledger_url"]).dead_letters("linkit")) == []
