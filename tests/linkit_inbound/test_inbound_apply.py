"""Bodies applied into Odoo through target-odoo's writer (an Odoo sandbox of each test's own): what Odoo
holds afterwards, the per-item answer, and a re-post of the same body costing no Odoo write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import POS_KEY, ServiceFactory

from etl.ledger import Ledger
from sandbox.odoo import OdooSandbox
from tap_odoo.client import OdooClient

ARRAY = [
    {"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0},
    {"WeekDay": "Tuesday", "OpenHour": 9, "OpenMinute": 30, "CloseHour": 17, "CloseMinute": 45},
]
OBJECT = {"monday": {"open": "10:00", "close": "22:00"}, "sunday": {"open": "12:00", "close": "24:00"}}
BULK = {
    "branches": [
        {"branch_iv_id": "WH", "working_hours": ARRAY},
        {"branch_iv_id": "CHIC1", "working_hours": OBJECT},
    ]
}


@pytest.fixture
def client(odoo: OdooSandbox) -> Iterator[OdooClient]:
    with OdooClient(odoo.url, odoo.db, "admin", "admin") as c:
        yield c


def calendar_of(client: OdooClient, branch: str) -> list[tuple[str, float, float]]:
    [xid] = client.search_read(
        "ir.model.data", [["module", "=", "odoo_hub"], ["name", "=", f"linkit_branch_{branch}"]], ["res_id"]
    )
    rows = client.search_read(
        "resource.calendar.attendance",
        [["calendar_id", "=", xid["res_id"]]],
        ["dayofweek", "hour_from", "hour_to"],
    )
    return sorted((r["dayofweek"], r["hour_from"], r["hour_to"]) for r in rows)


def on_hand(client: OdooClient, code: str, warehouse: int = 1) -> float:
    [row] = client.search_read(
        "product.product", [["default_code", "=", code]], ["qty_available"], context={"warehouse": warehouse}
    )
    return float(row["qty_available"])


def statuses(answer: dict[str, Any]) -> list[str]:
    return [r["status"] for r in answer["results"]]


def test_bulk_hours_applied_then_the_same_body_again_writes_nothing(
    write_service: ServiceFactory, odoo: OdooSandbox, client: OdooClient
) -> None:
    with write_service() as svc:
        got = svc.call("POST", "/linkit/erp/branches/working-hours/bulk", json=BULK)
        assert got.status_code == 200, got.text
        assert statuses(got.json()) == ["applied", "applied"] and got.json()["success"] is True
        assert calendar_of(client, "WH") == [("0", 9.0, 18.0), ("1", 9.5, 17.75)]
        assert calendar_of(client, "CHIC1") == [("0", 10.0, 22.0), ("6", 12.0, 24.0)]
        odoo.calls.reset()
        again = svc.call("POST", "/api/linkit/branches/working-hours/bulk", json=BULK)  # legacy alias
        assert again.status_code == 200 and statuses(again.json()) == ["unchanged", "unchanged"]
        assert svc.writes() == 0
        # the POS plugin's single-branch route, same body shape: one branch's hours change
        one = {"branch_iv_id": "WH", "working_hours": {"friday": {"open": "08:00", "close": "12:00"}}}
        got = svc.call("POST", "/linkit/pos/branches/working-hours", POS_KEY, json=one)
        assert got.status_code == 200 and statuses(got.json()) == ["applied"]
        assert calendar_of(client, "WH") == [("4", 8.0, 12.0)]
        assert calendar_of(client, "CHIC1") == [("0", 10.0, 22.0), ("6", 12.0, 24.0)]


def test_inventory_sets_the_count_and_a_repost_is_unchanged(
    write_service: ServiceFactory, odoo: OdooSandbox, client: OdooClient
) -> None:
    body = {"skus": [{"iv_id": "FURN_0001_WH", "product_iv_id": "FURN_0001", "branch_iv_id": "WH", "qty": 7}]}
    with write_service() as svc:
        got = svc.call("POST", "/linkit/pos/inventory", POS_KEY, json=body)
        assert got.status_code == 200 and statuses(got.json()) == ["applied"], got.text
        assert on_hand(client, "FURN_0001") == 7.0
        odoo.calls.reset()
        got = svc.call("POST", "/linkit/erp/inventory", json=body["skus"][0])  # one SKU object, ERP plugin
        assert got.status_code == 200 and statuses(got.json()) == ["unchanged"]
        assert svc.writes() == 0


def test_customers_and_offers_are_applied(write_service: ServiceFactory, client: OdooClient) -> None:
    customer = {"id": "cust_1", "first_name": "Lina", "last_name": "Saleh", "email": "Lina@Example.com"}
    offer = {
        "id": "ofr_1",
        "name": "Weekend 15%",
        "offer_type": "direct_discount",
        "status": "active",
        "target_scope": "product",
        "target_iv_id": "FURN_0001",
        "discount_type": "percentage",
        "discount_value": 15,
    }
    with write_service() as svc:
        got = svc.call("POST", "/linkit/pos/customers", POS_KEY, json={"customers": [customer]})
        assert got.status_code == 200 and statuses(got.json()) == ["applied"], got.text
        got = svc.call("POST", "/linkit/erp/offers", json=[offer])
        assert got.status_code == 200 and statuses(got.json()) == ["applied"], got.text
    [partner] = client.search_read("res.partner", [["email", "=ilike", "lina@example.com"]], ["name"])
    assert partner["name"] == "Lina Saleh"
    programs = client.search_read(
        "loyalty.program", [["name", "ilike", "Weekend 15%"]], ["active"], context={"active_test": False}
    )
    assert len(programs) == 1 and programs[0]["active"] is False  # inactive until a person reviews it


def test_one_bad_item_refuses_the_whole_body(
    write_service: ServiceFactory, odoo: OdooSandbox, client: OdooClient
) -> None:
    body = {"branches": [BULK["branches"][0], {"branch_iv_id": "CHIC1", "working_hours": {"moonday": {}}}]}
    with write_service() as svc:
        odoo.calls.reset()
        got = svc.call("POST", "/linkit/erp/branches/working-hours/bulk", json=body)
        assert got.status_code == 422
        assert (
            got.json()["error"]["index"] == 1 and got.json()["error"]["field"] == "branches[1].working_hours"
        )
        assert svc.writes() == 0
        assert Ledger(svc.settings.ledger_url).history() == []  # not even a run was opened


def test_what_odoo_refuses_after_the_checks_is_409_with_each_item_answered(
    write_service: ServiceFactory, client: OdooClient
) -> None:
    body = {
        "skus": [
            {"product_iv_id": "FURN_0001", "branch_iv_id": "WH", "qty": 4},
            {
                "product_iv_id": "CONS_0001",
                "branch_iv_id": "WH",
                "qty": 3,
            },  # a consumable: Odoo keeps no count
        ]
    }
    with write_service() as svc:
        got = svc.call("POST", "/linkit/erp/inventory", json=body)
        assert got.status_code == 409, got.text
        answer = got.json()
        assert answer["error"]["code"] == "refused_by_odoo" and statuses(answer) == ["applied", "failed"]
        assert "consumables" in answer["results"][1]["reason"]
        [letter] = Ledger(svc.settings.ledger_url).dead_letters()
        assert letter.key == "CONS_0001@WH" and "consumables" in letter.reason
    assert on_hand(client, "FURN_0001") == 4.0


def test_per_item_mode_applies_the_good_items_and_dead_letters_the_bad(
    write_service: ServiceFactory, client: OdooClient
) -> None:
    body = {
        "skus": [
            {"product_iv_id": "FURN_0002", "branch_iv_id": "WH", "qty": 6},
            {"product_iv_id": "FURN_0003", "branch_iv_id": "NOPE", "qty": 3},
            {"product_iv_id": "FURN_0003", "branch_iv_id": "WH", "qty": 1.5},
        ]
    }
    with write_service(apply_mode="per_item") as svc:
        got = svc.call("POST", "/linkit/erp/inventory", json=body)
        assert got.status_code == 200 and got.json()["success"] is False
        assert statuses(got.json()) == ["applied", "invalid", "invalid"]
        letters = {d.key: d.reason for d in Ledger(svc.settings.ledger_url).dead_letters()}
        assert set(letters) == {"FURN_0003@NOPE", "FURN_0003@WH"}
        assert "no stock.warehouse with code NOPE" in letters["FURN_0003@NOPE"]
        assert "fraction" in letters["FURN_0003@WH"]
    assert on_hand(client, "FURN_0002") == 6.0
