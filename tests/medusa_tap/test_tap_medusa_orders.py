"""tap-medusa's `orders` stream against the Medusa sandbox over real HTTP (seed 002 §4.1, §4.2 answers)."""

from __future__ import annotations

from typing import Any

from sandbox.medusa import MedusaSandbox

from .conftest import run_tap, tap_config


def _orders(medusa: MedusaSandbox, n: int, day: int = 1) -> list[str]:
    """n orders created a day apart from 2026-02-<day>, each with two lines."""
    ids = []
    for i in range(n):
        order = medusa.state.add_order(
            items=[
                {"sku": f"CASE-{i:03d}", "quantity": 2, "unit_price": 5000, "title": "Case"},
                {"sku": "PB-20000-BLK", "quantity": 1, "unit_price": 5000},
            ],
            created_at=f"2026-02-{day + i:02d}T10:30:00.000Z",
        )
        ids.append(order["id"])
    return ids


def _asked(medusa: MedusaSandbox, path: str = "/odoo/orders") -> list[dict[str, str]]:
    with medusa.state.lock:
        return [r.query for r in medusa.state.requests if r.path == path]


def test_orders_are_read_page_by_page_until_total(medusa: MedusaSandbox) -> None:
    ids = _orders(medusa, 7)
    run = run_tap(tap_config(medusa, page_size=3))
    assert run.ids("orders") == ids  # each once, none missing
    pages = _asked(medusa)
    assert [(q["limit"], q["offset"]) for q in pages] == [("3", "0"), ("3", "3"), ("3", "6")]
    assert all("date_from" not in q for q in pages)  # no bookmark, no start_date: every order
    assert all(q["date_to"] == pages[0]["date_to"] for q in pages)  # one window for the whole read
    order = run.records("orders")[0]
    assert order["id"] == ids[0] and order["display_id"] == 1001 and order["currency_code"] == "kwd"
    assert order["items"][0] == {
        "id": order["items"][0]["id"],
        "title": "Case",
        "quantity": 2,
        "unit_price": 5000,
        "sku": "CASE-000",
        "variant_id": None,
    }
    assert order["subtotal"] == 15000 and order["total"] == 16000 and order["shipping_total"] == 1000
    assert order["shipping_address"]["country_code"] == "kw"
    assert order["customer"]["email"] == "customer@example.com"
    assert run.state["bookmarks"]["orders"] == {
        "replication_key": "created_at",
        "replication_key_value": "2026-02-07T10:30:00.000Z",
    }


def test_seed_default_page_size_is_50(medusa: MedusaSandbox) -> None:
    _orders(medusa, 3)
    run_tap(tap_config(medusa))
    assert [q["limit"] for q in _asked(medusa)] == ["50"]


def test_the_next_run_starts_at_the_bookmark(medusa: MedusaSandbox) -> None:
    """The window starts at the newest created_at read (inclusive: that order comes again, which an upsert
    by external key makes harmless), and reads what was created since."""
    old = _orders(medusa, 3)
    first = run_tap(tap_config(medusa))
    bookmark = first.state["bookmarks"]["orders"]["replication_key_value"]
    assert bookmark == "2026-02-03T10:30:00.000Z"
    new = _orders(medusa, 2, day=10)
    second = run_tap(tap_config(medusa), state=first.state)
    assert _asked(medusa)[-1]["date_from"] == bookmark
    assert second.ids("orders") == [old[-1], *new]
    assert second.state["bookmarks"]["orders"]["replication_key_value"] == "2026-02-11T10:30:00.000Z"
    third = run_tap(tap_config(medusa), state=second.state)
    assert third.ids("orders") == [new[-1]]


def test_start_date_bounds_the_first_run(medusa: MedusaSandbox) -> None:
    ids = _orders(medusa, 5)
    run = run_tap(tap_config(medusa, start_date="2026-02-03T00:00:00Z"))
    assert _asked(medusa)[0]["date_from"] == "2026-02-03T00:00:00.000Z"
    assert run.ids("orders") == ids[2:]


