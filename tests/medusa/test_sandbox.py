"""The Medusa sandbox answers as seed 002 documents (real HTTP on 127.0.0.1, port 0)."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.medusa import MedusaSandbox, serve_medusa

KEY = "test-medusa-key"


@pytest.fixture
def medusa() -> Iterator[MedusaSandbox]:
    with serve_medusa(api_key=KEY, port=0) as m:
        yield m


@pytest.fixture
def api(medusa: MedusaSandbox) -> requests.Session:
    session = requests.Session()
    session.headers["x-odoo-api-key"] = KEY
    return session


def product(i: int, **over: Any) -> dict[str, Any]:
    body = {
        "odoo_product_id": i,
        "sku": f"SKU-{i}",
        "title": f"Product {i}",
        "price": 5000 + i,
        "currency_code": "kwd",
        "weight": 50,
        "weight_unit": "g",
        "barcode": "6291234567890",
        "category_handle": "mobile-accessories",
        "brand": "Powerology",
        "images": [
            {
                "url": f"http://odoo/web/image/product.product/{i}/image_1920",
                "position": 0,
                "is_thumbnail": True,
            }
        ],
        "metadata": {"odoo_id": i},
        "inventory": {"quantity": 7, "manage_inventory": True, "allow_backorder": False},
    }
    body.update(over)
    return body


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/odoo/orders"),
        ("GET", "/odoo/inventory"),
        ("GET", "/odoo/customers"),
        ("POST", "/odoo/products"),
        ("POST", "/odoo/products/bulk"),
        ("DELETE", "/odoo/products/X"),
        ("POST", "/odoo/inventory/update"),
        ("POST", "/odoo/inventory/bulk-update"),
        ("POST", "/odoo/webhooks/order-status"),
    ],
)
def test_every_route_needs_the_api_key(medusa: MedusaSandbox, method: str, path: str) -> None:
    for headers in ({}, {"x-odoo-api-key": "wrong"}):
        answer = requests.request(method, medusa.url + path, json={}, headers=headers, timeout=5)
        assert answer.status_code == 401
        assert answer.json() == {
            "success": False,
            "error": {
                "code": "UNAUTHORIZED",
                "message": "Invalid or missing API key (header x-odoo-api-key)",
                "details": {},
            },
        }
    assert medusa.state.write_count() == 0


def test_product_create_then_update_by_sku(medusa: MedusaSandbox, api: requests.Session) -> None:
    first = api.post(medusa.url + "/odoo/products", json=product(1)).json()
    assert first["success"] and first["product"]["created"] and first["product"]["sku"] == "SKU-1"
    assert first["product"]["handle"] == "product-1"
    second = api.post(medusa.url + "/odoo/products", json=product(1, price=9000)).json()
    assert second["product"]["updated"] and second["product"]["id"] == first["product"]["id"]
    assert medusa.state.products["SKU-1"]["price"] == 9000
    assert medusa.state.created["SKU-1"] == 1
    assert medusa.state.stock() == {"SKU-1": 7}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"title": "x" * 300}, "title"),
        ({"price": -1}, "price"),
        ({"price": 12.5}, "price"),
        ({"barcode": "12AB"}, "barcode"),
        ({"weight": -3}, "weight"),
        ({"currency_code": "KWD"}, "currency_code"),
        ({"category_handle": "Bad Handle"}, "category_handle"),
        ({"images": [{"url": "ftp://x"}]}, "images[0].url"),
        ({"inventory": {"quantity": -2}}, "inventory.quantity"),
    ],
)
def test_validation_error_names_the_field(
    medusa: MedusaSandbox, api: requests.Session, override: dict[str, Any], field: str
) -> None:
    answer = api.post(medusa.url + "/odoo/products", json=product(1, **override))
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["details"]["field"] == field
    assert field in error["message"]
    assert medusa.state.products == {}


def test_duplicate_sku_and_bulk_partial_failure(medusa: MedusaSandbox, api: requests.Session) -> None:
    api.post(medusa.url + "/odoo/products", json=product(1))
    clash = api.post(medusa.url + "/odoo/products", json=product(2, sku="SKU-1"))
    assert clash.status_code == 409 and clash.json()["error"]["code"] == "DUPLICATE_SKU"
    bulk = api.post(
        medusa.url + "/odoo/products/bulk",
        json={
            "products": [
                product(1, title="Renamed"),
                product(3),
                product(4, sku="SKU-1"),
                product(5, title=""),
            ]
        },
    ).json()
    assert bulk["results"]["total"] == 4
    assert (bulk["results"]["created"], bulk["results"]["updated"], bulk["results"]["failed"]) == (1, 1, 2)
    codes = {(e["index"], e["code"]) for e in bulk["results"]["errors"]}
    assert codes == {(2, "DUPLICATE_SKU"), (3, "VALIDATION_ERROR")}
    assert bulk["results"]["errors"][1]["field"] == "products[3].title"
    assert set(medusa.state.products) == {"SKU-1", "SKU-3"}


def test_bulk_body_shape_is_checked(medusa: MedusaSandbox, api: requests.Session) -> None:
    bodies: list[dict[str, Any]] = [{}, {"products": []}, {"products": [product(i) for i in range(1001)]}]
    for body in bodies:
        answer = api.post(medusa.url + "/odoo/products/bulk", json=body)
        assert answer.status_code == 400 and answer.json()["error"]["details"]["field"] == "products"
    bad_json = api.post(
        medusa.url + "/odoo/products", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400 and bad_json.json()["error"]["details"]["field"] == "body"


def test_delete_and_sku_not_found(medusa: MedusaSandbox, api: requests.Session) -> None:
    api.post(medusa.url + "/odoo/products", json=product(1, sku="A/B 1"))
    assert api.delete(medusa.url + "/odoo/products/A%2FB%201").json()["deleted"] is True
    assert medusa.state.products == {} and medusa.state.deleted_skus == ["A/B 1"]
    missing = api.delete(medusa.url + "/odoo/products/A%2FB%201")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "SKU_NOT_FOUND"
    single = api.post(medusa.url + "/odoo/inventory/update", json={"sku": "NOPE", "quantity": 1})
    assert single.status_code == 404 and single.json()["error"]["code"] == "SKU_NOT_FOUND"
    unknown = api.get(medusa.url + "/odoo/nothing")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "NOT_FOUND"


def test_inventory_updates_and_listing(medusa: MedusaSandbox, api: requests.Session) -> None:
    api.post(medusa.url + "/odoo/products/bulk", json={"products": [product(i) for i in range(1, 13)]})
    one = api.post(
        medusa.url + "/odoo/inventory/update",
        json={"sku": "SKU-1", "quantity": 150, "location_id": "loc_01ABC"},
    ).json()
    assert one["inventory"] == {
        "sku": "SKU-1",
        "previous_quantity": 7,
        "new_quantity": 150,
        "location_id": "loc_01ABC",
    }
    bulk = api.post(
        medusa.url + "/odoo/inventory/bulk-update",
        json={
            "items": [
                {"sku": "SKU-2", "quantity": 75},
                {"sku": "GONE", "quantity": 1},
                {"sku": "SKU-3", "quantity": -1},
            ]
        },
    ).json()
    assert bulk["results"]["updated"] == 1 and bulk["results"]["not_found"] == 1
    assert {e["code"] for e in bulk["results"]["errors"]} == {"SKU_NOT_FOUND", "VALIDATION_ERROR"}
    reduce = api.post(
        medusa.url + "/odoo/inventory/reduce",
        json={"order_id": "order_1", "items": [{"sku": "SKU-2", "quantity": 5}]},
    ).json()
    assert reduce["results"]["reduced"] == 1 and medusa.state.stock()["SKU-2"] == 70
    page = api.get(medusa.url + "/odoo/inventory", params={"limit": 5, "offset": 10}).json()
    assert page["total"] == 12 and page["limit"] == 5 and len(page["inventory"]) == 2
    low = api.get(medusa.url + "/odoo/inventory", params={"low_stock": "true", "limit": "100"}).json()
    assert low["total"] == 10  # 7 each, except SKU-1 (150) and SKU-2 (70)
    by_sku = api.get(
        medusa.url + "/odoo/inventory", params={"sku": "SKU-1", "include_products": "true"}
    ).json()
    row = by_sku["inventory"][0]
    assert row["available_quantity"] == 150 and row["product"]["handle"] == "product-1"


def test_orders_customers_and_synced(medusa: MedusaSandbox, api: requests.Session) -> None:
    medusa.state.add_order("order_A", display_id=1001, created_at="2026-02-01T10:00:00.000Z")
    medusa.state.add_order("order_B", display_id=1002, created_at="2026-03-01T10:00:00.000Z")
    medusa.state.add_customer("a@example.com")
    got = api.get(medusa.url + "/odoo/orders", params={"date_from": "2026-02-15T00:00:00Z"}).json()
    assert [o["id"] for o in got["orders"]] == ["order_B"] and got["total"] == 1 and got["limit"] == 50
    assert api.get(medusa.url + "/odoo/orders/order_A").json()["order"]["display_id"] == 1001
    assert api.get(medusa.url + "/odoo/orders/none").json()["error"]["code"] == "NOT_FOUND"
    synced = api.post(medusa.url + "/odoo/orders/order_A/synced", json={"odoo_order_id": 12})
    assert synced.json()["order"]["synced"] is True
    assert [o["id"] for o in api.get(medusa.url + "/odoo/orders?synced=false").json()["orders"]] == [
        "order_B"
    ]
    customers = api.get(medusa.url + "/odoo/customers", params={"email": "A@example.com"}).json()
    assert customers["total"] == 1 and customers["customers"][0]["addresses"][0]["city"] == "Kuwait City"


def test_order_status_webhook(medusa: MedusaSandbox, api: requests.Session) -> None:
    medusa.state.add_order("order_01HXY", display_id=1001)
    shipped = api.post(
        medusa.url + "/odoo/webhooks/order-status",
        json={
            "event_type": "order.shipped",
            "order": {
                "medusa_order_id": "order_01HXY",
                "odoo_order_id": 123,
                "odoo_order_name": "S00123",
                "tracking_number": "TRK1",
                "tracking_url": "https://t.example/TRK1",
                "carrier_name": "FedEx",
            },
        },
    ).json()
    assert shipped["order"]["display_id"] == 1001
    assert shipped["metadata_updated"] == [
        "odoo_shipped",
        "odoo_shipped_at",
        "tracking_number",
        "tracking_url",
        "carrier_name",
    ]
    assert medusa.state.orders["order_01HXY"]["metadata"]["tracking_number"] == "TRK1"
    bad = api.post(medusa.url + "/odoo/webhooks/order-status", json={"event_type": "order.lost", "order": {}})
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "event_type"
    none = api.post(
        medusa.url + "/odoo/webhooks/order-status",
        json={"event_type": "order.paid", "order": {"medusa_order_id": "order_X"}},
    )
    assert none.status_code == 404 and none.json()["error"]["code"] == "NOT_FOUND"
    assert medusa.state.events_for("order_01HXY") == ["order.shipped"]


def test_product_and_inventory_webhooks(medusa: MedusaSandbox, api: requests.Session) -> None:
    api.post(medusa.url + "/odoo/products", json=product(1))
    hook = medusa.url + "/odoo/webhooks/products"
    updated = api.post(
        hook,
        json={
            "event_type": "product.updated",
            "product": {
                "odoo_id": 1,
                "sku": "SKU-1",
                "name": "New name",
                "list_price": 25.0,
                "qty_available": 100,
            },
        },
    ).json()
    assert updated["action"] == "updated" and medusa.state.products["SKU-1"]["price"] == 25000
    fresh = api.post(hook, json={"event_type": "product.created", "product": {"sku": "NEW-1"}}).json()
    assert fresh["action"] == "inventory_created" and "NEW-1" in medusa.state.inventory
    inv = api.post(
        medusa.url + "/odoo/webhooks/inventory",
        json={
            "event_type": "inventory.updated",
            "items": [
                {"sku": "SKU-1", "quantity": 50, "adjustment_type": "absolute"},
                {"sku": "SKU-1", "quantity": -5, "adjustment_type": "delta"},
                {"sku": "MISSING", "quantity": 1},
            ],
        },
    ).json()
    assert inv["summary"] == {"total": 3, "processed": 2, "failed": 0, "not_found": 1}
    assert [r.get("new_quantity") for r in inv["results"]] == [50, 45, None]
    deleted = api.post(hook, json={"event_type": "product.deleted", "product": {"sku": "SKU-1"}}).json()
    assert deleted["deleted"] is True and "SKU-1" not in medusa.state.products


def test_faults_errors_with_retry_after_and_drops(medusa: MedusaSandbox, api: requests.Session) -> None:
    medusa.faults.force_next("429", "503", "drop", "drop_after")
    first = api.post(medusa.url + "/odoo/products", json=product(1))
    assert first.status_code == 429 and first.headers["Retry-After"] == "1"
    assert first.json()["error"]["code"] == "RATE_LIMITED"
    assert api.post(medusa.url + "/odoo/products", json=product(1)).status_code == 503
    assert medusa.state.products == {}  # an injected error applies nothing
    with pytest.raises(requests.ConnectionError):
        api.post(medusa.url + "/odoo/products", json=product(1))
    assert medusa.state.products == {}
    with pytest.raises(requests.ConnectionError):
        api.post(medusa.url + "/odoo/products", json=product(2))
    assert set(medusa.state.products) == {"SKU-2"}  # dropped after the write was applied
    medusa.faults.configure(error_rate=0.5, seed=7)
    statuses = [api.get(medusa.url + "/odoo/inventory").status_code for _ in range(40)]
    assert 10 < sum(s in (429, 503) for s in statuses) < 30 and statuses.count(200) > 10
    with pytest.raises(ValueError, match="error_rate"):
        medusa.faults.configure(error_rate=2)


def test_keep_alive_reuses_one_connection(medusa: MedusaSandbox) -> None:
    host, port = medusa.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port))
    conn.connect()
    sock = conn.sock
    for i in range(3):
        conn.request(
            "POST",
            "/odoo/products",
            body=json.dumps(product(i + 1)),
            headers={"x-odoo-api-key": KEY, "Content-Type": "application/json"},
        )
        assert conn.getresponse().read() and conn.sock is sock
    conn.close()


def test_cli_serves_until_terminated() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from sandbox.cli import main; main(sys.argv[1:])",
            "medusa",
            "--port",
            "0",
            "--api-key",
            KEY,
            "--orders",
            "2",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert KEY not in line
        url = line.split(" on ")[1].split()[0]
        orders = requests.get(url + "/odoo/orders", headers={"x-odoo-api-key": KEY}, timeout=5).json()
        assert orders["total"] == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
