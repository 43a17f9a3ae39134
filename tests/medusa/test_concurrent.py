"""Two target-medusa processes at once on one ledger, one Medusa sandbox, the same input: every product is
created once and written once, every stock row and every order event is sent once (the ledger's claims)."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sandbox.medusa import MedusaSandbox

from .helpers import ledger_of, start_target
from .messages import full_flow

N = 2_000
ORDERS = 20


def flow_input() -> str:
    return full_flow(N, ORDERS)


@pytest.mark.timeout(240)
def test_two_runs_at_once_on_one_ledger_send_nothing_twice(
    medusa: MedusaSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    for k in range(1, ORDERS + 1):
        medusa.state.add_order(f"order_{k}", display_id=k)
    medusa.faults.configure(latency=0.01)  # each call takes a while, so the two runs overlap for seconds
    config |= {"batch_size": 100, "concurrency": 2}
    data = flow_input()
    procs = [start_target(config, tmp_path, f"config{n}.json") for n in (1, 2)]
    results: list[tuple[str, str]] = [("", "")] * 2

    def feed(n: int) -> None:
        results[n] = procs[n].communicate(data, timeout=200)

    threads = [threading.Thread(target=feed, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-2000:]
        assert '"bookmarks"' in out

    ledger = ledger_of(config)
    first, second = sorted(ledger.history(), key=lambda r: r.started_at)
    assert first.status == second.status == "done"
    assert first.finished_at is not None and second.started_at < first.finished_at, "the runs did not overlap"
    assert first.pid != second.pid

    # products: each created once, none sent again (a second upsert would count as an update)
    assert len(medusa.state.products) == N
    assert len(medusa.state.created) == N and set(medusa.state.created.values()) == {1}
    assert medusa.state.writes["product.updated"] == 0
    # stock: every SKU's quantity sent once, and right
    assert medusa.state.writes["inventory.updated"] == N
    assert medusa.state.stock() == {f"GEN-{i + 1:06d}": i % 37 for i in range(N)}
    # order events: received once each, and POSTed once each (the request log)
    events = Counter((e["order"]["medusa_order_id"], e["event_type"]) for e in medusa.state.order_events)
    assert len(events) == ORDERS * 4 and max(events.values()) == 1
    posts = [
        r for r in medusa.state.requests if r.method == "POST" and r.path == "/odoo/webhooks/order-status"
    ]
    assert len(posts) == ORDERS * 4
    # each order acknowledged once (POST /odoo/orders/{id}/synced, seed 002 section 4.3)
    synced = [r.path for r in medusa.state.requests if r.method == "POST" and r.path.endswith("/synced")]
    assert sorted(synced) == sorted(f"/odoo/orders/order_{k}/synced" for k in range(1, ORDERS + 1))
    # between them the two runs sent each record once; the other run saw it busy or unchanged
    assert first.sent + second.sent == N + N + ORDERS * 4 + ORDERS
    assert ledger.dead_letters("medusa") == []
