"""Branches (both working-hours shapes), products, SKUs (product x branch), bulk modes and limits, lists."""

from __future__ import annotations

import pytest
import requests

from sandbox.linkit import LinkitSandbox, serve_linkit
from sandbox.linkit.app import normalize_hours

from .conftest import TOKEN, Api
from .helpers import BULK_KEYS, HOURS_ARRAY, HOURS_OBJECT, LIST_KEYS, branch, product, sku


def bulk(api: Api, plural: str, items: list, mode: str = "upsert") -> dict:
    answer = api.post(f"/{plural}/bulk", json={"mode": mode, plural: items})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == BULK_KEYS
    return body


def test_branches_both_working_hours_shapes(linkit: LinkitSandbox, api: Api) -> None:
    body = bulk(api, "branches", [branch("WH1"), branch("WH2", working_hours=HOURS_OBJECT)])
    assert body == {"success": True, "message": "Processed 2 branches successfully"}
    wh1, wh2 = linkit.state.branches["WH1"], linkit.state.branches["WH2"]
    assert wh1["working_hours"] == HOURS_ARRAY and wh1["working_hours_periods"] == HOURS_ARRAY
    assert wh2["working_hours"] == HOURS_OBJECT
    assert wh2["working_hours_periods"] == [
        {"WeekDay": "Monday", "OpenHour": 10, "OpenMinute": 0, "CloseHour": 22, "CloseMinute": 0},
        {"WeekDay": "Sunday", "OpenHour": 12, "OpenMinute": 0, "CloseHour": 24, "CloseMinute": 0},
    ]
    listed = api.get("/branches").json()
    assert set(listed) == LIST_KEYS and listed["total_count"] == 2
    keys = {
        "id", "iv_id", "organization_id", "name_en", "name_ar", "active", "location",
        "working_hours", "working_hours_periods", "created", "updated",
    }  # fmt: skip
    assert all(set(b) == keys for b in listed["data"])
    assert api.get("/branches", params={"search": "wh2"}).json()["total_count"] == 1
    assert api.get("/branches", params={"active": "false"}).json()["total_count"] == 0


