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
def api() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.headers["x-odoo-api-key"] = KEY
        yield session


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


def envelope(code: str, message: str | None = None) -> dict[str, Any]:
    """The §9 error envelope as the seed mode answers it (`details` always `{}`)."""
    return {"success": False, "error": {"code": code, "message": message, "details": {}}}


def error_of(answer: requests.Response, status: int, code: str) -> dict[str, Any]:
    """Check status and envelope (exact keys, `details: {}`); return the body."""
    body = answer.json()
    assert answer.status_code == status
    assert body == envelope(code, body["error"]["message"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body


# Exact key sets of seed 002's answers.
PRODUCT_KEYS = {"id", "title", "handle", "variant_id", "sku", "created", "updated"}  # §5.1
ORDER_KEYS = {  # §4.1
    "id",
    "display_id",
    "status",
    "email",
    "currency_code",
    "created_at",
    "customer",
    "shipping_address",
    "items",
    "subtotal",
    "tax_total",
    "shipping_total",
    "total",
}
ORDER_CUSTOMER_KEYS = {"id", "email", "first_name", "last_name", "phone"}
SHIPPING_KEYS = {"first_name", "last_name", "address_1", "city", "country_code", "postal_code", "phone"}
ITEM_KEYS = {"id", "title", "quantity", "unit_price", "sku", "variant_id"}
CUSTOMER_KEYS = {  # §4.4
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "has_account",
    "created_at",
    "addresses",
    "order_count",
    "total_spent",
}
ADDRESS_KEYS = {"id", "address_1", "city", "country_code", "phone", "is_default_shipping"}
INVENTORY_KEYS = {  # §4.5
    "id",
    "sku",
    "title",
    "stocked_quantity",
    "reserved_quantity",
    "available_quantity",
    "location_id",
    "location_name",
}
PAGE_KEYS = {"total", "limit", "offset"}


def test_seed_answers_are_the_default(medusa: MedusaSandbox) -> None:
    assert medusa.answers == "seed"
    with pytest.raises(ValueError, match="answers"), serve_medusa(api_key=KEY, answers="chatty"):  # type: ignore[arg-type]
        pass


def test_product_create_then_update_by_sku(medusa: MedusaSandbox, api: requests.Session) -> None:
    first = api.post(medusa.url + "/odoo/products", json=product(1)).json()
    assert set(first) == {"success", "product"} and first["success"] is True
    assert set(first["product"]) == PRODUCT_KEYS
    assert first["product"]["created"] is True and first["product"]["updated"] is False
    assert first["product"]["sku"] == "SKU-1" and first["product"]["handle"] == "product-1"
    second = api.post(medusa.url + "/odoo/products", json=product(1, price=9000)).json()
    assert second["product"] == {**first["product"], "created": False, "updated": True}
    assert medusa.state.products["SKU-1"]["price"] == 9000
    assert medusa.state.created["SKU-1"] == 1
    assert medusa.state.stock() == {"SKU-1": 7}


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"sku": ""}, "sku"),
        ({"title": "  "}, "title"),
        ({"price": -1}, "price"),
        ({"price": 12.5}, "price"),
        ({"barcode": 629123}, "barcode"),
        ({"weight": -3}, "weight"),
        ({"currency_code": "KWD"}, "currency_code"),
        ({"category_handle": "Bad Handle"}, "category_handle"),
        ({"images": [{"url": "ftp://x"}]}, "images[0].url"),
        ({"inventory": {"quantity": -2}}, "inventory.quantity"),
    ],
)
def test_validation_error_is_the_seed_envelope(
    medusa: MedusaSandbox, api: requests.Session, override: dict[str, Any], field: str
) -> None:
    answer = api.post(medusa.url + "/odoo/products", json=product(1, **override))
    body = error_of(answer, 400, "VALIDATION_ERROR")
    assert field in body["error"]["message"]  # human-readable text only; `details` stays {}
    assert medusa.state.products == {}


