"""No silent loss: what a hostile user found against the Odoo -> Medusa flow, each reproduced and fixed.

Every test here runs on the Medusa sandbox's default, seed-minimal answers (bulk answers count failures and
list nothing in `errors`), so nothing passes only against a generous backend.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from sandbox.medusa import MedusaSandbox

from .helpers import KEY, ledger_of, run_in_process
from .messages import catalogue, product, stock_row


def states(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


# ---------------------------------------------------------------- 1. a wrong key or no server stops the run
def test_wrong_key_stops_at_the_first_call_with_no_state_and_no_dead_letters(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    products = [product(i) for i in range(1, 301)]
    bad = run_in_process(config | {"api_key": "not-the-key"}, catalogue(products))
    assert bad.status == 3
    assert states(bad.stdout) == []  # no STATE: the next run reads these products again
    assert ledger_of(config).dead_letters("medusa") == []
    calls = [(r.method, r.path) for r in medusa.state.requests]
    # the bulk calls in flight at once (concurrency 2), not one call per product
    assert set(calls) == {("POST", "/odoo/products/bulk")} and len(calls) <= config["concurrency"]
    assert ledger_of(config).history(1, "medusa")[0].status == "stopped"
    good = run_in_process(config, catalogue(products))
    assert good.status == 0 and len(medusa.state.products) == 300


def test_unreachable_medusa_stops_the_run_without_dead_letters(config: dict[str, Any]) -> None:
    config |= {"api_url": "http://127.0.0.1:9", "max_retries": 1}
    result = run_in_process(config, catalogue([product(i) for i in range(1, 6)]))
    assert result.status == 3 and states(result.stdout) == []
    assert ledger_of(config).dead_letters("medusa") == []


def test_wrong_base_path_is_not_taken_as_deleted_or_sent(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    """A route-level 404 NOT_FOUND (api_url with a wrong path) stops the run; nothing is 'already deleted'."""
    config |= {"api_url": medusa.url + "/admin", "on_archive": "delete"}
    result = run_in_process(config, catalogue([product(1), product(2, active=False)]))
    assert result.status == 3 and states(result.stdout) == []
    assert ledger_of(config).bindings("medusa", "product") == []


# ---------------------------------------------------------------- 2. one bad value never stops the pipeline
@pytest.mark.parametrize("price", [1e300, float("inf"), float("nan"), 1e20])
def test_a_price_no_platform_can_hold_is_a_dead_letter_and_the_rest_goes_on(
    medusa: MedusaSandbox, config: dict[str, Any], price: float
) -> None:
    data = catalogue(
        [product(1), product(2, list_price=price), product(3)], [stock_row("GEN-000001", 100001, 4)]
    )
    result = run_in_process(config, data)
    assert result.status == 0
    assert set(medusa.state.products) == {"GEN-000001", "GEN-000003"}
    assert medusa.state.stock()["GEN-000001"] == 4
    assert "sync_complete" in states(result.stdout)[-1]  # STATE goes on past the bad record
    [letter] = ledger_of(config).dead_letters("medusa")
    assert letter.key == "GEN-000002" and "price" in letter.reason


# ---------------------------------------------------------------- 3. a cut input sends no partial aggregate
def two_warehouse_input(n: int, complete: bool = True) -> str:
    products = [product(i) for i in range(1, n + 1)]
    rows = [stock_row(p["default_code"], p["id"], 10 + i, "WH", 1) for i, p in enumerate(products)]
    rows += [stock_row(p["default_code"], p["id"], 100, "CHIC1", 2) for p in products]  # a later page
    orders = {
        "sale_order": [{"id": 7, "name": "S00007", "state": "sale", "client_order_ref": "MEDUSA-order_7"}],
        "stock_picking": [
            {
                "id": 70,
                "state": "done",
                "sale_id": {"id": 7, "name": "S00007"},
                "picking_type_code": "outgoing",
            }
        ],
    }
    return catalogue(products, rows, orders, complete=complete)


def test_cut_input_never_sends_a_value_that_differs_from_odoo(
    medusa: MedusaSandbox, config: dict[str, Any], tmp_path: Any
) -> None:
    """Medusa holds Odoo's true stock (a complete run put it there); then the same input cut at many points,
    at line ends and mid-line, each run on a fresh ledger (so every record counts as changed): a stock value
    summed from some warehouses' pages would overwrite a true one. None may; no order event may jump ahead."""
    full = two_warehouse_input(30)
    truth = {f"GEN-{i:06d}": 10 + (i - 1) + 100 for i in range(1, 31)}
    medusa.state.add_order("order_7", display_id=7)
    whole = run_in_process(config | {"ledger_url": f"sqlite:///{tmp_path}/whole.sqlite"}, full)
    assert whole.status == 0 and medusa.state.stock() == truth
    assert medusa.state.events_for("order_7") == ["order.confirmed", "order.shipped"]
    lines = full.splitlines(keepends=True)
    cuts = sorted({*range(1, len(lines), 7), len(lines) - 1})
    for n, cut in enumerate(cuts):
        for mid_line in (False, True):
            medusa.state.order_events.clear()
            head = "".join(lines[:cut]) + (lines[cut][: len(lines[cut]) // 2] if mid_line else "")
            ledger = f"sqlite:///{tmp_path}/cut{n}-{mid_line}.sqlite"
            result = run_in_process(config | {"ledger_url": ledger}, head)
            assert result.status == 1, (cut, mid_line)
            sent = medusa.state.stock()
            assert sent == truth, (cut, {k: (v, truth[k]) for k, v in sent.items() if v != truth[k]})
            assert medusa.state.order_events == []
            assert all("sync_complete" not in s for s in states(result.stdout))


def test_an_input_without_the_end_mark_is_accepted_only_when_told(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    data = two_warehouse_input(3, complete=False)
    assert run_in_process(config, data).status == 1
    assert medusa.state.stock() == {"GEN-000001": 0, "GEN-000002": 0, "GEN-000003": 0}  # created, no stock
    assert run_in_process(config | {"require_sync_complete": False}, data).status == 0
    assert medusa.state.stock() == {"GEN-000001": 110, "GEN-000002": 111, "GEN-000003": 112}


# ---------------------------------------------------------------- 4. bulk answers are read, not trusted
def test_not_found_counted_but_not_listed_is_found_out_and_dead_lettered(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    """Seed 002 §6.2 answers `{not_found: 1, errors: []}`: the target finds which SKU by halving the batch
    and sending the culprit alone; it is never taken as sent."""
    products = [product(i) for i in range(1, 9)]
    assert run_in_process(config, catalogue(products)).status == 0
    medusa.state.products.pop("GEN-000005")  # removed in Medusa behind our back
    medusa.state.inventory.pop("GEN-000005", None)
    rows = [stock_row(p["default_code"], p["id"], 3) for p in products]
    result = run_in_process(config, catalogue([], rows))
    assert result.status == 0
    assert medusa.state.stock() == {p["default_code"]: 3 for p in products if p["id"] != 100005}
    [letter] = ledger_of(config).dead_letters("medusa")
    assert letter.key == "GEN-000005" and "SKU_NOT_FOUND" in letter.reason
    bound = {b.key for b in ledger_of(config).bindings("medusa", "inventory")}
    assert "GEN-000005" not in bound and len(bound) == 7


# ---------------------------------------------------------------- 12. stock never below 0 after safety stock
def test_stock_below_safety_stock_is_sent_as_zero_not_left_stale(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    config |= {"safety_stock": 3}
    rows = [stock_row("GEN-000001", 100001, 10)]
    assert run_in_process(config, catalogue([product(1)], rows)).status == 0
    assert medusa.state.stock() == {"GEN-000001": 7}
    result = run_in_process(config, catalogue([], [stock_row("GEN-000001", 100001, 1)]))
    assert result.status == 0 and ledger_of(config).dead_letters("medusa") == []
    assert medusa.state.stock() == {"GEN-000001": 0}  # 1 - 3 floors at 0; a stale 7 would oversell


def test_fractional_stock_floors_to_whole_units() -> None:
    from etl.transforms import BuildContext
    from target_medusa.mapping import stock_quantity

    ctx = BuildContext(record={}, entity="inventory", key="X", lookups={}, config={"safety_stock": 2})
    assert [stock_quantity(v, {}, ctx) for v in (12.7, 2.0, 1.5, -4.0)] == [10, 0, 0, 0]
    assert math.isfinite(12.7)


def test_secrets_stay_out_of_the_stop_message(
    medusa: MedusaSandbox, config: dict[str, Any], caplog: Any
) -> None:
    result = run_in_process(config | {"api_key": "s3cret-wrong-key"}, catalogue([product(1)]))
    assert result.status == 3
    assert "s3cret-wrong-key" not in caplog.text and KEY not in caplog.text
    assert "refused the credential" in caplog.text


def test_a_route_level_404_on_delete_is_not_already_deleted(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    """Only SKU_NOT_FOUND means gone: NOT_FOUND (a wrong base path here) leaves a dead letter, not a
    product recorded as deleted."""
    config |= {"api_url": medusa.url + "/admin", "on_archive": "delete"}
    result = run_in_process(config, catalogue([product(2, active=False)]))
    assert result.status == 0
    [letter] = ledger_of(config).dead_letters("medusa")
    assert letter.key == "GEN-000002" and "NOT_FOUND" in letter.reason and "SKU_NOT_FOUND" in letter.reason
    assert ledger_of(config).bindings("medusa", "product") == []


# ---------------------------------------------------------------- 4. how bulk answers are read
N4 = [{"sku": f"S{i}"} for i in range(4)]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            {"success": True, "results": {"total": 4, "created": 0, "updated": 4, "failed": 0, "errors": []}},
            0,
        ),
        ({"success": True, "results": {"total": 4, "updated": 3, "not_found": 1, "errors": []}}, 1),
        ({"success": False, "results": {"total": 4, "updated": 4, "not_found": 0, "errors": []}}, 4),
        ({"success": True, "results": {"total": 5, "updated": 4, "failed": 0, "errors": []}}, 4),
    ],
)
def test_bulk_answer_counts_say_how_many_failed(answer: dict[str, Any], expected: int) -> None:
    from target_medusa.adapter import read_bulk_answer

    assert read_bulk_answer("/odoo/inventory/bulk-update", answer, N4) == (expected, set())


@pytest.mark.parametrize(
    "answer",
    [
        {"not_found": 1, "errors": []},  # counts outside `results`: not seed 002's shape
        {"success": True},
        {"success": True, "results": {"errors": []}},
        {"success": True, "results": {"updated": "4"}},
        "<html>ok</html>",
        [],
    ],
)
def test_a_bulk_answer_that_cannot_be_read_stops_the_run(answer: Any) -> None:
    from etl.errors import StopRun
    from target_medusa.adapter import read_bulk_answer

    with pytest.raises(StopRun, match="is not a bulk answer"):
        read_bulk_answer("/odoo/products/bulk", answer, N4)


def test_named_failures_are_used_when_a_backend_lists_them() -> None:
    from target_medusa.adapter import read_bulk_answer

    answer = {"results": {"total": 4, "updated": 2, "failed": 2, "errors": [{"index": 1}, {"sku": "S3"}]}}
    assert read_bulk_answer("/odoo/products/bulk", answer, N4) == (2, {1, 3})


# ---------------------------------------------------------------- 6. a mapping never falls back silently
def test_a_product_stream_without_lst_price_stops_at_start_naming_it(config: dict[str, Any]) -> None:
    data = catalogue([product(1)]).replace('"lst_price": {"type": ["number", "null"]}, ', "")
    with pytest.raises(Exception, match="no field lst_price") as err:
        run_in_process(config, data)
    assert "product.price" in str(err.value) and 'extra_fields {"product.product": ["lst_price"]}' in str(
        err.value
    )


def test_price_is_the_variants_sales_price_and_compare_at_follows_seed_8_2(
    medusa: MedusaSandbox, config: dict[str, Any]
) -> None:
    """A Conference Chair variant in a real Odoo 17: list_price 33.0, price_extra 6.4, lst_price 39.4."""
    chair = product(24, default_code="E-COM13", list_price=33.0, lst_price=39.4)
    plain = product(25, list_price=12.5)
    assert run_in_process(config, catalogue([chair, plain])).status == 0
    got = medusa.state.products["E-COM13"]
    assert got["price"] == 39400  # not the template's 33000
    assert got.get("compare_at_price") == 39400  # seed 002 8.2: lst_price when above list_price
    assert medusa.state.products["GEN-000025"]["price"] == 12500
    assert medusa.state.products["GEN-000025"].get("compare_at_price") is None
