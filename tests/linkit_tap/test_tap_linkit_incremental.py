"""Incremental reads (gap G6): Linkit has no "updated since" filter, so the tap reads every page and emits
what was updated after the bookmark; with `sort_updated` (a Linkit that sorts by updated) it stops early.

The sandbox stamps each write with the current second; to give records different, older `updated` times
(records Linkit last changed days ago) the tests set them in the sandbox's state (`backdate`).
"""

from __future__ import annotations

import typing as t

import pytest

import tap_linkit.streams
from sandbox.linkit import LinkitSandbox, serve_linkit

from .conftest import (
    TOKEN,
    Cli,
    Linkit,
    backdate,
    fill,
    ids,
    last_state,
    list_requests,
    records,
    run_tap,
    tap_config,
)

OLD = "2026-01-05T08:00:00Z"


def _bookmark(state: dict[str, t.Any], stream: str) -> str | None:
    return state["bookmarks"].get(stream, {}).get("replication_key_value")


def test_state_round_trip_emits_only_what_changed(filled: LinkitSandbox) -> None:
    for kind in ("products", "skus", "branches", "offers", "customers"):
        backdate(filled, kind, OLD)
    first = run_tap(tap_config(filled))
    assert len(ids(first, "products")) == 3 and len(ids(first, "skus")) == 6
    state = last_state(first)
    assert {_bookmark(state, s) for s in ("products", "skus", "branches", "offers", "customers")} == {OLD}

    api = Linkit(filled)
    api.stock("P2", "WH1", 4)  # Linkit stamps it now
    api.products("P1", name_en="Renamed")
    second = run_tap(tap_config(filled), state=state)
    assert [s["iv_id"] for s in records(second, "skus")] == ["P2_WH1"]
    assert [(p["iv_id"], p["name_en"]) for p in records(second, "products")] == [("P1", "Renamed")]
    assert records(second, "branches") == records(second, "customers") == records(second, "offers") == []
    moved = _bookmark(last_state(second), "skus")
    assert moved is not None and moved > OLD
    assert _bookmark(last_state(second), "branches") == OLD  # nothing newer: unchanged
    # every page is still read (no filter to ask Linkit for): one request per list and run
    assert len(list_requests(filled, "/skus")) == 2


def test_orders_without_updated_are_emitted_on_every_run(filled: LinkitSandbox) -> None:
    first = run_tap(tap_config(filled))
    second = run_tap(tap_config(filled), state=last_state(first))
    assert len(ids(second, "orders")) == len(ids(first, "orders")) == 2
    assert "replication_key_value" not in last_state(second)["bookmarks"]["orders"]


def test_start_date_and_full_sync(filled: LinkitSandbox) -> None:
    backdate(filled, "products", OLD)
    Linkit(filled).products("P9")  # updated now
    later = run_tap(tap_config(filled, start_date="2026-02-01T00:00:00Z"))
    assert [p["iv_id"] for p in records(later, "products")] == ["P9"]
    again = run_tap(tap_config(filled, full_sync=True), state=last_state(later))
    assert len(records(again, "products")) == 4


def test_the_bookmark_never_passes_linkits_clock(filled: LinkitSandbox) -> None:
    backdate(filled, "products", "2099-01-01T00:00:00Z")  # a record stamped in the future
    state = last_state(run_tap(tap_config(filled)))
    capped = _bookmark(state, "products")
    assert capped is not None and capped < "2099"  # capped at the first answer's Date


def test_a_list_that_changed_size_while_paged_keeps_the_bookmark(
    filled: LinkitSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    backdate(filled, "products", OLD)
    first = last_state(run_tap(tap_config(filled)))
    Linkit(filled).products("P1", name_en="Changed")
    real = tap_linkit.streams.fetch_page

    def fetch_then_delete(http: t.Any, path: str, params: t.Any) -> t.Any:
        page = real(http, path, params)
        if path == "/products" and params["page"] == 1:
            with filled.state.lock:  # Linkit loses a product between two pages (no delete route published)
                filled.state.products.pop("P3", None)
        return page

    monkeypatch.setattr(tap_linkit.streams, "fetch_page", fetch_then_delete)
    second = run_tap(tap_config(filled, page_size=1), state=first)
    assert [p["iv_id"] for p in records(second, "products")] == ["P1"]
    assert _bookmark(last_state(second), "products") == OLD  # not moved: the next run reads it again


def test_sort_updated_stops_at_the_bookmark() -> None:
    with serve_linkit(api_token=TOKEN, port=0, sort_fields=("created", "name_en", "updated")) as linkit:
        api = Linkit(linkit)
        api.products(*(f"P{i}" for i in range(1, 7)))
        backdate(linkit, "products", OLD)
        state = last_state(run_tap(tap_config(linkit, sort_updated=True, page_size=2)))
        assert len(list_requests(linkit, "/products")) == 3  # no bookmark yet: every page
        api.products("P4", name_en="New name")
        second = run_tap(tap_config(linkit, sort_updated=True, page_size=2), state=state)
        assert [p["iv_id"] for p in records(second, "products")] == ["P4"]
        asked = list_requests(linkit, "/products")[3:]
        assert asked == [{"sort": "-updated", "page": "1", "limit": "2"}]  # P4, then one at the bookmark


def test_sort_updated_on_a_linkit_that_refuses_it_names_the_setting(filled: LinkitSandbox, cli: Cli) -> None:
    proc = cli(tap_config(filled, sort_updated=True))
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert "HTTP 400" in last and "sort_updated" in last


def test_fill_gives_every_stream_records(linkit: LinkitSandbox) -> None:
    fill(linkit)
    sent = run_tap(tap_config(linkit))
    assert all(ids(sent, s) for s in ("products", "skus", "orders", "offers", "branches", "customers"))
