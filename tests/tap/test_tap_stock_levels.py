"""The virtual stock_levels stream: the lean record path says what singer-sdk's own path says."""

from __future__ import annotations

import typing as t

import pytest
from tap_helpers import run_tap, sandbox_config

from sandbox.odoo import serve_odoo
from tap_odoo.stock import StockLevelsStream
from tap_odoo.tap import TapOdoo


@pytest.fixture(scope="module")
def sb() -> t.Iterator[t.Any]:
    with serve_odoo(products=300, version="17.0", seed=3, port=0) as sandbox:
        yield sandbox


def _sdk_path_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the records that go through singer-sdk's per-record message path."""
    calls: list[int] = []
    original = StockLevelsStream._generate_record_messages

    def counting(self: StockLevelsStream, record: dict[str, t.Any]) -> t.Any:
        calls.append(1)
        return original(self, record)

    monkeypatch.setattr(StockLevelsStream, "_generate_record_messages", counting)
    return calls


def test_lean_path_emits_what_the_sdk_path_emits(sb: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    config = sandbox_config(sb, models=[], stock_levels=True, page_size=64)
    calls = _sdk_path_calls(monkeypatch)
    lean = run_tap(config)
    assert not calls  # every record took the lean path

    monkeypatch.setattr(StockLevelsStream, "lean_path_allowed", lambda self: False)
    sdk = run_tap(config)
    assert len(calls) == len(sdk.records("stock_levels"))

    levels = lean.records("stock_levels")
    assert len(levels) > 4 * 300  # every storable product in every warehouse, several pages
    assert levels == sdk.records("stock_levels")  # same records, same order, same JSON types
    assert {r["warehouse_id"] for r in levels} == {
        w["id"] for w in sb.store.search_read("stock.warehouse", [], [])
    }
    assert all(isinstance(r["qty_available"], float) for r in levels)

    def without_clock(state: dict[str, t.Any]) -> dict[str, t.Any]:
        bookmark = dict(state["bookmarks"]["stock_levels"])
        bookmark.pop("replication_key_signpost", None)
        return bookmark

    lean_states = [m["value"] for m in lean.messages if m["type"] == "STATE"]
    sdk_states = [m["value"] for m in sdk.messages if m["type"] == "STATE"]
    assert [without_clock(s) for s in lean_states] == [without_clock(s) for s in sdk_states]
    assert lean.state["bookmarks"]["stock_levels"]["replication_key_value"] == levels[0]["write_date"]


def test_deselected_property_takes_the_sdk_path_and_is_left_out(
    sb: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = sandbox_config(sb, models=[], stock_levels=True, page_size=500)
    catalog = TapOdoo(config=config).catalog_dict
    for entry in catalog["streams"]:
        for meta in entry["metadata"]:
            if meta["breadcrumb"] == ["properties", "free_qty"]:
                meta["metadata"]["selected"] = False
    calls = _sdk_path_calls(monkeypatch)
    records = run_tap(config, catalog=catalog).records("stock_levels")
    assert records and len(calls) == len(records)
    assert all("free_qty" not in r and "qty_available" in r for r in records)