def test_an_order_cancelled_later_is_seen_only_within_lookback_days(medusa: MedusaSandbox) -> None:
    """Seed 002 gives created_at only: an order cancelled after it was read keeps its created_at, so a run
    from the bookmark never sees it again. lookback_days re-reads that many days before the bookmark."""
    first_id, _, last_id = _orders(medusa, 3)  # Feb 1, 2, 3
    first = run_tap(tap_config(medusa))
    medusa.state.orders[first_id]["status"] = "cancelled"  # cancelled in the shop after the run
    without = run_tap(tap_config(medusa, lookback_days=0), state=first.state)
    assert without.ids("orders") == [last_id]
    short = run_tap(tap_config(medusa, lookback_days=1), state=first.state)
    assert first_id not in short.ids("orders")
    wide = run_tap(tap_config(medusa, lookback_days=2.5), state=first.state)
    assert _asked(medusa)[-1]["date_from"] == "2026-01-31T22:30:00.000Z"
    assert wide.ids("orders")[0] == first_id
    assert wide.records("orders")[0]["status"] == "cancelled"
    # re-reading older orders never moves the bookmark back
    assert wide.state["bookmarks"]["orders"]["replication_key_value"] == "2026-02-03T10:30:00.000Z"


def test_lookback_never_reads_before_start_date(medusa: MedusaSandbox) -> None:
    _orders(medusa, 4)
    config = tap_config(medusa, start_date="2026-02-02T00:00:00Z", lookback_days=30)
    first = run_tap(config)
    run_tap(config, state=first.state)
    assert _asked(medusa)[-1]["date_from"] == "2026-02-02T00:00:00.000Z"


def test_full_sync_reads_every_order_each_run_and_keeps_the_bookmark(medusa: MedusaSandbox) -> None:
    ids = _orders(medusa, 4)
    first = run_tap(tap_config(medusa))
    again = run_tap(tap_config(medusa, full_sync=True), state=first.state)
    assert again.ids("orders") == ids
    assert "date_from" not in _asked(medusa)[-1]
    assert again.state["bookmarks"]["orders"] == first.state["bookmarks"]["orders"]


def test_status_filter_is_passed_to_medusa(medusa: MedusaSandbox) -> None:
    ids = _orders(medusa, 3)
    medusa.state.orders[ids[1]]["status"] = "cancelled"
    run = run_tap(tap_config(medusa, status="cancelled"))
    assert _asked(medusa)[0]["status"] == "cancelled"
    assert run.ids("orders") == [ids[1]]


def test_an_entry_without_items_or_shipping_address_is_read_through_the_single_order(
    medusa: MedusaSandbox,
) -> None:
    """§4.1 elides shipping_address (`{...}`): where a list entry lacks what the Odoo mapping needs, the tap
    reads GET /odoo/orders/{id} for it; entries that have everything cost no extra call."""
    ids = _orders(medusa, 3)
    whole = run_tap(tap_config(medusa))
    assert not any(p.startswith("/odoo/orders/") for p in (r.path for r in medusa.state.requests))
    medusa.server.app.order_list_omits = ("shipping_address", "items")
    fetched = run_tap(tap_config(medusa, page_size=2))
    singles = [r.path for r in medusa.state.requests if r.path.startswith("/odoo/orders/")]
    assert singles == [f"/odoo/orders/{i}" for i in ids]
    assert fetched.records("orders") == whole.records("orders")


def test_order_details_never_emits_the_list_entry_as_it_is(medusa: MedusaSandbox) -> None:
    _orders(medusa, 1)
    medusa.server.app.order_list_omits = ("shipping_address",)
    run = run_tap(tap_config(medusa, order_details="never"))
    assert "shipping_address" not in run.records("orders")[0]
    assert not any(r.path.startswith("/odoo/orders/") for r in medusa.state.requests)


def test_order_details_always_reads_each_order(medusa: MedusaSandbox) -> None:
    ids = _orders(medusa, 2)
    run_tap(tap_config(medusa, order_details="always"))
    assert [r.path for r in medusa.state.requests if r.path.startswith("/odoo/orders/")] == [
        f"/odoo/orders/{i}" for i in ids
    ]


def test_rich_answers_fields_beyond_the_seed_are_left_out(tmp_path: Any) -> None:
    """A backend that says more than seed 002 (the sandbox's rich answers: metadata, synced ...) gives the
    same records: the schema is the seed's."""
    from sandbox.medusa import serve_medusa

    from .conftest import KEY

    with serve_medusa(api_key=KEY, port=0, answers="rich") as rich:
        rich.state.add_order(items=[{"sku": "A", "quantity": 1, "unit_price": 1000}])
        record = run_tap(tap_config(rich)).records("orders")[0]
    assert "metadata" not in record and "synced" not in record and "fulfillment_status" not in record
    assert record["items"][0]["sku"] == "A"