@pytest.mark.parametrize(
    "hours",
    [
        [{"WeekDay": "Monday", "OpenHour": 25, "OpenMinute": 0, "CloseHour": 26, "CloseMinute": 0}],
        [{"WeekDay": "monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0}],
        [{"WeekDay": "Monday", "OpenHour": 9.5, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0}],
        [{"WeekDay": "Monday", "OpenHour": 22, "OpenMinute": 0, "CloseHour": 2, "CloseMinute": 0}],
        {"monday": {"open": "25:00", "close": "26:00"}},
        {"Monday": {"open": "10:00", "close": "22:00"}},
        {"monday": {"open": "10", "close": "22:00"}},
        "9-18",
    ],
)
def test_bad_working_hours_fail_that_branch_only(linkit: LinkitSandbox, api: Api, hours: object) -> None:
    body = bulk(api, "branches", [branch("OK"), branch("BAD", working_hours=hours)])
    assert body["success"] is False and "1 failed" in body["message"]
    assert set(linkit.state.branches) == {"OK"}


def test_overnight_hours_switch() -> None:
    night = [{"WeekDay": "Friday", "OpenHour": 22, "OpenMinute": 0, "CloseHour": 2, "CloseMinute": 0}]
    assert normalize_hours(night, overnight=True) == night
    with serve_linkit(api_token=TOKEN, allow_overnight=True) as linkit:
        answer = requests.post(
            linkit.api_url + "/branches/bulk",
            json={"mode": "upsert", "branches": [branch("N", working_hours=night)]},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=5,
        )
        assert answer.json()["success"] is True


def test_products_and_branches_generate_skus_by_the_id_rule(linkit: LinkitSandbox, api: Api) -> None:
    bulk(api, "products", [product("P1"), product("P2")])
    assert linkit.state.skus == {}
    bulk(api, "branches", [branch("WH1")])
    bulk(api, "products", [product("P3", average_price=10)])
    bulk(api, "branches", [branch("WH2")])
    assert set(linkit.state.skus) == {f"P{p}_WH{b}" for p in (1, 2, 3) for b in (1, 2)}
    generated = linkit.state.skus["P3_WH1"]
    assert generated["qty"] == 0 and generated["price"] == 10 and generated["available"] is False
    assert generated["product_iv_id"] == "P3" and generated["branch_iv_id"] == "WH1"
    keys = {
        "id", "iv_id", "organization_id", "product_iv_id", "branch_iv_id", "qty", "price", "cost",
        "available", "created", "updated",
    }  # fmt: skip
    page = api.get("/skus", params={"branch_iv_id": "WH2", "limit": 100}).json()
    assert page["total_count"] == 3 and all(set(s) == keys for s in page["data"])
    keys = {
        "id", "iv_id", "organization_id", "name_en", "name_ar", "average_price", "vat_value", "barcode",
        "brand_id", "category_id", "generic_id", "is_enabled", "is_deleted", "created", "updated",
    }  # fmt: skip
    assert all(set(p) == keys for p in api.get("/products").json()["data"])
    assert linkit.state.created["product:P1"] == 1


def test_sku_bulk_sets_integer_qty_price_availability(linkit: LinkitSandbox, api: Api) -> None:
    bulk(api, "branches", [branch("WH1")])
    bulk(api, "products", [product("P1"), product("P2")])
    items = [
        sku("P1", "WH1", 7),
        sku("P2", "WH1", 2.5),  # G12: fractional
        sku("P2", "WH1", -1),  # negative
        sku("P2", "WH1", "3"),
        sku("P2", "WH1", 3, iv_id="SKU-001"),  # G11: not the id rule
        sku("P9", "WH1", 3),  # unknown product
        sku("P2", "WH9", 3),  # unknown branch
    ]
    body = bulk(api, "skus", items, mode="update")
    assert body == {"success": False, "message": "Processed 7 skus: 1 succeeded, 6 failed"}
    assert linkit.state.qty() == {("P1", "WH1"): 7, ("P2", "WH1"): 0}
    assert linkit.state.skus["P1_WH1"]["available"] is True
    assert bulk(api, "skus", [sku("P1", "WH1", 1)], mode="create")["success"] is False  # always exists
    assert bulk(api, "skus", [sku("P2", "WH1", 4)], mode="upsert")["success"] is True
    assert linkit.state.qty()[("P2", "WH1")] == 4
    assert api.get("/skus", params={"min_qty": 5}).json()["total_count"] == 1
    assert api.get("/skus", params={"available": "true", "max_qty": 4}).json()["total_count"] == 1


def test_free_sku_id_rule_switch() -> None:
    with serve_linkit(api_token=TOKEN, sku_id_rule="free") as linkit:
        api = Api(linkit.api_url, requests.Session())
        api.session.headers["Authorization"] = f"Bearer {TOKEN}"
        bulk(api, "branches", [branch("WH1")])
        bulk(api, "products", [product("P1")])
        assert bulk(api, "skus", [sku("P1", "WH1", 3, iv_id="SKU-001")])["success"] is True
        assert linkit.state.qty() == {("P1", "WH1"): 3}


def test_bulk_modes(linkit: LinkitSandbox, api: Api) -> None:
    assert bulk(api, "products", [product("P1")], mode="create")["success"] is True
    assert bulk(api, "products", [product("P1")], mode="create")["success"] is False
    assert bulk(api, "products", [product("P2")], mode="update")["success"] is False
    assert bulk(api, "products", [product("P1", name_en="Renamed")], mode="update")["success"] is True
    assert bulk(api, "products", [product("P2"), {"iv_id": "P1", "is_enabled": False}])["success"] is True
    p1 = linkit.state.products["P1"]
    assert p1["name_en"] == "Renamed" and p1["is_enabled"] is False and p1["average_price"] == 49.99
    assert linkit.state.writes["product.created"] == 2 and linkit.state.created["product:P1"] == 1
    bad = bulk(api, "products", [{"iv_id": "P3"}, product("P4", vat_value=150), product("P5"), "x"])
    assert bad["message"] == "Processed 4 products: 1 succeeded, 3 failed"
    assert set(linkit.state.products) == {"P1", "P2", "P5"}


@pytest.mark.parametrize(
    "body",
    [
        {"mode": "upsert", "products": []},
        {"mode": "upsert", "products": [product(f"P{i}") for i in range(1001)]},
        {"products": [product("P1")]},
        {"mode": "merge", "products": [product("P1")]},
        [product("P1")],
    ],
)
def test_bulk_request_refused_whole(linkit: LinkitSandbox, api: Api, body: object) -> None:
    answer = api.post("/products/bulk", json=body)
    assert answer.status_code == 400 and set(answer.json()) == {"success", "message"}
    assert linkit.state.write_count() == 0


def test_bulk_of_1000_is_accepted(linkit: LinkitSandbox, api: Api) -> None:
    body = bulk(api, "products", [product(f"P{i}") for i in range(1000)])
    assert body["success"] is True and len(linkit.state.products) == 1000


def test_rich_bulk_answer_names_failed_items() -> None:
    with serve_linkit(api_token=TOKEN, answers="rich") as linkit:
        answer = requests.post(
            linkit.api_url + "/products/bulk",
            json={"mode": "upsert", "products": [product("P1"), {"iv_id": "P2"}]},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=5,
        ).json()
        data = answer["data"]
        assert (data["total"], data["succeeded"], data["failed"]) == (2, 1, 1)
        assert data["results"][1]["iv_id"] == "P2" and "name_en" in data["results"][1]["error"]


def test_list_envelope_paging_and_sort(linkit: LinkitSandbox, api: Api) -> None:
    bulk(api, "products", [product(f"P{i:03d}", name_en=f"N{i:03d}") for i in range(250)])
    first = api.get("/products").json()
    assert set(first) == LIST_KEYS and first["meta"] == {}
    assert (first["count"], first["total_count"], first["page"], first["limit"], first["has_next"]) == (
        20, 250, 1, 20, True,
    )  # fmt: skip
    assert first["data"][0]["iv_id"] == "P249"  # default sort -created
    clamped = api.get("/products", params={"limit": 500}).json()
    assert clamped["limit"] == 100 and clamped["count"] == 100 and clamped["has_next"] is True
    seen = []
    page = 1
    while True:
        body = api.get("/products", params={"page": page, "limit": 100, "sort": "name_en"}).json()
        seen += [p["iv_id"] for p in body["data"]]
        if not body["has_next"]:
            break
        page += 1
    assert seen == [f"P{i:03d}" for i in range(250)] and page == 3
    past = api.get("/products", params={"page": 9, "limit": 100}).json()
    assert past["data"] == [] and past["has_next"] is False
    assert api.get("/products", params={"sort": "-updated"}).status_code == 400  # G6
    assert api.get("/products", params={"page": 0}).status_code == 400
    assert api.get("/products", params={"limit": "x"}).status_code == 400
    assert api.get("/products", params={"is_enabled": "yes"}).status_code == 400
    assert api.get("/products", params={"search": "n007"}).json()["total_count"] == 1


def test_sort_by_updated_is_a_switch() -> None:
    with serve_linkit(api_token=TOKEN, sort_fields=("created", "name_en", "updated")) as linkit:
        answer = requests.get(
            linkit.api_url + "/products", params={"sort": "-updated"},
            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5,
        )  # fmt: skip
        assert answer.status_code == 200
