"""kill -9 target-linkit at five points of a 20,000-product x 3-branch flow, re-run each time: Linkit ends
with every product once and every SKU's qty exactly what Odoo's warehouses imply; no dead letters."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox

from .helpers import expected_qty, flow_input, start_target

N = 20_000
# (path of the write, which one in the run): the target dies right after Linkit applied it, before the answer
# (each run re-sends only what the earlier ones did not finish: 20 product calls, then 60 SKU calls in all)
KILL_POINTS = [
    ("/api/v1/products/bulk", 1),
    ("/api/v1/products/bulk", 12),
    ("/api/v1/skus/bulk", 1),
    ("/api/v1/skus/bulk", 20),
    ("/api/v1/skus/bulk", 15),
]


def test_kill_dash_nine_at_five_points_then_rerun(
    linkit: LinkitSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    data = flow_input(N)
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
    assert state.qty() == expected_qty(N)
    assert list(Ledger(config["ledger_url"]).dead_letters("linkit")) == []
