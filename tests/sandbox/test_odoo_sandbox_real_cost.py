"""`odoo-sandbox odoo --real-cost`: reads take at least the recorded real server's time for them.

Durations are only checked from below (a sleep never ends early), so the test cannot flake on a slow
machine; the fitted rates are checked against the recorded figures they come from.
"""

from __future__ import annotations

import json
import time

import pytest

from sandbox.odoo import realcost
from sandbox.odoo.cli import parse_args
from sandbox.odoo.server import OdooSandbox

RATES = realcost.Rates(call=0.02, call_base=0.0, call_per_field=0.001, record=0.002, record_per_field=0.0005)


def test_the_fitted_rates_give_back_the_recorded_json_rpc_figures() -> None:
    rates = realcost.fitted_rates()
    rows = json.loads(realcost.THROUGHPUT.read_text())["results"]
    checked = 0
    for row in rows:
        if row["protocol"] != "jsonrpc" or row["page_size"] < 500:
            continue  # pages of 80 pay an OFFSET scan per call that this model leaves out
        width = int(row["fields"].split("(")[1].rstrip(")"))
        per_page = rates.seconds("search_read", width, row["page_size"])
        last_page = row["records"] - (row["calls"] - 1) * row["page_size"]
        predicted = (row["calls"] - 1) * per_page + rates.seconds("search_read", width, last_page)
        assert predicted == pytest.approx(row["seconds"], rel=0.05), row
        checked += 1
    assert checked == 4
    assert rates.call > 0 and rates.record > 0 and rates.record_per_field > 0


def test_a_read_lasts_per_call_plus_per_record_and_field() -> None:
    sb = OdooSandbox(products=60)
    realcost.install(sb, RATES)
    fields = ["name", "default_code", "list_price"]
    started = time.perf_counter()
    rows = sb.services.call(2, "product.product", "search_read", [[], fields], {"limit": 40})
    elapsed = time.perf_counter() - started
    assert len(rows) == 40
    assert elapsed >= 0.02 + 40 * (0.002 + 3 * 0.0005)  # max(call, 3 x call_per_field) + records
    started = time.perf_counter()
    assert sb.services.call(2, "product.product", "search_count", [[]], {}) >= 60
    assert time.perf_counter() - started >= 0.02  # any other call: the per-call cost only


def test_json2_calls_pay_the_same_cost() -> None:
    sb = OdooSandbox(products=30, version="19.0")
    realcost.install(sb, RATES)
    started = time.perf_counter()
    rows = sb.services.json2(2, "product.product", "search_read", {"fields": ["name"], "limit": 20})
    assert len(rows) == 20
    assert time.perf_counter() - started >= 0.02 + 20 * (0.002 + 0.0005)


def test_the_switch_is_off_unless_asked() -> None:
    assert parse_args([]).real_cost is False
    assert parse_args(["--real-cost"]).real_cost is True