def test_duplicate_sku_and_bulk_partial_failure_are_only_counted(
    medusa: MedusaSandbox, api: requests.Session
) -> None:
    api.post(medusa.url + "/odoo/products", json=product(1))
    error_of(api.post(medusa.url + "/odoo/products", json=product(2, sku="SKU-1")), 409, "DUPLICATE_SKU")
    bulk = api.post(
        medusa.url + "/odoo/products/bulk",
        json={
            "products": [
                product(1, title="Renamed"),
                product(3),
                product(4, sku="SKU-1"),  # DUPLICATE_SKU
                product(5, title=""),  # VALIDATION_ERROR
            ]
        },
    )
    assert bulk.status_code == 200
    # §5.2 exactly: the two refused items are counted, not listed; success stays true
    assert bulk.json() == {
        "success": True,
        "results": {"total": 4, "created": 1, "updated": 1, "failed": 2, "errors": []},
    }
    assert set(medusa.state.products) == {"SKU-1", "SKU-3"}
    assert medusa.state.products["SKU-1"]["title"] == "Renamed"
    everything_refused = api.post(
        medusa.url + "/odoo/products/bulk", json={"products": [product(6, title=""), product(7, price=-1)]}
    )
    assert everything_refused.status_code == 200
    assert everything_refused.json() == {
        "success": True,
        "results": {"total": 2, "created": 0, "updated": 0, "failed": 2, "errors": []},
    }


