"""Linkit SKU stock -> Odoo stock (mappings/linkit.json, entity sku_stock; target_odoo/inventory.py): the
SKU's qty becomes an inventory adjustment of the product (default_code = product_iv_id) on the branch
warehouse's stock location, only where Odoo's quantity there differs. Odoo 17's action_apply_inventory
answers None: over XML-RPC a fault although applied, over JSON-RPC no `result` (recorded); both are done once
the read back shows the quantity. Unknown products and branches, fractions, consumables: dead letters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sandbox.odoo.server as odoo_server
from sandbox.odoo import OdooSandbox, serve_odoo

from .conftest import Odoo
from .linkit import Linkit, apply, letters, linkit_sandbox, pulled, writes
from .test_lost_answers import AnswerLost, lose_answer


def on_hand(odoo: Odoo, code: str, location: int) -> float:
    domain = [["product_id.default_code", "=", code], ["location_id", "=", location], ["lot_id", "=", False]]
    return sum(q["quantity"] for q in odoo("stock.quant", "search_read", domain, fields=["quantity"]))


def new_moves(odoo: Odoo, old: int = 53) -> list[float]:
    """Quantities of the inventory moves made in the test (the recorded ones end at id 53)."""
    domain = [["is_inventory", "=", True], ["id", ">", old]]
    return sorted(
        m["product_uom_qty"] for m in odoo("stock.move", "search_read", domain, fields=["product_uom_qty"])
    )


def stock(linkit: Linkit, counts: dict[tuple[str, str], int]) -> dict[str, list[dict[str, Any]]]:
    """Products and branches in Linkit (SKUs are generated), then the SKUs' quantities set."""
    linkit.bulk("branches", [{"iv_id": b, "name_en": b} for b in sorted({b for _, b in counts})])
    linkit.bulk("products", [{"iv_id": p, "name_en": p} for p in sorted({p for p, _ in counts})])
    skus = [
        {"iv_id": f"{p}_{b}", "product_iv_id": p, "branch_iv_id": b, "qty": q} for (p, b), q in counts.items()
    ]
    linkit.bulk("skus", skus, mode="update")
    return {
        "skus": [
            s for s in pulled(linkit, ("skus",))["skus"] if (s["product_iv_id"], s["branch_iv_id"]) in counts
        ]
    }


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_changed_sku_quantities_become_inventory_adjustments_once(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path, protocol: str
) -> None:
    config |= {"protocol": protocol}
    with linkit_sandbox() as linkit:
        # Odoo has 9 x FURN_0269 and 500 x E-COM07 in WH/Stock (8), 200 x E-COM07 in CHIC1/Stock (28)
        records = stock(linkit, {("FURN_0269", "WH"): 42, ("E-COM07", "WH"): 500, ("E-COM07", "CHIC1"): 180,
                                 ("FURN_1118", "CHIC1"): 7})  # fmt: skip
        counted: list[Any] = []
        sb.on_call = lambda m, method, args, kw: counted.append(args[0]) if method == "create" else None
        summary, flow = apply(config, records)
        sb.on_call = None
        assert (summary.sent, summary.failed) == (4, 0), summary.failures
        assert on_hand(odoo, "FURN_0269", 8) == 42 and on_hand(odoo, "E-COM07", 8) == 500
        assert on_hand(odoo, "E-COM07", 28) == 180 and on_hand(odoo, "FURN_1118", 28) == 7
        # one create of the three counts that differ, in inventory mode; one apply; each move done once
        assert sorted(v["inventory_quantity"] for v in counted[0]) == [7, 42, 180] and len(counted) == 1
        assert sb.calls[("stock.quant", "action_apply_inventory")] == 1
        assert new_moves(odoo) == [7.0, 20.0, 33.0]
        notes = {
            e["key"]: e["error_message"] for e in flow.ledger.events(summary.run_id) if e["outcome"] == "sent"
        }
        assert notes["FURN_0269@WH"].startswith("counted 42 at WH/Stock (was 9)")
        assert notes["E-COM07@WH"] == "unchanged in Odoo (500 at WH/Stock)"

        # every SKU again, also those Linkit generated and nobody counted (qty 0, never updated): these
        # are no counts (applied, FURN_1118 would leave WH/Stock empty); the others are the same again
        sb.calls.reset()
        full = pulled(linkit, ("skus",))
        summary, flow = apply(config, full)
        assert (summary.sent, summary.unchanged, summary.failed) == (2, 4, 0)
        notes = {
            e["key"]: e["error_message"] for e in flow.ledger.events(summary.run_id) if e["outcome"] == "sent"
        }
        assert notes["FURN_1118@WH"] == "never counted at the source: not applied (2 at WH/Stock kept)"
        assert apply(config | {"ledger_url": f"sqlite:///{tmp_path}/b.sqlite"}, full)[0].sent == 6
        assert writes(sb) == 0 and on_hand(odoo, "FURN_1118", 8) == 2


