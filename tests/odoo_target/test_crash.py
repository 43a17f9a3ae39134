"""kill -9 of target-odoo at five points of a 2,000-order import (3 lines + shipping each), re-run each time
on the same ledger: every Medusa order ends up in Odoo exactly once, confirmed, every line once, no dead
letter.

The Odoo sandbox runs in this process; target-odoo is a real subprocess. The sandbox's `on_call` hook runs
before Odoo applies a call: the hook kills the target there, and the sandbox then applies the call the dead
target made (as Odoo does with a request whose client is gone). So each kill point is "right after Odoo
applied this call, before the target heard the answer or wrote anything to its ledger".
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from sandbox.odoo import OdooSandbox

from .conftest import Odoo
from .procs import assert_each_once, bulk_input, start_target

N = 2_000
BATCH = 200  # 10 batches

Match = Callable[[list[Any]], bool]


def any_call(args: list[Any]) -> bool:
    return True


def order_xids(args: list[Any]) -> bool:
    """The `ir.model.data` create recording the external ids of sale orders (not of partners)."""
    rows = args[0] if args and isinstance(args[0], list) else []
    return bool(rows) and all(isinstance(r, dict) and r.get("model") == "sale.order" for r in rows)


# (model, method, which calls count, the nth such call of the run). Counted afresh in every run; what each
# run meets, with the batches of 200 the earlier runs left behind:
KILL_POINTS: list[tuple[str, str, Match, int, str]] = [
    # run 1: batch 1's orders are created, nothing else (no external id, no confirm, no ledger row)
    ("sale.order", "create", any_call, 1, "right after the first sale.order create"),
    # run 2: batch 1 found by client_order_ref and bound; batch 2 done; batch 3 created and bound, still
    # draft, not in the ledger
    ("ir.model.data", "create", order_xids, 3, "right after the 3rd batch's external ids"),
    # run 3: batch 3 found by external id (a draft: its lines rewritten, never doubled) and confirmed;
    # batch 4 created, bound and confirmed, not in the ledger
    ("sale.order", "action_confirm", any_call, 2, "right after the 2nd action_confirm"),
    # run 4: batch 4 found, already confirmed; batch 5 done; batch 6's guest customers are created and then
    # the target dies in the middle of that batch: partners without their external ids, orders not created
    ("res.partner", "create", any_call, 2, "in the middle of a batch (after its partners)"),
    # run 5: batch 6's partners found by email; batch 7 created, nothing more
    ("sale.order", "create", any_call, 2, "right after a later sale.order create"),
]


def test_kill_dash_nine_at_five_points_then_rerun(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    t0 = time.monotonic()
    data = bulk_input(N)
    config |= {"batch_size": BATCH, "max_tries": 4}
    armed: dict[str, Any] = {}
    seen: Counter[tuple[str, str]] = Counter()
    lock = threading.Lock()

    def killer(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        with lock:
            if not armed or (model, method) != (armed["model"], armed["method"]) or not armed["match"](args):
                return
            seen[(model, method)] += 1
            if seen[(model, method)] == armed["nth"]:
                os.kill(armed["pid"], signal.SIGKILL)
                armed.clear()

    sb.on_call = killer
    for model, method, match, nth, where in KILL_POINTS:
        proc = start_target(config, tmp_path)
        with lock:
            seen.clear()
            armed.update(model=model, method=method, match=match, nth=nth, pid=proc.pid)
        _out, err = proc.communicate(data, timeout=120)
        assert proc.returncode == -signal.SIGKILL, (
            f"not killed {where} ({model}.{method} #{nth}; saw {dict(seen)}): {err[-1500:]}"
        )
    sb.on_call = None
    killed_at = time.monotonic() - t0

    proc = start_target(config, tmp_path)
    out, err = proc.communicate(data, timeout=120)
    assert proc.returncode == 0, err[-2000:]
    assert '"bookmarks"' in out  # STATE once every order is in Odoo

    assert_each_once(odoo, N)
    ledger = Ledger(config["ledger_url"])
    assert ledger.dead_letters("odoo") == []
    assert len(ledger.bindings("odoo", "sale_order")) == N
    runs = ledger.history(limit=10, platform="odoo")
    assert [r.status for r in reversed(runs)] == ["running"] * 5 + ["done"]  # five killed runs, one done
    # the last run only finished what the fifth left: batch 7 found, batches 8-10 written
    assert runs[0].sent == N - 6 * BATCH and runs[0].unchanged == 6 * BATCH
    print(
        f"\n{N} orders: five killed runs {killed_at:.1f}s, last run {time.monotonic() - t0 - killed_at:.1f}s"
    )
