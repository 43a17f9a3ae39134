"""The end-of-sync mark (a last STATE with `sync_complete`) and the catalogue fields read by default."""

from __future__ import annotations

import contextlib
import io
import json
import typing as t

import pytest
from tap_helpers import run_tap, sandbox_config

from etl.singer import SYNC_COMPLETE as READ_BY_TARGETS
from sandbox.odoo import serve_odoo
from tap_odoo.tap import SYNC_COMPLETE, TapOdoo


@pytest.fixture
def fresh() -> t.Iterator[t.Any]:
    with serve_odoo(port=0) as sb:
        yield sb


def test_a_whole_sync_ends_with_the_mark_naming_its_streams(fresh: t.Any) -> None:
    run = run_tap(sandbox_config(fresh, models=["product.product", "res.partner"]))
    last = run.messages[-1]
    assert last["type"] == "STATE" and SYNC_COMPLETE == READ_BY_TARGETS
    assert last["value"][SYNC_COMPLETE]["streams"] == ["product_product", "res_partner"]
    assert "product_product" in last["value"]["bookmarks"]
    marks = [m for m in run.messages if m["type"] == "STATE" and SYNC_COMPLETE in m["value"]]
    assert marks == [last]  # written once, at the very end


def test_a_sync_that_fails_writes_no_mark(fresh: t.Any) -> None:
    config = sandbox_config(fresh, models=["product.product", "res.partner"], max_tries=1, page_size=20)
    tap = TapOdoo(config=config, state={})
    tap.streams  # noqa: B018  (discovery before the faults)
    fresh.faults.configure(error_rate=1.0, error_codes=(503,), retry_after=0, seed=1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(Exception):
        tap.sync_all()
    assert SYNC_COMPLETE not in out.getvalue()


def test_the_mark_is_not_read_back_from_the_state_given(fresh: t.Any) -> None:
    first = run_tap(sandbox_config(fresh, models=["product.product"]))
    second = TapOdoo(config=sandbox_config(fresh, models=["product.product"]), state=first.state)
    assert SYNC_COMPLETE not in second.state and "product_product" in second.state["bookmarks"]


def test_the_default_product_stream_carries_the_variant_sales_price_and_cost(fresh: t.Any) -> None:
    run = run_tap(sandbox_config(fresh, models=["product.product"]))
    schema = next(m for m in run.messages if m["type"] == "SCHEMA" and m["stream"] == "product_product")
    assert {"lst_price", "standard_price", "list_price"} <= set(schema["schema"]["properties"])
    assert all("lst_price" in r for r in run.records("product_product"))
    ignored = run_tap(
        sandbox_config(fresh, models=["product.product"], ignore_fields={"product.product": ["lst_price"]})
    )
    props = next(m for m in ignored.messages if m["type"] == "SCHEMA")["schema"]["properties"]
    assert "lst_price" not in props and "standard_price" in props
    json.dumps(run.messages)
