"""The GET feeds over the recorded Odoo 17 data (55 products with an internal reference, 24 sale orders,
4 POS orders in sessions 1 and 2, all last written 2026-11-22), in Linkit's list envelope."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import POS_KEY, Service, service_on

ENVELOPE = {"data", "count", "total_count", "page", "limit", "has_next", "meta"}


def test_products_are_paged_in_linkits_envelope(read_service: Service) -> None:
    first = read_service.call("GET", "/linkit/erp/products?limit=20").json()
    assert set(first) == ENVELOPE
    assert (first["count"], first["total_count"], first["page"], first["has_next"]) == (20, 55, 1, True)
    last = read_service.call("GET", "/api/linkit/products?limit=20&page=3").json()
    assert (last["count"], last["has_next"]) == (15, False)
    every = read_service.call("GET", "/linkit/erp/products?limit=500").json()
    assert every["limit"] == 100 and every["count"] == 55  # as Linkit: a limit over 100 is served as 100
    ids = [p["odoo_id"] for p in every["data"]]
    assert ids == sorted(ids) and len(set(p["iv_id"] for p in every["data"])) == 55
    chair = next(p for p in every["data"] if p["iv_id"] == "FURN_7777")
    assert chair == {
        "iv_id": "FURN_7777",
        "name_en": "Office Chair",
        "average_price": 70.0,
        "barcode": None,
        "is_enabled": True,
        "odoo_id": 5,
        "updated": "2026-11-22T13:40:56Z",
    }
    assert read_service.call("GET", "/linkit/erp/products?is_enabled=false").json()["total_count"] == 0
    later = read_service.call("GET", "/linkit/erp/products?since=2026-11-23T00:00:00Z").json()
    assert later["total_count"] == 0


def test_sale_orders_carry_lines_amounts_and_status(read_service: Service) -> None:
    page = read_service.call("GET", "/linkit/erp/orders?limit=1").json()
    assert page["total_count"] == 24 and page["meta"]["model"] == "sale.order"
    [order] = page["data"]
    assert order["source"] == "odoo" and order["external_id"] == "S00001"
    assert order["source_transaction_id"] == "odoo:sale.order:1"
    assert (order["subtotal"], order["tax"], order["total_amount"], order["currency"]) == (
        1740.0,
        261.0,
        2001.0,
        "USD",
    )
    assert order["customer_name"] == "Deco Addict" and order["status"] == "pending"
    assert [(line["iv_id"], line["quantity"]) for line in order["products"]] == [
        ("FURN_6666", 3.0),
        ("FURN_8888", 5.0),
        ("FURN_7777", 2.0),
    ]
    assert (
        read_service.call("GET", "/linkit/erp/orders?since=2026-11-22T13:41:00Z").json()["total_count"] == 24
    )
    assert (
        read_service.call("GET", "/linkit/erp/orders?since=2026-11-22T14:00:00+00:00").json()["total_count"]
        == 0
    )


def test_pos_orders_filter_by_session_state_and_since(read_service: Service) -> None:
    def names(query: str) -> list[str]:
        got = read_service.call("GET", f"/linkit/pos/orders?{query}", POS_KEY)
        assert got.status_code == 200, got.text
        return [o["external_id"] for o in got.json()["data"]]

    assert names("session_id=1") == ["ClosedDemo/0001", "ClosedDemo/0002"]
    assert names("session_id=2&state=done") == ["ClosedDemo/0003", "ClosedDemo/0004"]
    assert names("state=paid") == []
    assert names("since=2026-11-22T13:40:00Z") == [f"ClosedDemo/000{i}" for i in range(1, 5)]
    assert names("since=2026-11-22T13:41:00Z") == []
    order = read_service.call("GET", "/linkit/pos/orders?session_id=1&limit=1", POS_KEY).json()["data"][0]
    assert order["source"] == "odoo-pos" and order["session"] == {"id": 1, "name": "POS/00001"}
    assert (order["status"], order["payment_status"], order["total_amount"]) == ("delivered", "paid", 4.81)


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("page=0", "page"),
        ("limit=ten", "limit"),
        ("since=yesterday", "since"),
        ("state=bogus", "state"),
        ("session_id=abc", "session_id"),
    ],
)
def test_a_bad_query_parameter_is_422_naming_it(read_service: Service, query: str, param: str) -> None:
    got = read_service.call("GET", f"/linkit/pos/orders?{query}", POS_KEY)
    assert got.status_code == 422 and got.json()["error"]["field"] == param, got.text
    if param == "state":
        assert "draft, cancel, paid, done, invoiced" in got.json()["message"]


def test_health_and_feeds_when_odoo_is_down(tmp_path: Path, read_service: Service) -> None:
    class Gone:  # an Odoo nobody listens for
        url, db = "http://127.0.0.1:9", "gone"
        calls: dict[tuple[str, str], int] = {}

    with service_on(Gone(), tmp_path) as svc:
        health = svc.call("GET", "/linkit/erp/health")
        assert health.status_code == 503 and health.json()["status"] == "unhealthy"
        assert health.json()["odoo"]["reachable"] is False
        got = svc.call("GET", "/linkit/pos/orders", POS_KEY)
        assert got.status_code == 503 and got.headers["Retry-After"] == "30"
        body = {"branch_iv_id": "WH", "working_hours": {"monday": {"open": "09:00", "close": "17:00"}}}
        got = svc.call("POST", "/linkit/erp/branches/working-hours", json=body)
        assert got.status_code == 503 and got.json()["error"]["code"] == "odoo_unavailable", got.text
    up = read_service.call("GET", "/linkit/erp/health").json()
    assert up["status"] == "ok" and up["odoo"] == {"reachable": True, "server_version": "17.0"}
    assert up["streams"] == {"branches": True, "skus": True, "customers": True, "offers": True}
