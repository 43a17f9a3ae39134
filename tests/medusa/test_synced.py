"""Seed 002 §4.3: a Medusa order that exists in Odoo is acknowledged with POST /odoo/orders/{id}/synced
`{odoo_order_id, synced_at}`, once per order across runs, by target-medusa reading tap-odoo's sale_order."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from sandbox.medusa import MedusaSandbox

from .helpers import KEY, ROOT, ledger_of, run_in_process, start_target
from .messages import catalogue
from .test_orders import sale_order

BIN = Path(ROOT) / ".venv" / "bin"
CREATED = "2026-11-22T13:40:56+00:00"  # tap-odoo's create_date of the sale order


def synced_posts(medusa: MedusaSandbox) -> list[str]:
    with medusa.state.lock:
        return [
            r.path.split("/")[3]
            for r in medusa.state.requests
            if r.method == "POST" and r.path.endswith("/synced") and r.status == 200
        ]


def orders_input(medusa: MedusaSandbox) -> dict[str, list[dict[str, Any]]]:
    for oid, display in (("order_A", 1001), ("order_B", 1002), ("order_C", 1003)):
        medusa.state.add_order(oid, display_id=display)
    return {
        "sale_order": [
            sale_order(1, "sale", x_medusa_order_id="order_A", create_date=CREATED),
            sale_order(2, "cancel", "MEDUSA-1002", create_date="2026-11-23T08:00:00+00:00"),  # display id
            sale_order(3, "draft", "MEDUSA-order_C"),  # no create_date in the record: no synced_at
            sale_order(9, "sale", "WEB-42", create_date=CREATED),  # not from Medusa
            sale_order(10, "sale", create_date=CREATED),
        ]
    }


def test_each_medusa_order_in_odoo_is_acknowledged_once_across_runs(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    records = orders_input(medusa)
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    assert sorted(synced_posts(medusa)) == ["order_A", "order_B", "order_C"]
    orders = medusa.state.orders
    assert (orders["order_A"]["synced"], orders["order_A"]["odoo_order_id"]) == (True, 1)
    assert orders["order_A"]["synced_at"] == "2026-11-22T13:40:56.000Z"  # when it came to exist in Odoo
    assert (orders["order_B"]["odoo_order_id"], orders["order_B"]["synced_at"]) == (
        2,
        "2026-11-23T08:00:00.000Z",
    )
    assert orders["order_C"]["odoo_order_id"] == 3  # a draft exists in Odoo too
    bound = {b.key: (b.odoo_id, b.remote_id) for b in ledger_of(config).bindings("medusa", "order_synced")}
    assert bound == {"order_A": (1, "order_A"), "order_B": (2, "order_B"), "order_C": (3, "order_C")}
    # the same records again, and again days later with the order changed: never a second acknowledgement
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    later = {"sale_order": [sale_order(1, "done", x_medusa_order_id="order_A", create_date=CREATED)]}
    assert run_in_process(config, catalogue([], orders=later)).status == 0
    assert sorted(synced_posts(medusa)) == ["order_A", "order_B", "order_C"]
    assert medusa.state.writes["order.synced"] == 3


def test_orders_without_a_medusa_id_are_not_acknowledged(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    medusa.state.add_order("order_X", display_id=1001)
    records = {
        "sale_order": [
            sale_order(9, "sale", "WEB-42", create_date=CREATED),
            sale_order(10, "draft", create_date=CREATED),
            sale_order(11, "sale", "medusa", create_date=CREATED),  # no id after MEDUSA-
        ]
    }
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    assert synced_posts(medusa) == [] and medusa.state.writes["order.synced"] == 0
    assert ledger_of(config).bindings("medusa", "order_synced") == []


def test_an_unknown_medusa_order_is_a_dead_letter_saying_so(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    medusa.state.add_order("order_A", display_id=1001)
    records = {
        "sale_order": [
            sale_order(1, "draft", "MEDUSA-order_A", create_date=CREATED),
            sale_order(6, "draft", "MEDUSA-order_GONE", create_date=CREATED),
        ]
    }
    result = run_in_process(config, catalogue([], orders=records))
    assert result.status == 0
    assert synced_posts(medusa) == ["order_A"]
    (letter,) = ledger_of(config).dead_letters("medusa")
    assert (letter.entity, letter.key) == ("order_synced", "order_GONE")
    assert letter.reason.startswith("NOT_FOUND: Medusa has no order order_GONE")
    assert "Odoo order 6" in letter.reason and "client_order_ref" in letter.reason
    # the route itself was checked once (GET /odoo/orders answered): api_url is right, the order is unknown
    assert [r.path for r in medusa.state.requests if r.method == "GET"] == ["/odoo/orders"]


def test_odoo_hub_retry_acknowledges_once_the_order_is_in_medusa(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    records = {"sale_order": [sale_order(6, "draft", "MEDUSA-order_LATE", create_date=CREATED)]}
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    assert [d.key for d in ledger_of(config).dead_letters("medusa")] == ["order_LATE"]
    medusa.state.add_order("order_LATE", display_id=77)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MEDUSA_URL": medusa.url,
        "MEDUSA_API_KEY": KEY,
        "ODOO_HUB_LEDGER_URL": config["ledger_url"],
    }
    proc = subprocess.run(
        [str(BIN / "odoo-hub"), "retry", "--target", "medusa", "--json", "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert medusa.state.orders["order_LATE"]["odoo_order_id"] == 6
    assert ledger_of(config).dead_letters("medusa") == []
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    assert synced_posts(medusa) == ["order_LATE"]


def test_acknowledgements_are_not_held_back_by_an_incomplete_input(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    """A sale_order record proves the order is in Odoo: an input cut before tap-odoo's end-of-sync mark
    holds back the order's status events (a later one may be unread), not its acknowledgement."""
    medusa.state.add_order("order_A", display_id=1001)
    records = {"sale_order": [sale_order(1, "sale", "MEDUSA-order_A", create_date=CREATED)]}
    result = run_in_process(config, catalogue([], orders=records, complete=False))
    assert result.status == 1  # the input ended before the end-of-sync mark
    assert synced_posts(medusa) == ["order_A"]
    assert medusa.state.events_for("order_A") == []  # order.confirmed waits for a complete input
    assert run_in_process(config, catalogue([], orders=records)).status == 0
    assert medusa.state.events_for("order_A") == ["order.confirmed"]
    assert synced_posts(medusa) == ["order_A"]


