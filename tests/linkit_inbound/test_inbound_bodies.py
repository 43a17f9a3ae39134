"""A bad body is a 422 naming the item and the field, and nothing of it is applied (atomic, the default).

Over the shared read-only sandbox: a refused body must not write, and these tests prove it by the
sandbox's call counter staying where it was. The body shapes are seed 000's (working hours) and Linkit's
own `/api/v1` shapes for SKUs, customers and offers (the ASSUMPTION of docs/linkit-inbound.md).
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import POS_KEY, Service

MONDAY = [{"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0}]


def hours(code: str, value: Any = None) -> dict[str, Any]:
    return {"branch_iv_id": code, "working_hours": MONDAY if value is None else value}


def sku(product: str = "FURN_0001", branch: str = "WH", qty: Any = 5) -> dict[str, Any]:
    return {"iv_id": f"{product}_{branch}", "product_iv_id": product, "branch_iv_id": branch, "qty": qty}


# (route, body, field named, index named, words in the reason)
CASES = [
    ("/linkit/erp/branches/working-hours", [hours("WH")], "body", None, "one branch object"),
    ("/linkit/erp/branches/working-hours", {"working_hours": MONDAY}, "branch_iv_id", None, "required"),
    ("/linkit/erp/branches/working-hours", {"branch_iv_id": "WH"}, "working_hours", None, "period array"),
    ("/linkit/erp/branches/working-hours/bulk", {"branches": []}, "branches", None, "1..1000"),
    ("/linkit/erp/branches/working-hours/bulk", {"branches": [hours("WH"), 7]}, "branches[1]", 1, "object"),
    (
        "/linkit/erp/branches/working-hours/bulk",
        {"branches": [hours("WH"), hours("CHIC1", {"monday": {"open": "10:00", "close": "25:00"}})]},
        "branches[1].working_hours",
        1,
        "not a time of day",
    ),
    (
        "/linkit/erp/branches/working-hours/bulk",
        {"branches": [hours("WH"), hours("NOPE-9")]},
        "branches[1].branch_iv_id",
        1,
        "no stock.warehouse with code NOPE-9",
    ),
    (
        "/linkit/erp/branches/working-hours/bulk",
        {"branches": [hours("WH"), hours("WH")]},
        "branches[1]",
        1,
        "as item 0",
    ),
    ("/linkit/erp/inventory", {"mode": "create", "skus": [sku()]}, "mode", None, "upsert"),
    ("/linkit/erp/inventory", {"skus": [sku(), sku("FURN_0002", qty=2.5)]}, "skus[1].qty", 1, "fraction"),
    ("/linkit/erp/inventory", [sku(), sku("FURN_0002", qty=None)], "[1].qty", 1, "required"),
    ("/linkit/erp/inventory", {"skus": [sku("NO-SUCH-SKU")]}, "skus[0].product_iv_id", 0, "not in Odoo"),
    ("/linkit/erp/customers", {"id": "c1", "first_name": "Lina"}, "email", None, "email or phone"),
    ("/linkit/erp/customers", {"id": "c1", "email": "not-an-email"}, "email", None, "email address"),
    ("/linkit/erp/customers", {"email": "lina@example.com"}, "id", None, "key field 'id' is empty"),
    (
        "/linkit/erp/offers",
        {"offers": [{"id": "o1", "name": "Weekend", "offer_type": "half_price"}]},
        "offers[0].offer_type",
        0,
        "direct_discount",
    ),
    (
        "/linkit/erp/offers",
        {"id": "o2", "name": "BOGO", "offer_type": "bogo", "buy_qty": 1, "get_qty": 1},
        "offer_type",
        None,
        "only direct_discount is mapped",
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "index", "words"), CASES)
def test_bad_body_is_422_naming_the_field_and_nothing_is_applied(
    read_service: Service, path: str, body: Any, field: str, index: int | None, words: str
) -> None:
    before = read_service.writes()
    got = read_service.call("POST", path, json=body)
    assert got.status_code == 422, got.text
    error = got.json()["error"]
    named = [(i["field"], i.get("index")) for i in error["issues"]]
    assert (field, index) in named, error
    assert any(words in i["reason"] for i in error["issues"]), error
    assert "nothing was applied" in got.json()["message"]
    assert read_service.writes() == before


def test_every_problem_of_a_body_is_listed(read_service: Service) -> None:
    body = {"skus": [sku(qty=None), sku("FURN_0002"), sku("FURN_0003", branch="")]}
    got = read_service.call("POST", "/linkit/pos/inventory", POS_KEY, json=body)
    assert got.status_code == 422
    fields = {i["field"] for i in got.json()["error"]["issues"]}
    assert fields == {"skus[0].qty", "skus[2].branch_iv_id"}


def test_not_json_and_too_large(read_service: Service) -> None:
    got = read_service.call("POST", "/linkit/erp/customers", data=b"\xff\xfe", headers={"Content-Type": "x"})
    assert got.status_code == 422 and got.json()["error"]["field"] == "body"
    big = {"skus": [sku(qty=1)] * 1 + [{"note": "x" * (6 * 1024 * 1024)}]}
    got = read_service.call("POST", "/linkit/erp/inventory", json=big)
    assert got.status_code == 413 and "max_body_bytes" in got.json()["message"]