@pytest.fixture
def lossy(monkeypatch: pytest.MonkeyPatch) -> Iterator[OdooSandbox]:
    """A sandbox whose handler can apply a call and hang up instead of answering (test_lost_answers.py)."""
    monkeypatch.setattr(odoo_server, "Handler", AnswerLost)
    with serve_odoo(port=0) as sandbox:
        yield sandbox


def test_an_applied_count_whose_answer_is_lost_is_read_back_not_counted_twice(
    lossy: OdooSandbox, config: dict[str, Any]
) -> None:
    """The apply's answer never arrives (connection closed after Odoo committed): the writer reads the quants
    again, finds the counted quantity and is done; one inventory move, no dead letter."""
    seen = lose_answer(lossy, "stock.quant", "action_apply_inventory", 1)
    with linkit_sandbox() as linkit:
        summary, _ = apply(config | {"url": lossy.url}, stock(linkit, {("FURN_0269", "WH"): 30}))
    assert seen == {"calls": 1, "lost": 1}
    assert (summary.sent, summary.failed) == (1, 0), summary.failures
    odoo = Odoo(lossy)
    assert on_hand(odoo, "FURN_0269", 8) == 30
    assert new_moves(odoo) == [21.0]


def test_unknown_products_and_branches_fractions_and_consumables_are_dead_letters(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    with linkit_sandbox() as linkit:
        counts = {
            ("FURN_0269", "WH"): 5,
            ("NOPE-1", "WH"): 3,
            ("FURN_0269", "NOWH"): 4,
            ("CONS_0001", "WH"): 2,
        }
        counts[("FURN_2333", "WH")] = 3  # tracked by lots: Odoo wants a lot number for the count
        stock(linkit, counts | {("FURN_1118", "WH"): 1, ("FURN_6666", "WH"): 8})
        state = linkit.sandbox.state
        with state.lock:  # Linkit refuses these (sandbox assumption G12); older data still holds them
            state.skus["FURN_1118_WH"]["qty"] = 2.5
            state.skus["FURN_6666_WH"]["qty"] = -1
        wanted = {*counts, ("FURN_1118", "WH"), ("FURN_6666", "WH")}
        records = [s for s in linkit.records("skus") if (s["product_iv_id"], s["branch_iv_id"]) in wanted]
        summary, _ = apply(config, {"skus": records})
    assert (summary.sent, summary.failed) == (1, 6)
    reasons = letters(config)
    assert (
        "product NOPE-1 is not in Odoo (no product.product with default_code NOPE-1)" in reasons["NOPE-1@WH"]
    )
    assert "branch NOWH is not in Odoo (no stock.warehouse with code NOWH)" in reasons["FURN_0269@NOWH"]
    assert "SKU FURN_1118 at branch WH: qty 2.5 is a fraction" in reasons["FURN_1118@WH"]
    assert "SKU FURN_6666 at branch WH: qty -1 is below 0" in reasons["FURN_6666@WH"]
    assert "Quants cannot be created for consumables or services" in reasons["CONS_0001@WH"]
    assert "did not apply the count of 3: it asks a person to decide" in reasons["FURN_2333@WH"]
    assert on_hand(odoo, "FURN_0269", 8) == 5 and on_hand(odoo, "FURN_1118", 8) == 2
