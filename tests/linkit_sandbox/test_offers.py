"""Offers: CRUD, status, bulk upsert by remote_offer_id (G15), validation, the visibility switch."""

from __future__ import annotations

import requests

from sandbox.linkit import LinkitSandbox, serve_linkit

from .conftest import TOKEN, Api
from .helpers import BULK_KEYS, LIST_KEYS, offer

OFFER_KEYS = {
    "id", "organization_id", "organization_app_id", "name", "offer_type", "status", "is_active",
    "target_scope", "target_iv_id", "target_barcode", "discount_type", "discount_value", "start_at", "end_at",
    "meta", "created", "updated",
}  # fmt: skip


def test_offer_crud(linkit: LinkitSandbox, api: Api) -> None:
    created = api.post("/offers", json=offer())
    assert created.status_code == 201
    data = created.json()["data"]
    assert set(data) == OFFER_KEYS  # remote_offer_id is stored, not shown (G15)
    assert linkit.state.offer_by_remote("odoo:coupon.program:42")["id"] == data["id"]  # type: ignore[index]
    assert api.post("/offers", json=offer()).status_code == 409
    got = api.get(f"/offers/{data['id']}").json()
    assert got == {"success": True, "data": data}
    replaced = api.put(f"/offers/{data['id']}", json=offer(None, discount_value=20, name="20% off"))
    assert replaced.status_code == 200 and replaced.json()["data"]["discount_value"] == 20
    assert linkit.state.offer_by_remote("odoo:coupon.program:42")["name"] == "20% off"  # type: ignore[index]
    status = api.patch(f"/offers/{data['id']}/status", json={"status": "inactive"})
    assert status.status_code == 200 and status.json()["data"]["is_active"] is False
    assert api.patch(f"/offers/{data['id']}/status", json={"status": "gone"}).status_code == 422
    listed = api.get("/offers", params={"is_active": "false", "remote_offer_id": "ignored"}).json()
    assert set(listed) == LIST_KEYS and listed["total_count"] == 1
    deleted = api.delete(f"/offers/{data['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.get(f"/offers/{data['id']}").status_code == 404
    assert linkit.state.offers == {} and linkit.state.deleted_offers == [data["id"]]
    assert linkit.state.offer_by_remote("odoo:coupon.program:42") is None


def test_bad_offers_are_422(linkit: LinkitSandbox, api: Api) -> None:
    for bad in (
        offer(discount_value=None),  # an offer with no discount
        offer(discount_value=0),
        offer(discount_value=150),
        offer(discount_type="fixed"),
        offer(target_scope="product"),  # product scope without a target
        offer(offer_type="mystery"),
        offer(status="paused"),
        offer(end_at="2026-04-01T00:00:00Z"),
        offer(name=""),
    ):
        assert api.post("/offers", json=bad).status_code == 422, bad
    assert linkit.state.offers == {}
    product = offer(target_scope="product", target_iv_id="PRD-1001")
    assert api.post("/offers", json=product).status_code == 201


def test_bulk_upsert_by_remote_offer_id(linkit: LinkitSandbox, api: Api) -> None:
    first = api.post("/offers/bulk", json={"offers": [offer("odoo:loyalty.program:1"), offer("odoo:x:2")]})
    assert first.status_code == 200 and set(first.json()) == BULK_KEYS and first.json()["success"] is True
    again = api.post(
        "/offers/bulk",
        json={
            "offers": [
                offer("odoo:loyalty.program:1", discount_value=5),
                offer(None),
                offer("odoo:x:3", name=""),
            ]
        },
    ).json()
    assert again == {"success": False, "message": "Processed 3 offers: 1 succeeded, 2 failed"}
    assert len(linkit.state.offers) == 2
    assert linkit.state.created["offer:odoo:loyalty.program:1"] == 1
    assert linkit.state.offer_by_remote("odoo:loyalty.program:1")["discount_value"] == 5  # type: ignore[index]
    assert api.post("/offers/bulk", json={"mode": "create", "offers": [offer()]}).status_code == 400
    assert api.post("/offers/bulk", json=[offer()]).status_code == 400


def test_remote_offer_id_visible_switch() -> None:
    with serve_linkit(api_token=TOKEN, offer_remote_id_visible=True) as linkit:
        api = Api(linkit.api_url, requests.Session())
        api.session.headers["Authorization"] = f"Bearer {TOKEN}"
        api.post("/offers/bulk", json={"offers": [offer("odoo:a:1"), offer("odoo:a:2")]})
        page = api.get("/offers", params={"remote_offer_id": "odoo:a:2"}).json()
        assert page["total_count"] == 1 and page["data"][0]["remote_offer_id"] == "odoo:a:2"