@pytest.mark.parametrize("how", ["wrong key", "wrong base path"])
def test_a_wrong_key_or_base_path_stops_the_run_without_dead_letters(
    how: str, medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    medusa.state.add_order("order_A", display_id=1001)
    config |= {"api_key": "wrong-key"} if how == "wrong key" else {"api_url": medusa.url + "/admin"}
    records = {"sale_order": [sale_order(1, "sale", "MEDUSA-order_A", create_date=CREATED)]}
    result = run_in_process(config, catalogue([], orders=records))
    assert result.status == 3
    assert '"bookmarks"' not in result.stdout
    assert ledger_of(config).dead_letters("medusa") == []
    assert medusa.state.orders["order_A"]["synced"] is False


def test_two_runs_at_once_acknowledge_each_order_once(
    medusa: MedusaSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    orders = 40
    for k in range(1, orders + 1):
        medusa.state.add_order(f"order_{k}", display_id=k)
    medusa.faults.configure(latency=0.05)  # each call takes a while, so the two runs overlap
    records = {
        "sale_order": [
            sale_order(k, "draft", f"MEDUSA-order_{k}", create_date=CREATED) for k in range(1, orders + 1)
        ]
    }
    data = catalogue([], orders=records)
    procs = [start_target(config, tmp_path, f"config{n}.json") for n in (1, 2)]
    results: list[tuple[str, str]] = [("", "")] * 2

    def feed(n: int) -> None:
        results[n] = procs[n].communicate(data, timeout=120)

    threads = [threading.Thread(target=feed, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for proc, (_, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err[-2000:]
    assert sorted(synced_posts(medusa)) == sorted(f"order_{k}" for k in range(1, orders + 1))
    assert medusa.state.writes["order.synced"] == orders
    first, second = sorted(ledger_of(config).history(), key=lambda r: r.started_at)
    assert first.finished_at is not None and second.started_at < first.finished_at, "the runs did not overlap"
    assert first.sent + second.sent == orders
    assert ledger_of(config).dead_letters("medusa") == []
