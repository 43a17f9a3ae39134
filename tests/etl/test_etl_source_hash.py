"""SyncEngine's source compare: a record whose source hash (record + mapping + settings + code) is the one
stored with its last accepted payload is counted unchanged without building the payload; anything else is
built and compared by payload as before. Loopback shop API, real SQLite ledger."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from etl_shop import MAPPING, PRODUCT_SCHEMA, ShopServer
from test_etl_sink import TOKEN
from test_etl_sink import engine as sink_engine

from etl import mapping as mapping_mod
from etl.ledger import Accepted, Ledger
from etl.mapping import Mapping, code_hash
from etl.sink import SyncEngine
from etl.transforms import register_custom

ROWS = [  # stock_levels rows: A at two warehouses, B at one
    {"product_id": 7, "default_code": "A", "warehouse_code": "WH", "qty_available": 12.0},
    {"product_id": 7, "default_code": "A", "warehouse_code": "CHIC1", "qty_available": 5.0},
    {"product_id": 8, "default_code": "B", "warehouse_code": "WH", "qty_available": 9.0},
]


def products(n: int, price: float = 10) -> list[dict[str, Any]]:
    return [
        {"id": i, "default_code": f"P-{i}", "name": f"Thing {i}", "list_price": price, "sale_ok": True}
        for i in range(1, n + 1)
    ]


class Run:
    """One engine run over records; counts the payloads its mapping built."""

    def __init__(self, shop: ShopServer, ledger: Ledger, tmp_path: Path, **kw: Any) -> None:
        self.engine: SyncEngine = sink_engine(shop, ledger, tmp_path, **kw)
        self.built = 0
        build = self.engine.mapping.build

        def counted(*args: Any, **kwargs: Any) -> dict[str, Any]:
            self.built += 1
            return build(*args, **kwargs)

        self.engine.mapping.build = counted

    def over(self, stream: str, records: list[dict[str, Any]]) -> Any:
        for rec in records:
            self.engine.process(stream, rec)
        return self.engine.finish()


@pytest.fixture
def run(shop: ShopServer, ledger: Ledger, tmp_path: Path) -> Callable[..., Run]:
    return lambda **kw: Run(shop, ledger, tmp_path, **kw)


def test_an_unchanged_source_is_not_built_again(
    run: Callable[..., Run], shop: ShopServer, ledger: Ledger
) -> None:
    first = run()
    assert first.over("product_template", products(45)).sent == 45 and first.built == 45
    binding = ledger.get_binding("shop", "product", "P-1")
    assert binding is not None and binding.source_hash == first.engine.source_hash("product", products(1)[0])
    calls = len(shop.calls)

    again = run()
    summary = again.over("product_template", products(45))
    assert (summary.sent, summary.unchanged, again.built) == (0, 45, 0)
    assert len(shop.calls) == calls
    assert any(e["outcome"] == "unchanged" for e in ledger.events(summary.run_id))

    changed = run()  # one record changed: only it is built and sent
    records = [{**r, "list_price": 11} if r["id"] == 3 else r for r in products(45)]
    summary = changed.over("product_template", records)
    assert (summary.sent, summary.unchanged, changed.built) == (1, 44, 1)
    assert shop.items["P-3"]["price"] == 11000


def test_a_field_the_mapping_does_not_read_rebuilds_once_sends_nothing(run: Callable[..., Run]) -> None:
    run().over("product_template", products(5))
    touched = [{**r, "write_date": "2024-05-01 10:00:00"} for r in products(5)]
    rebuilt = run()
    summary = rebuilt.over("product_template", touched)
    assert (summary.sent, summary.unchanged, rebuilt.built) == (0, 5, 5)
    # the payloads were the accepted ones: the records are known by their new source from now on
    after = run()
    assert (after.over("product_template", touched).unchanged, after.built) == (5, 0)


def test_a_changed_setting_or_lookup_rebuilds_and_sends_what_changed(
    run: Callable[..., Run], shop: ShopServer, ledger: Ledger
) -> None:
    run().over("stock_levels", ROWS)
    assert shop.stock[("A", "loc_main")] == 10.0  # 12 - safety_stock 2

    # a setting the payload reads (subtract's config_key): every payload rebuilt, all changed
    safety = run()
    safety.engine.config["safety_stock"] = 4
    summary = safety.over("stock_levels", ROWS)
    assert (safety.built, summary.sent) == (3, 3) and shop.stock[("A", "loc_main")] == 8.0

    # a lookup table of the mapping: rebuilt; only the rows whose payload changed are sent
    moved = run()
    moved.engine.config["safety_stock"] = 4
    moved.engine.mapping.lookups["warehouse_location"]["CHIC1"] = "loc_chicago_2"
    summary = moved.over("stock_levels", ROWS)
    assert (moved.built, summary.sent, summary.unchanged) == (3, 1, 2)
    assert shop.stock[("A", "loc_chicago_2")] == 1.0


def test_a_new_payload_schema_checks_every_payload_again(
    run: Callable[..., Run], ledger: Ledger, tmp_path: Path
) -> None:
    run().over("product_template", products(3))
    stricter = run()  # validates on intake: the records the new schema refuses are dead letters again
    schema = {**PRODUCT_SCHEMA, "properties": {"price": {"type": "integer", "maximum": 5000}}}
    (tmp_path / "schemas" / "product.json").write_text(json.dumps(schema))
    summary = stricter.over("product_template", products(3))
    assert (stricter.built, summary.failed, summary.sent) == (3, 3, 0)
    assert all("maximum" in d.reason for d in ledger.dead_letters("shop"))


def test_secrets_are_left_out_of_the_source_hash(run: Callable[..., Run], ledger: Ledger) -> None:
    first = run()
    first.over("product_template", products(3))
    other = run()
    other.engine.config["token"] = "another-" + TOKEN  # a secret setting never changes a payload
    assert other.engine.source_hash("product", products(1)[0]) == first.engine.source_hash(
        "product", products(1)[0]
    )
    other.engine.config = {**other.engine.config, "currency": "KWD"}
    other.engine._fingerprints.clear()
    assert other.engine.source_hash("product", products(1)[0]) != first.engine.source_hash(
        "product", products(1)[0]
    )
    for b in ledger.bindings("shop"):
        assert TOKEN not in repr(b)


def test_a_dead_lettered_version_is_never_taken_for_the_accepted_one(
    run: Callable[..., Run], shop: ShopServer, ledger: Ledger
) -> None:
    v1 = products(1, price=10)
    v2 = products(1, price=20)
    run().over("product_template", v1)
    shop.blocked = {"P-1"}
    refused = run()
    assert refused.over("product_template", v2).failed == 1
    binding = ledger.get_binding("shop", "product", "P-1")
    assert binding is not None and binding.source_hash == refused.engine.source_hash("product", v1[0])

    shop.blocked = set()
    again = run()  # v2 again: its source is not the accepted one, so it is built and sent
    summary = again.over("product_template", v2)
    assert (summary.sent, again.built) == (1, 1) and shop.items["P-1"]["price"] == 20000
    assert ledger.dead_letters("shop") == []

    back = run()  # and v1 is now a change again
    assert back.over("product_template", v1).sent == 1 and shop.items["P-1"]["price"] == 10000


def test_force_builds_and_sends_everything_and_off_means_payload_compare(
    run: Callable[..., Run], shop: ShopServer
) -> None:
    run().over("product_template", products(4))
    forced = run(force=True)
    assert (forced.over("product_template", products(4)).sent, forced.built) == (4, 4)
    off = run(source_compare=False)
    summary = off.over("product_template", products(4))
    assert (summary.sent, summary.unchanged, off.built) == (0, 4, 4)


def test_a_payload_accepted_without_its_source_clears_the_old_source(
    run: Callable[..., Run], ledger: Ledger
) -> None:
    """Another path (a target's own batches, retry) accepts a newer payload without a source hash: the old
    record's hash must not stay, or that old record would later pass for the accepted one."""
    first = run()
    first.over("product_template", products(1, price=10))
    ledger.record_many("shop", [Accepted("product", "P-1", "newer-payload-hash")], run_id=None)
    binding = ledger.get_binding("shop", "product", "P-1")
    assert binding is not None and binding.source_hash is None
    again = run()
    assert (again.over("product_template", products(1, price=10)).sent, again.built) == (1, 1)


@pytest.fixture
def payload_package(tmp_path: Path) -> Iterator[Path]:
    """An importable package ``payload_fns`` with one custom function, removed afterwards."""
    pkg = tmp_path / "pkgs" / "payload_fns"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "fns.py").write_text("def shout(value, args, ctx):\n    return str(value).upper()\n")
    (pkg / "helpers.py").write_text("EXCLAIM = ''\n")
    sys.path.insert(0, str(pkg.parent))
    try:
        yield pkg
    finally:
        sys.path.remove(str(pkg.parent))
        for name in [m for m in sys.modules if m.startswith("payload_fns")]:
            del sys.modules[name]
        mapping_mod._package_source.cache_clear()


def test_the_code_that_builds_payloads_is_in_the_fingerprint(payload_package: Path) -> None:
    fns = importlib.import_module("payload_fns.fns")
    register_custom("test_shout")(fns.shout)
    doc = {
        **MAPPING,
        "entities": {
            "product": {
                **MAPPING["entities"]["product"],
                "fields": [
                    {"target": "sku", "source": "default_code", "type": "custom", "transform": "test_shout"}
                ],
            }
        },
    }
    mapping = Mapping.load(doc)
    before = mapping.fingerprint("product")
    assert mapping.fingerprint("product") == before  # stable
    # a helper module of the package changes (a new version installed): payloads may change
    (payload_package / "helpers.py").write_text("EXCLAIM = '!'\n")
    mapping_mod._package_source.cache_clear()
    upgraded = mapping.fingerprint("product")
    assert upgraded != before
    assert code_hash([fns.shout]) != code_hash([fns.shout, len])  # which functions run is part of it
