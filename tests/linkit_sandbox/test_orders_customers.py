"""Orders (bulk create as a bare array, bulk status, the unified read envelope) and customers."""

from __future__ import annotations

import requests

from sandbox.linkit import LinkitSandbox, serve_linkit

from .conftest import TOKEN, Api
from .helpers import BULK_KEYS, LIST_KEYS, branch, order

UNIFIED_KEYS = {
    "id", "organization_id", "source_reference", "source_transaction_id", "source_timestamp", "order_code",
    "order_type", "destination_id", "destination_reference", "store_name", "order_status",
    "fulfillment_status", "payment_status", "fulfillment_method", "payment_method", "transport_type",
    "is_preorder", "promised_for", "total_amount", "discounts_amount", "vat_amount", "delivery_fee",
    "service_fee", "subtotal", "currency", "customer_name", "customer_phone", "customer_email",
    "receiver_name", "receiver_phone", "skus", "products", "shipping_address", "dispatch_routing", "comment",
}  # fmt: skip


def test_orders_bulk_create_is_a_bare_array(linkit: LinkitSandbox, api: Api) -> None:
    api.post("/branches/bulk", json={"mode": "upsert", "branches": [branch("WH1")]})
    items = [
        order("S1"),
        order(
            "S2", source="odoo-pos", destination_reference="WH1", status="confirmed", payment_status="paid"
        ),
        order("S1"),  # duplicate (source, external_id)
        order("S3", products=[{"name": "x", "quantity": 1.5, "price": 1}]),
        order("S4", currency="sar"),
        order("S5", total_amount=None),
        order(None),
        order(None),  # no external id: created each time
    ]
    answer = api.post("/orders/bulk", json=items)
    assert answer.status_code == 200 and set(answer.json()) == BULK_KEYS
    assert answer.json()["message"] == "Processed 8 orders: 4 succeeded, 4 failed"
    assert len(linkit.state.orders) == 4
    pos = linkit.state.order_by_external("odoo-pos", "S2")
    assert pos is not None and pos["status"] == "confirmed" and pos["payment_status"] == "paid"
    assert linkit.state.order_by_external("odoo", "S1")["status"] == "pending"  # type: ignore[index]
    assert api.post("/orders/bulk", json={"orders": [order("S9")]}).status_code == 400
    assert api.post("/orders/bulk", json=[]).status_code == 400


def test_orders_read_in_the_unified_envelope(linkit: LinkitSandbox, api: Api) -> None:
    api.post("/branches/bulk", json={"mode": "upsert", "branches": [branch("WH1")]})
    api.post("/orders/bulk", json=[order("S1", destination_reference="WH1", source_transaction_id="tx-1")])
    listed = api.get("/orders").json()
    assert set(listed) == LIST_KEYS and listed["total_count"] == 1
    envelope = listed["data"][0]
    assert set(envelope) == {"spec_version", "order"} and envelope["spec_version"] == "2026-04-01"
    unified = envelope["order"]
    assert set(unified) == UNIFIED_KEYS
    assert unified["source_reference"] == "S1" and unified["order_status"] == "pending"
    assert unified["destination_id"] == linkit.state.branches["WH1"]["id"]
    assert unified["skus"] == ["P1"] and unified["total_amount"] == 59.98
    single = api.get(f"/orders/{unified['id']}").json()
    assert single == envelope
    assert api.get("/orders/nope").status_code == 404
    assert (
        api.post("/orders/bulk", json=[order("S2", source_transaction_id="tx-1")]).json()["success"] is False
    )


def test_bulk_status(linkit: LinkitSandbox, api: Api) -> None:
    api.post("/orders/bulk", json=[order("S1"), order("S2")])
    ids = {o["external_id"]: o["id"] for o in linkit.state.orders.values()}
    body = {
        "orders": [
            {
                "id": ids["S1"],
                "status": "delivered",
                "payment_status": "paid",
                "fulfillment_status": "fulfilled",
            },
            {"id": ids["S2"], "status": "teleported"},
            {"id": "nope", "status": "cancelled"},
            {"id": ids["S2"]},
        ]
    }
    answer = api.patch("/orders/bulk/status", json=body).json()
    assert answer == {"success": False, "message": "Processed 4 orders: 1 succeeded, 3 failed"}
    s1 = linkit.state.orders[ids["S1"]]
    assert (s1["status"], s1["payment_status"], s1["fulfillment_status"]) == (
        "delivered",
        "paid",
        "fulfilled",
    )
    assert linkit.state.orders[ids["S2"]]["status"] == "pending"
    assert api.get("/orders", params={"status": "delivered"}).json()["total_count"] == 1


def test_legacy_order_shape_switch() -> None:
    with serve_linkit(api_token=TOKEN, order_shape="legacy") as linkit:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        requests.post(linkit.api_url + "/orders/bulk", json=[order("S1")], headers=headers, timeout=5)
        data = requests.get(linkit.api_url + "/orders", headers=headers, timeout=5).json()["data"]
        assert (
            data[0]["source"] == "odoo" and data[0]["external_id"] == "S1" and "spec_version" not in data[0]
        )


def test_customers(linkit: LinkitSandbox, api: Api) -> None:
    org = {"X-Organization-ID": linkit.state.organization_id}
    created = api.post(
        "/customers", json={"first_name": "Ahmed", "email": "Ahmed@Example.com ", "phone": "+966 50 123 4567"}
    )
    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"success", "message", "data"}
    customer = body["data"]
    assert customer["email"] == "ahmed@example.com" and customer["phone"] == "+966501234567"
    assert customer["type"] == "individual" and customer["status"] == "active"
    assert api.post("/customers", json={"email": "AHMED@example.com"}).status_code == 409
    assert api.post("/customers", json={"phone": "+966501234567"}).status_code == 409
    assert api.post("/customers", json={"first_name": "No contact"}).status_code == 422
    assert api.post("/customers", json={"email": "x@y.z", "gender": "n/a"}).status_code == 422
    assert api.post("/customers", json=[]).status_code == 400
    linkit.state.add_customer("sara@example.com", first_name="Sara", type="vip")
    page = api.get("/customers", headers=org).json()
    assert set(page) == LIST_KEYS and page["total_count"] == 2
    assert api.get("/customers", headers=org, params={"search": "sara"}).json()["total_count"] == 1
    assert api.get("/customers", headers=org, params={"type": "vip"}).json()["total_count"] == 1
    patched = api.patch(f"/customers/{customer['id']}", json={"last_name": "Hassan"})
    assert patched.status_code == 200 and patched.json()["data"]["last_name"] == "Hassan"
    sara_id = next(c["id"] for c in linkit.state.customers.values() if c["email"] == "sara@example.com")
    assert api.patch(f"/customers/{sara_id}", json={"email": "ahmed@example.com"}).status_code == 409
    assert api.patch("/customers/nope", json={}).status_code == 404
    assert api.request("POST", "/customers/bulk", json=[]).status_code == 404  # [bulk]: none
