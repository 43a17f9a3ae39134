"""SyncEngine's batched path (claims off, validation of changed payloads only) and its public steps
item -> skip_unchanged -> send with a platform subclass's hooks; loopback shop API, real ledger."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from etl_shop import MAPPING, ShopServer
from test_etl_sink import engine as sink_engine

from etl.ledger import Accepted, Ledger, payload_hash
from etl.mapping import Mapping as MappingFile
from etl.sink import OutboundItem, SendResult, SyncEngine
from etl.validation import PayloadInvalid, PayloadValidator


class CountingValidator(PayloadValidator):
    """Counts the payloads the fast check looks at."""

    checked = 0

    def fast_check(self, entity: str) -> Callable[[Any], bool]:
        inner = super().fast_check(entity)

        def counted(payload: Any) -> bool:
            CountingValidator.checked += 1
            return inner(payload)

        return counted


class ShopEngine(SyncEngine):
    """A platform's subclass: its own wording and a note of every dead letter."""

    dead: list[str]

    def invalid_reason(self, exc: PayloadInvalid) -> str:
        return "SCHEMA: " + "; ".join(str(i) for i in exc.issues)

    def on_dead_letter(self, entity: str, key: str, record: Mapping[str, Any]) -> None:
        self.dead.append(key)

    def run_status(self) -> str:
        return "partial" if self.summary.failed else "done"


def engine(shop: ShopServer, ledger: Ledger, tmp_path: Path, **kw: Any) -> Any:
    eng = sink_engine(shop, ledger, tmp_path, validator=CountingValidator, **kw)
    eng.dead = []
    return eng


def products(n: int, price: float = 10) -> list[dict[str, Any]]:
    return [
        {"id": i, "default_code": f"P-{i}", "name": f"Thing {i}", "list_price": price, "sale_ok": True}
        for i in range(1, n + 1)
    ]