def test_bulk_body_shape_is_checked(medusa: MedusaSandbox, api: requests.Session) -> None:
    bodies: list[dict[str, Any]] = [{}, {"products": []}, {"products": [product(i) for i in range(1001)]}]
    for body in bodies:
        answer = api.post(medusa.url + "/odoo/products/bulk", json=body)
        assert "products" in error_of(answer, 400, "VALIDATION_ERROR")["error"]["message"]
    bad_json = api.post(
        medusa.url + "/odoo/products", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    error_of(bad_json, 400, "VALIDATION_ERROR")
    assert medusa.state.write_count() == 0


def test_delete_and_sku_not_found(medusa: MedusaSandbox, api: requests.Session) -> None:
    api.post(medusa.url + "/odoo/products", json=product(1, sku="A/B 1"))
    deleted = api.delete(medusa.url + "/odoo/products/A%2FB%201")
    assert deleted.status_code == 200 and deleted.json() == {"success": True}
    assert medusa.state.products == {} and medusa.state.deleted_skus == ["A/B 1"]
    assert medusa.state.inventory == {}
    error_of(api.delete(medusa.url + "/odoo/products/A%2FB%201"), 404, "SKU_NOT_FOUND")
    single = api.post(medusa.url + "/odoo/inventory/update", json={"sku": "NOPE", "quantity": 1})
    error_of(single, 404, "SKU_NOT_FOUND")
    error_of(api.get(medusa.url + "/odoo/nothing"), 404, "NOT_FOUND")
    error_of(api.put(medusa.url + "/odoo/products", json=product(1)), 404, "NOT_FOUND")


def test_inventory_updates_and_listing(medusa: MedusaSandbox, api: requests.Session) -> None:
    api.post(medusa.url + "/odoo/products/bulk", json={"products": [product(i) for i in range(1, 13)]})
    one = api.post(
        medusa.url + "/odoo/inventory/update",
        json={"sku": "SKU-1", "quantity": 150, "location_id": "loc_01ABC"},
    )
    assert one.status_code == 200 and one.json() == {"success": True}
    assert medusa.state.stock()["SKU-1"] == 150
    assert medusa.state.inventory["SKU-1"]["location_id"] == "loc_01ABC"
    bulk = api.post(
        medusa.url + "/odoo/inventory/bulk-update",
        json={
            "items": [
                {"sku": "SKU-2", "quantity": 75},
                {"sku": "GONE", "quantity": 1},  # unknown: counted in not_found
                {"sku": "SKU-3", "quantity": -1},  # invalid: counted in total only
            ]
        },
    )
    assert bulk.status_code == 200
    assert bulk.json() == {
        "success": True,
        "results": {"total": 3, "updated": 1, "not_found": 1, "errors": []},
    }
    assert medusa.state.stock()["SKU-3"] == 7 and "GONE" not in medusa.state.inventory
    reduce = api.post(
        medusa.url + "/odoo/inventory/reduce",
        json={"order_id": "order_1", "items": [{"sku": "SKU-2", "quantity": 5}]},
    )
    assert reduce.json() == {"success": True} and medusa.state.stock()["SKU-2"] == 70
    partly_unknown = api.post(
        medusa.url + "/odoo/inventory/reduce",
        json={
            "order_id": "order_2",
            "items": [{"sku": "SKU-2", "quantity": 5}, {"sku": "GONE", "quantity": 1}],
        },
    )
    error_of(partly_unknown, 404, "SKU_NOT_FOUND")
    assert medusa.state.stock()["SKU-2"] == 70  # all or nothing
    page = api.get(medusa.url + "/odoo/inventory", params={"limit": 5, "offset": 10}).json()
    assert set(page) == {"inventory"} | PAGE_KEYS
    assert page["total"] == 12 and page["limit"] == 5 and page["offset"] == 10 and len(page["inventory"]) == 2
    assert all(set(row) == INVENTORY_KEYS for row in page["inventory"])
    assert api.get(medusa.url + "/odoo/inventory").json()["limit"] == 100
    low = api.get(medusa.url + "/odoo/inventory", params={"low_stock": "true", "limit": "100"}).json()
    assert low["total"] == 10  # 7 each, except SKU-1 (150) and SKU-2 (70)
    by_sku = api.get(
        medusa.url + "/odoo/inventory", params={"sku": "SKU-1", "include_products": "true"}
    ).json()
    (row,) = by_sku["inventory"]
    assert set(row) == INVENTORY_KEYS | {"product"}
    assert set(row["product"]) == {"id", "title", "handle", "variant_id"}
    assert row["available_quantity"] == 150 and row["product"]["handle"] == "product-1"


def test_orders_customers_and_synced(medusa: MedusaSandbox, api: requests.Session) -> None:
    line = {
        "title": "iPhone 15 Pro Case",
        "quantity": 2,
        "unit_price": 5000,
        "sku": "CASE-1",
        "variant_id": "v1",
    }
    medusa.state.add_order("order_A", display_id=1001, created_at="2026-02-01T10:00:00.000Z", items=[line])
    medusa.state.add_order("order_B", display_id=1002, created_at="2026-03-01T10:00:00.000Z")
    medusa.state.add_customer("a@example.com")
    got = api.get(medusa.url + "/odoo/orders", params={"date_from": "2026-02-15T00:00:00Z"}).json()
    assert set(got) == {"orders"} | PAGE_KEYS
    assert [o["id"] for o in got["orders"]] == ["order_B"] and got["total"] == 1 and got["limit"] == 50
    everything = api.get(medusa.url + "/odoo/orders").json()["orders"]
    for order in everything:
        assert set(order) == ORDER_KEYS
        assert set(order["customer"]) == ORDER_CUSTOMER_KEYS
        assert set(order["shipping_address"]) == SHIPPING_KEYS
        assert order["status"] in ("pending", "completed", "cancelled")
    (item,) = everything[0]["items"]
    assert set(item) == ITEM_KEYS and item["sku"] == "CASE-1" and item["id"].startswith("li_")
    assert everything[0]["subtotal"] == 10000 and everything[0]["total"] == 11000
    single = api.get(medusa.url + "/odoo/orders/order_A").json()
    assert single == {"order": everything[0]}
    error_of(api.get(medusa.url + "/odoo/orders/none"), 404, "NOT_FOUND")
    synced = api.post(medusa.url + "/odoo/orders/order_A/synced", json={"odoo_order_id": 12})
    assert synced.json() == {"success": True} and medusa.state.orders["order_A"]["odoo_order_id"] == 12
    error_of(api.post(medusa.url + "/odoo/orders/none/synced", json={"odoo_order_id": 1}), 404, "NOT_FOUND")
    error_of(api.post(medusa.url + "/odoo/orders/order_B/synced", json={}), 400, "VALIDATION_ERROR")
    assert [o["id"] for o in api.get(medusa.url + "/odoo/orders?synced=false").json()["orders"]] == [
        "order_B"
    ]
    customers = api.get(medusa.url + "/odoo/customers", params={"email": "A@example.com"}).json()
    assert set(customers) == {"customers"} | PAGE_KEYS and customers["total"] == 1
    (customer,) = customers["customers"]
    assert set(customer) == CUSTOMER_KEYS and set(customer["addresses"][0]) == ADDRESS_KEYS
    assert customer["addresses"][0]["city"] == "Kuwait City"


SHIPPED = {
    "event_type": "order.shipped",
    "order": {
        "medusa_order_id": "order_01HXY",
        "odoo_order_id": 123,
        "odoo_order_name": "S00123",
        "tracking_number": "TRK1",
        "tracking_url": "https://t.example/TRK1",
        "carrier_name": "FedEx",
        "shipped_date": "2026-02-28T10:30:00Z",
    },
}


def test_order_status_webhook(medusa: MedusaSandbox, api: requests.Session) -> None:
    medusa.state.add_order("order_01HXY", display_id=1001)
    before = api.get(medusa.url + "/odoo/orders/order_01HXY").json()
    shipped = api.post(medusa.url + "/odoo/webhooks/order-status", json=SHIPPED)
    assert shipped.status_code == 200
    assert shipped.json() == {  # §13.3 exactly
        "success": True,
        "event_type": "order.shipped",
        "order": {
            "medusa_order_id": "order_01HXY",
            "display_id": 1001,
            "odoo_order_id": 123,
            "odoo_order_name": "S00123",
        },
        "metadata_updated": [
            "odoo_shipped",
            "odoo_shipped_at",
            "tracking_number",
            "tracking_url",
            "carrier_name",
        ],
    }
    delivered = api.post(
        medusa.url + "/odoo/webhooks/order-status",
        json={"event_type": "order.delivered", "order": {"medusa_order_id": "order_01HXY"}},
    ).json()
    assert delivered["order"] == {
        "medusa_order_id": "order_01HXY",
        "display_id": 1001,
        "odoo_order_id": None,
        "odoo_order_name": None,
    }
    assert delivered["metadata_updated"] == ["odoo_delivered", "odoo_delivered_at"]
    # the sandbox keeps the flags (tests read them) ...
    order = medusa.state.orders["order_01HXY"]
    assert order["metadata"]["tracking_number"] == "TRK1" and order["metadata"]["odoo_shipped"] is True
    assert order["fulfillment_status"] == "fulfilled" and order["status"] == "completed"
    # ... but the seed's GET /odoo/orders/{id} shows none of them: only §4.1's fields
    after = api.get(medusa.url + "/odoo/orders/order_01HXY").json()
    assert set(after["order"]) == ORDER_KEYS
    assert after == {"order": {**before["order"], "status": "completed"}}
    bad = api.post(medusa.url + "/odoo/webhooks/order-status", json={"event_type": "order.lost", "order": {}})
    error_of(bad, 400, "VALIDATION_ERROR")
    none = api.post(
        medusa.url + "/odoo/webhooks/order-status",
        json={"event_type": "order.paid", "order": {"medusa_order_id": "order_X"}},
    )
    error_of(none, 404, "NOT_FOUND")
    assert medusa.state.events_for("order_01HXY") == ["order.shipped", "order.delivered"]


def test_product_and_inventory_webhooks(medusa: MedusaSandbox, api: requests.Session) -> None:
    created = api.post(medusa.url + "/odoo/products", json=product(1)).json()["product"]
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
    assert updated == {  # §13.1 "Response (Success)"
        "success": True,
        "action": "updated",
        "product": {"variant_id": created["variant_id"], "product_id": created["id"], "sku": "SKU-1"},
    }
    assert medusa.state.products["SKU-1"]["price"] == 25000 and medusa.state.stock()["SKU-1"] == 100
    fresh = api.post(hook, json={"event_type": "product.created", "product": {"sku": "NEW-1"}}).json()
    assert fresh == {  # §13.1 "Response (Product Not in Catalog)"
        "success": True,
        "action": "inventory_created",
        "message": "Product not found in catalog, inventory item created for future linking",
        "sku": "NEW-1",
    }
    assert "NEW-1" in medusa.state.inventory and "NEW-1" not in medusa.state.products
    inv = api.post(
        medusa.url + "/odoo/webhooks/inventory",
        json={
            "event_type": "inventory.updated",
            "items": [
                {"sku": "SKU-1", "quantity": 50, "adjustment_type": "absolute"},
                {"sku": "SKU-1", "quantity": -5, "adjustment_type": "delta"},
                {"sku": "MISSING", "quantity": 1},
                {"sku": "SKU-1", "quantity": -500, "adjustment_type": "delta"},
            ],
        },
    ).json()
    assert inv == {  # §13.2: only applied items are listed; the others are counted
        "success": True,
        "event_type": "inventory.updated",
        "summary": {"total": 4, "processed": 2, "failed": 1, "not_found": 1},
        "results": [
            {"sku": "SKU-1", "status": "success", "previous_quantity": 100, "new_quantity": 50},
            {"sku": "SKU-1", "status": "success", "previous_quantity": 50, "new_quantity": 45},
        ],
    }
    deleted = api.post(hook, json={"event_type": "product.deleted", "product": {"sku": "SKU-1"}})
    assert deleted.json() == {"success": True} and "SKU-1" not in medusa.state.products
    gone = api.post(hook, json={"event_type": "product.deleted", "product": {"sku": "SKU-1"}})
    error_of(gone, 404, "SKU_NOT_FOUND")
    error_of(api.post(hook, json={"event_type": "product.sold", "product": {}}), 400, "VALIDATION_ERROR")


# ---------------------------------------------------------------- answers="rich" (not the contract)
@pytest.fixture
def rich() -> Iterator[MedusaSandbox]:
    with serve_medusa(api_key=KEY, port=0, answers="rich") as m:
        yield m


def test_rich_answers_list_failed_items_and_details(rich: MedusaSandbox, api: requests.Session) -> None:
    assert rich.answers == "rich"
    url = rich.url
    invalid = api.post(url + "/odoo/products", json=product(1, title=""))
    assert invalid.status_code == 400 and invalid.json()["error"]["details"] == {"field": "title"}
    api.post(url + "/odoo/products", json=product(1))
    bulk = api.post(
        url + "/odoo/products/bulk",
        json={
            "products": [
                product(1, title="Renamed"),
                product(3),
                product(4, sku="SKU-1"),
                product(5, title=""),
            ]
        },
    ).json()
    assert bulk["success"] is False
    assert (bulk["results"]["created"], bulk["results"]["updated"], bulk["results"]["failed"]) == (1, 1, 2)
    assert [(e["index"], e["sku"], e["code"]) for e in bulk["results"]["errors"]] == [
        (2, "SKU-1", "DUPLICATE_SKU"),
        (3, "SKU-5", "VALIDATION_ERROR"),
    ]
    assert bulk["results"]["errors"][1]["field"] == "products[3].title"
    stock = api.post(
        url + "/odoo/inventory/bulk-update",
        json={"items": [{"sku": "SKU-3", "quantity": 75}, {"sku": "GONE", "quantity": 1}]},
    ).json()
    assert stock["success"] is False and stock["results"]["not_found"] == 1
    assert [(e["index"], e["sku"], e["code"]) for e in stock["results"]["errors"]] == [
        (1, "GONE", "SKU_NOT_FOUND")
    ]
    one = api.post(url + "/odoo/inventory/update", json={"sku": "SKU-3", "quantity": 9}).json()
    assert one["inventory"] == {
        "sku": "SKU-3",
        "previous_quantity": 75,
        "new_quantity": 9,
        "location_id": rich.state.location_id,
    }
    missing = api.delete(url + "/odoo/products/NOPE").json()
    assert missing["error"]["details"] == {"sku": "NOPE"}
    deleted = api.delete(url + "/odoo/products/SKU-3").json()
    assert deleted["deleted"] is True and deleted["sku"] == "SKU-3"


def test_rich_orders_show_metadata_flags(rich: MedusaSandbox, api: requests.Session) -> None:
    rich.state.add_order("order_01HXY", display_id=1001)
    api.post(rich.url + "/odoo/webhooks/order-status", json=SHIPPED)
    order = api.get(rich.url + "/odoo/orders/order_01HXY").json()["order"]
    assert set(order) > ORDER_KEYS
    assert order["metadata"]["odoo_shipped"] is True and order["metadata"]["tracking_number"] == "TRK1"
    assert order["fulfillment_status"] == "fulfilled" and order["payment_status"] is None
    synced = api.post(rich.url + "/odoo/orders/order_01HXY/synced", json={"odoo_order_id": 5}).json()
    assert synced["order"] == {"id": "order_01HXY", "synced": True, "odoo_order_id": 5}


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


@pytest.mark.parametrize("answers", ["seed", "rich"])
def test_cli_serves_until_terminated(answers: str) -> None:
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
            *(["--answers", answers] if answers == "rich" else []),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert KEY not in line and f"{answers} answers" in line
        url = line.split(" on ")[1].split()[0]
        orders = requests.get(url + "/odoo/orders", headers={"x-odoo-api-key": KEY}, timeout=5).json()
        assert orders["total"] == 2
        keys = {frozenset(o) for o in orders["orders"]}
        if answers == "seed":
            assert keys == {frozenset(ORDER_KEYS)}
        else:
            assert all(k > ORDER_KEYS and "metadata" in k for k in keys)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_refuses_unknown_answers() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sandbox.cli import main; main(sys.argv[1:])",
            "medusa",
            "--answers",
            "chatty",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2 and "--answers" in proc.stderr
