"""target-linkit against the Linkit sandbox: catalogue, SKU stock per branch, re-runs, a suspended account,
bad records, the minimal bulk answer (G4)."""

from __future__ import annotations

from typing import Any

import pytest

from etl.errors import StopRun
from sandbox.linkit import LinkitSandbox, serve_linkit
from target_linkit.adapter import read_bulk_answer
from target_linkit.target import ConfigError, check_config

from .helpers import TOKEN, dead_letters, product, run, singer, stock_row


def test_products_arrive_with_the_right_fields(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    products = [product(1), product(2, active=False, barcode=None, lst_price=12.5)]
    result = run(config, singer(products))
    assert result.status == 0, result
    one = linkit.state.products["GEN-000001"]
    assert (one["name_en"], one["average_price"], one["barcode"], one["is_enabled"]) == (
        "Generated product 1",
        1.25,
        "6290000000001",
        True,
    )
    two = linkit.state.products["GEN-000002"]
    assert (two["average_price"], two["is_enabled"]) == (12.5, False)
    assert linkit.state.created["product:GEN-000001"] == 1
    assert dead_letters(config) == []


def test_sku_qty_per_branch_is_exact_and_integer(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config.update(branches={"WH2": "WH"}, safety_stock=1)  # two warehouses on branch WH: summed
    products = [product(1), product(2)]
    rows = [
        stock_row("GEN-000001", 100001, 10.9, "WH", 1),
        stock_row("GEN-000001", 100001, 4.5, "WH2", 3),  # WH + WH2 = 15.4 -> floor 15 - 1 = 14
        stock_row("GEN-000001", 100001, 3.2, "SHOP", 2),  # 3 - 1 = 2
        stock_row("GEN-000002", 100002, -4.0, "WH", 1),  # negative -> 0
        stock_row("GEN-000002", 100002, 0.7, "SHOP", 2),  # floor 0 - 1 -> 0, never below 0
    ]
    result = run(config, singer(products, rows))
    assert result.status == 0, result
    qty = linkit.state.qty()
    assert qty == {
        ("GEN-000001", "WH"): 14,
        ("GEN-000001", "SHOP"): 2,
        ("GEN-000002", "WH"): 0,
        ("GEN-000002", "SHOP"): 0,
    }
    assert all(type(s["qty"]) is int for s in linkit.state.skus.values())
    assert dead_letters(config) == []


def test_stock_waits_for_the_end_of_sync_mark(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    rows = [stock_row("GEN-000001", 100001, 7, "WH", 1)]
    result = run(config, singer([product(1)], rows, complete=False))
    assert result.status == 1  # the input ended before the mark: the sums are held back
    assert "GEN-000001" in linkit.state.products  # whole records are sent
    assert linkit.state.writes["sku.updated"] == 0
    assert run(config, singer([product(1)], rows)).status == 0
    assert linkit.state.qty()[("GEN-000001", "WH")] == 7


def test_unchanged_rerun_sends_nothing(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    products = [product(i) for i in range(1, 31)]
    rows = [stock_row(p["default_code"], p["id"], i, "WH", 1) for i, p in enumerate(products)]
    assert run(config, singer(products, rows)).status == 0
    writes = linkit.state.write_count()
    posts = sum(1 for r in linkit.state.requests if r.method == "POST")
    again = run(config, singer(products, rows))
    assert again.status == 0 and again.summary is not None
    assert again.summary.sent == 0 and again.summary.unchanged == 60
    assert linkit.state.write_count() == writes
    assert sum(1 for r in linkit.state.requests if r.method == "POST") == posts
    rows[3] = stock_row("GEN-000004", 100004, 99, "WH", 1)
    third = run(config, singer(products, rows))
    assert third.summary is not None and third.summary.sent == 1
    assert linkit.state.qty()[("GEN-000004", "WH")] == 99


def test_suspended_account_stops_the_run_without_dead_letters(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    linkit.state.suspended = True
    result = run(config, singer([product(1), product(2)], [stock_row("GEN-000001", 100001, 3)]))
    assert result.status == 3
    assert dead_letters(config) == []
    assert linkit.state.products == {}
    assert '"type": "STATE"' not in result.stdout


def test_wrong_token_stops_the_run(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["api_token"] = "wrong"
    assert run(config, singer([product(1)])).status == 3
    assert dead_letters(config) == []


def test_bad_records_are_dead_letters_with_a_reason(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    products = [
        product(1),
        product(2, default_code=None),  # no internal reference: no iv_id
        product(3, lst_price=-5.0),  # Linkit refuses a negative average_price
        product(4),
        product(5, default_code="GEN-000001"),  # a second product with the same reference
    ]
    rows = [
        stock_row("GEN-000001", 100001, 2, "WH", 1),
        stock_row("GEN-000004", 100004, 4, "NOWHERE", 9),  # no such branch in Linkit
    ]
    result = run(config, singer(products, rows))
    assert result.status == 0
    assert set(linkit.state.products) == {"GEN-000001", "GEN-000004"}
    assert linkit.state.qty()[("GEN-000001", "WH")] == 2
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert len(reasons) == 4, reasons
    assert "default_code" in next(r for k, r in reasons.items() if "100002" in k)
    assert "average_price" in reasons["GEN-000003"]
    assert "DUPLICATE_IV_ID" in reasons["GEN-000001 (odoo id 100005)"]
    assert (
        "SKU_NOT_FOUND" in reasons["GEN-000004_NOWHERE"] and "branch NOWHERE" in reasons["GEN-000004_NOWHERE"]
    )
    # a second run with fail_on_dead_letters exits 1 (the dead letters are not silently passed)
    config["fail_on_dead_letters"] = True
    assert run(config, singer(products, rows)).status == 1


def test_items_linkit_refuses_are_found_by_halving(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    """G4: the minimal bulk answer says only success false; the target finds the failed item alone."""
    config["safety_stock"] = 0
    products = [product(i) for i in range(1, 9)]
    # a product deleted in Linkit behind our back: its SKU fails on Linkit's side only
    rows = [stock_row(p["default_code"], p["id"], 5, "WH", 1) for p in products]
    assert run(config, singer(products)).status == 0
    del linkit.state.products["GEN-000005"]  # removed in Linkit behind our back
    with linkit.state.lock:
        linkit.state.skus.pop("GEN-000005_WH", None)
    result = run(config, singer(products, rows))
    assert result.status == 0
    assert {k: v for k, v in linkit.state.qty().items() if k[1] == "WH"} == {
        (p["default_code"], "WH"): 5 for p in products if p["default_code"] != "GEN-000005"
    }
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert list(reasons) == ["GEN-000005_WH"]
    assert "product GEN-000005" in reasons["GEN-000005_WH"]


def test_wrong_api_url_stops_the_run(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["api_url"] = linkit.api_url.replace("/api/v1", "")  # 404: no such route
    result = run(config, singer([product(1)]))
    assert result.status == 3
    assert linkit.state.products == {}
    assert dead_letters(config) == []


def test_an_answer_that_is_not_a_bulk_answer_is_an_error() -> None:
    with pytest.raises(StopRun, match="not a bulk answer"):
        read_bulk_answer("/products/bulk", {"data": []}, 1)
    with pytest.raises(StopRun):
        read_bulk_answer("/products/bulk", [{"success": True}], 1)
    # per-item results that contradict the summary: every item in doubt (halved), never "all accepted"
    contradiction = {"success": True, "data": {"results": [{"index": 0, "success": False, "error": "x"}]}}
    assert read_bulk_answer("/skus/bulk", contradiction, 1) == (False, "", None)


def test_rich_answers_give_linkit_reasons_directly(config: dict[str, Any]) -> None:
    with serve_linkit(api_token=TOKEN, port=0, answers="rich") as rich:
        config["api_url"] = rich.api_url
        products = [product(1), product(2, lst_price=-5.0), product(3, lst_price=-1.0), product(4)]
        result = run(config, singer(products))
        assert result.status == 0
        posts = [r for r in rich.state.requests if r.path.endswith("/products/bulk")]
        assert len(posts) == 1  # the listed results name the failed items: no halving
        assert set(rich.state.products) == {"GEN-000001", "GEN-000004"}
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert sorted(reasons) == ["GEN-000002", "GEN-000003"]
    assert "average_price" in reasons["GEN-000002"]


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"api_url": "linkit.works"}, "api_url"),
        ({"api_token": " "}, "api_token"),
        ({"batch_size": 1001}, "batch_size"),
        ({"safety_stock": -1}, "safety_stock"),
        ({"quantity_field": "qty"}, "quantity_field"),
        ({"branches": {"WH": ""}}, "branches"),
        ({"auth_scheme": "basic"}, "auth_scheme"),
        ({"working_hours_shape": "object"}, "working_hours_shape"),
        ({"branch_calendar_field": "x y"}, "branch_calendar_field"),
        ({"phone_country_code": "966"}, "phone_country_code"),
        ({"offer_sources": ["coupons"]}, "offer_sources"),
        ({"order_line_ref": "barcode"}, "order_line_ref"),
    ],
)
def test_check_config_names_the_setting(change: dict[str, Any], setting: str) -> None:
    config = {"api_url": "https://linkit.works/api/v1", "api_token": "t", **change}
    with pytest.raises(ConfigError, match=f"setting {setting}"):
        check_config(config)
