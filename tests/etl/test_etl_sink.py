"""The generic per-record flow, end to end against a real loopback platform API and a real ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from etl_records import recorded
from etl_shop import MAPPING, PLATFORM, ShopServer, write_files

from etl.errors import StopRun
from etl.ledger import Ledger
from etl.mapping import Mapping
from etl.sink import DeadLettersFound, SyncEngine
from etl.validation import PayloadValidator

TOKEN = "shop-secret-token"


def engine(
    shop: ShopServer,
    ledger: Ledger,
    tmp_path: Path,
    cls: type[SyncEngine] = SyncEngine,
    validator: type[PayloadValidator] = PayloadValidator,
    token: str = TOKEN,
    **kw: Any,
) -> Any:
    _, schemas = write_files(tmp_path)
    config = {"url": shop.url, "token": token, "safety_stock": 2}
    return cls(
        platform="shop",
        mapping=Mapping.load(MAPPING),
        adapter=PLATFORM.make_adapter(config, ledger),
        ledger=ledger,
        validator=validator("shop", schemas),
        config=config,
        flow="products",
        **kw,
    )


def test_recorded_products_flow_and_unchanged_are_not_resent(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    products = recorded("product.template")
    eng = engine(shop, ledger, tmp_path)
    for rec in products:
        eng.process("product_template", rec)
    first = eng.finish()
    expected = {r["default_code"] for r in products if r["default_code"] and r["sale_ok"]}
    assert first.sent == len(expected) and first.failed == 0 and first.unchanged == 0
    assert first.filtered == len(products) - len(expected)
    assert set(shop.items) == expected
    assert shop.items["FURN_0009"] == {
        "sku": "FURN_0009",
        "title": "Wall Shelf Unit",
        "price": 1980,
        "weight_g": 10,
        "category": "Office Furniture",
    }
    # batches of the adapter's size (20), not one call per record
    assert all(n <= 20 for _, n in shop.calls) and len(shop.calls) == -(-len(expected) // 20)
    binding = ledger.get_binding("shop", "product", "FURN_0009")
    assert binding is not None and binding.remote_id == "item_FURN_0009" and binding.odoo_id == 50

    calls_before = len(shop.calls)
    second = engine(shop, ledger, tmp_path)
    for rec in products:
        second.process("product_template", rec)
    again = second.finish()
    assert (again.sent, again.unchanged) == (0, len(expected))
    assert len(shop.calls) == calls_before, "unchanged records were sent again"

    third = engine(shop, ledger, tmp_path)
    changed = [{**r, "list_price": 2.5} if r["default_code"] == "FURN_0009" else r for r in products]
    for rec in changed:
        third.process("product_template", rec)
    assert third.finish().sent == 1 and shop.items["FURN_0009"]["price"] == 2500
    runs = ledger.history()
    assert [(r.sent, r.failed) for r in runs] == [(1, 0), (0, 0), (len(expected), 0)]


def test_invalid_and_rejected_records_go_to_dead_letters_and_the_run_goes_on(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    shop.blocked = {"B-2"}
    eng = engine(shop, ledger, tmp_path)
    records = [
        {"id": 1, "default_code": "A-1", "name": "Chair", "list_price": 10, "sale_ok": True},
        {
            "id": 2,
            "default_code": "B-2",
            "name": "Desk",
            "list_price": 20,
            "sale_ok": True,
        },  # platform says no
        {
            "id": 3,
            "default_code": "C-3",
            "name": "Lamp",
            "list_price": -1,
            "sale_ok": True,
        },  # schema: price >= 0
        {
            "id": 4,
            "default_code": "D-4",
            "name": "Rug",
            "list_price": None,
            "sale_ok": True,
        },  # required empty
        {"id": 5, "default_code": "E-5", "name": "Mat", "list_price": 1, "sale_ok": True},
    ]
    for rec in records:
        eng.process("product_template", rec)
    summary = eng.finish()
    assert (summary.sent, summary.failed) == (2, 3)
    assert set(shop.items) == {"A-1", "E-5"}
    letters = {d.key: d for d in ledger.dead_letters("shop")}
    assert set(letters) == {"B-2", "C-3", "D-4"}
    assert "BLOCKED" in letters["B-2"].reason and "HTTP 422" in letters["B-2"].reason
    assert "$.price" in letters["C-3"].reason and "minimum" in letters["C-3"].reason
    assert "'price'" in letters["D-4"].reason and "fix:" in letters["D-4"].reason
    assert letters["B-2"].record["name"] == "Desk"
    assert ledger.history()[0].status == "done_with_errors"
    failed = [e for e in ledger.events(summary.run_id) if e["outcome"] == "failed"]
    assert {e["key"] for e in failed} == {"B-2", "C-3", "D-4"}
    blocked = next(e for e in failed if e["key"] == "B-2")
    assert '"sku": "B-2"' in blocked["request_body"] and '"code": "BLOCKED"' in blocked["response_body"]
    assert TOKEN not in str(ledger.events(limit=1000))


def test_fail_on_dead_letters(shop: ShopServer, ledger: Ledger, tmp_path: Path) -> None:
    eng = engine(shop, ledger, tmp_path, fail_on_dead_letters=True)
    eng.process(
        "product_template", {"id": 1, "default_code": "A", "name": "x", "list_price": -5, "sale_ok": True}
    )
    with pytest.raises(
        DeadLettersFound, match=r"1 record\(s\) went to the dead letters.*odoo-hub retry --run"
    ):
        eng.finish()


def test_retry_resends_fixed_dead_letters_and_keeps_the_others(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    shop.blocked = {"B-2", "C-3"}
    eng = engine(shop, ledger, tmp_path)
    for i, sku in enumerate(["A-1", "B-2", "C-3"]):
        eng.process(
            "product_template", {"id": i, "default_code": sku, "name": sku, "list_price": 1, "sale_ok": True}
        )
    first = eng.finish()
    assert first.failed == 2
    shop.blocked = {"C-3"}  # the platform fixed B-2
    retry = engine(shop, ledger, tmp_path).retry_dead_letters(run_id=first.run_id)
    assert (retry.sent, retry.failed) == (1, 1)
    assert "B-2" in shop.items
    [left] = ledger.dead_letters("shop")
    assert left.key == "C-3" and left.attempts == 2 and left.run_id == retry.run_id


def test_wrong_token_stops_the_run_without_dead_letters(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    """A 401 says the credential is wrong, not the record: the run stops with one error naming the status,
    and no record becomes a dead letter (it was never really tried)."""
    eng = engine(shop, ledger, tmp_path, token="wrong")
    for i in range(1, 4):
        eng.process(
            "product_template",
            {"id": i, "default_code": f"A{i}", "name": "x", "list_price": 1, "sale_ok": True},
        )
    with pytest.raises(StopRun) as err:
        eng.finish()
    assert "401" in str(err.value) and "UNAUTHORIZED" in str(err.value) and "wrong" not in str(err.value)
    assert ledger.dead_letters() == [] and eng.summary.failed == 0


def test_stock_levels_with_lookup_and_safety_stock(shop: ShopServer, ledger: Ledger, tmp_path: Path) -> None:
    eng = engine(shop, ledger, tmp_path)
    rows = [
        {
            "product_id": 7,
            "default_code": "A",
            "warehouse_id": 1,
            "warehouse_code": "WH",
            "qty_available": 12.0,
        },
        {
            "product_id": 7,
            "default_code": "A",
            "warehouse_id": 2,
            "warehouse_code": "CHIC1",
            "qty_available": 1.0,
        },
        {
            "product_id": 8,
            "default_code": "B",
            "warehouse_id": 3,
            "warehouse_code": "NOPE",
            "qty_available": 1.0,
        },
    ]
    for row in rows:
        eng.process("stock_levels", row)
    summary = eng.finish()
    assert shop.stock == {("A", "loc_main"): 10, ("A", "loc_chicago"): 0}
    assert summary.failed == 1
    [letter] = ledger.dead_letters()
    assert "'NOPE' is not in lookup table 'warehouse_location'" in letter.reason
    assert ledger.get_binding("shop", "inventory", "A@WH").odoo_id == 7  # type: ignore[union-attr]


def test_missing_schema_fails_at_start(shop: ShopServer, ledger: Ledger, tmp_path: Path) -> None:
    _, schemas = write_files(tmp_path)
    (schemas / "inventory.json").unlink()
    with pytest.raises(ValueError, match="no payload schema for shop entities inventory"):
        SyncEngine(
            platform="shop",
            mapping=Mapping.load(MAPPING),
            adapter=PLATFORM.make_adapter({"url": shop.url, "token": TOKEN}, ledger),
            ledger=ledger,
            validator=PayloadValidator("shop", schemas),
        )


def test_concurrent_batches_with_workers(shop: ShopServer, ledger: Ledger, tmp_path: Path) -> None:
    eng = engine(shop, ledger, tmp_path, workers=3, batch_size=1000)
    for i in range(95):
        eng.process(
            "product_product",
            {"id": i, "default_code": f"S{i}", "name": "n", "list_price": 1, "sale_ok": True},
        )
    assert eng.finish().sent == 95 and len(shop.items) == 95 and len(shop.calls) == 5