def test_unchanged_rerun_validates_nothing_and_sends_nothing(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    batched = {"claims": False, "validate_changed_only": True, "workers": 2, "batch_size": 10}
    first = engine(shop, ledger, tmp_path, **batched)
    CountingValidator.checked = 0
    for rec in products(45):
        first.process("product_template", rec)
    assert first.finish().sent == 45 and len(shop.items) == 45
    assert CountingValidator.checked == 45
    calls = len(shop.calls)

    CountingValidator.checked = 0
    again = engine(shop, ledger, tmp_path, **batched)
    for rec in products(45):
        again.process("product_template", rec)
    summary = again.finish()
    assert (summary.sent, summary.unchanged, summary.busy) == (0, 45, 0)
    assert CountingValidator.checked == 0, "unchanged payloads were validated again"
    assert len(shop.calls) == calls
    assert any(e["outcome"] == "unchanged" for e in ledger.events(summary.run_id))


def test_without_claims_a_killed_runs_claims_do_not_block_a_rerun(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    records = products(5)
    killed = ledger.start_run("products", "shop")  # a run that claimed and died before recording
    mapping = MappingFile.load(MAPPING)
    hashes = {
        r["default_code"]: payload_hash(mapping.build("product", r, {"safety_stock": 2})) for r in records
    }
    ledger.claim_many("shop", "product", hashes, run_id=killed)

    with_claims = engine(shop, ledger, tmp_path, busy_wait=0)
    for rec in records:
        with_claims.process("product_template", rec)
    assert (with_claims.finish().busy, len(shop.items)) == (5, 0)  # held for the lease
    assert {d.key for d in ledger.dead_letters("shop")} == set(hashes)  # not skipped: dead letters

    without = engine(shop, ledger, tmp_path, claims=False)
    for rec in records:
        without.process("product_template", rec)
    assert without.finish().sent == 5 and len(shop.items) == 5


def test_steps_with_a_platform_subclass(shop: ShopServer, ledger: Ledger, tmp_path: Path) -> None:
    eng = engine(shop, ledger, tmp_path, cls=ShopEngine, claims=False, validate_changed_only=True)
    records = [*products(3), {"id": 9, "default_code": "BAD", "name": "X", "list_price": -1, "sale_ok": True}]
    records.append({"id": 10, "default_code": None, "name": "no key", "list_price": 1, "sale_ok": True})
    items = [i for r in records if (i := eng.item("product", r, "product_template", validate=False))]
    assert [i.key for i in items] == ["P-1", "P-2", "P-3", "BAD"]  # no key: dead letter at once
    changed = eng.skip_unchanged("product", [*items, items[0]])  # a repeated key counts once
    assert [i.key for i in changed] == ["P-1", "P-2", "P-3"]

    def refuse_p2(batch: list[OutboundItem]) -> list[SendResult]:
        return [
            SendResult(i.key, False, http_status=409, error_code="TAKEN", reason="TAKEN: already there")
            if i.key == "P-2"
            else SendResult(i.key, True, f"r-{i.key}", 200, note="made", method="PUT", url="/things")
            for i in batch
        ]

    eng.send("product", changed, refuse_p2, batch_size=2)
    summary = eng.finish()
    assert (summary.sent, summary.failed, summary.by_entity) == (2, 3, {"product": 2})
    letters = {d.key: d.reason for d in ledger.dead_letters("shop")}
    assert letters["BAD"].startswith("SCHEMA: $.price") and letters["P-2"] == "TAKEN: already there"
    assert "default_code" in letters["product.template:10"]  # no key: the fallback key
    assert sorted(eng.dead) == ["BAD", "P-2", "product.template:10"]
    sent = [e for e in ledger.events(summary.run_id) if e["outcome"] == "sent"]
    assert {(e["key"], e["method"], e["url"], e["error_message"]) for e in sent} == {
        ("P-1", "PUT", "/things", "made"),
        ("P-3", "PUT", "/things", "made"),
    }
    assert ledger.get_binding("shop", "product", "P-3").remote_id == "r-P-3"  # type: ignore[union-attr]
    assert ledger.history()[0].status == "partial"


def test_busy_items_wait_for_the_other_run_and_are_not_sent_twice(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    """Another live run is sending P-1..P-3: ours sends the rest first, waits, then finds them accepted."""
    records = products(6)
    mapping = MappingFile.load(MAPPING)
    hashes = {
        r["default_code"]: payload_hash(mapping.build("product", r, {"safety_stock": 2})) for r in records
    }
    other = ledger.start_run("products", "shop")  # this process: alive, so its claims hold
    held = {k: hashes[k] for k in ("P-1", "P-2", "P-3")}
    ledger.claim_many("shop", "product", held, run_id=other)

    def other_run_settles() -> None:
        time.sleep(0.6)
        accepted = [Accepted("product", k, h, remote_id=f"remote-{k}", sku=k) for k, h in held.items()]
        ledger.record_many("shop", accepted, other)
        ledger.release_many("shop", "product", list(held), run_id=other)

    thread = threading.Thread(target=other_run_settles)
    thread.start()
    ours = engine(shop, ledger, tmp_path, busy_wait=30)
    for rec in records:
        ours.process("product_template", rec)
    summary = ours.finish()
    thread.join()
    assert (summary.sent, summary.unchanged, summary.busy, summary.failed) == (3, 3, 0, 0)
    assert sorted(i["sku"] for i in shop.items.values()) == ["P-4", "P-5", "P-6"]
    assert ledger.dead_letters("shop") == []


def test_busy_items_still_held_after_busy_wait_become_dead_letters(
    shop: ShopServer, ledger: Ledger, tmp_path: Path
) -> None:
    records = products(2)
    mapping = MappingFile.load(MAPPING)
    key = records[0]["default_code"]
    other = ledger.start_run("products", "shop")
    ledger.claim_many(
        "shop",
        "product",
        {key: payload_hash(mapping.build("product", records[0], {"safety_stock": 2}))},
        run_id=other,
    )
    ours = engine(shop, ledger, tmp_path, busy_wait=0.3)
    for rec in records:
        ours.process("product_template", rec)
    summary = ours.finish()
    assert (summary.sent, summary.busy, summary.failed) == (1, 1, 1)
    (letter,) = ledger.dead_letters("shop")
    assert letter.key == key and "held by another run" in letter.reason
