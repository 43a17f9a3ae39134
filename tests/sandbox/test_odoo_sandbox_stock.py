"""Product quantities computed from quants and moves, per warehouse / location given in the context."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from odoo_sandbox_clients import execute

from sandbox.odoo import OdooSandbox, serve_odoo

QTY = ["qty_available", "free_qty", "incoming_qty", "outgoing_qty", "virtual_available"]
CONTEXTS: dict[str, dict[str, Any]] = {
    "all": {},
    "wh1": {"warehouse": 1},
    "wh2": {"warehouse": 2},
    "wh2_by_name": {"warehouse": "Chicago 1"},
    "chicago_stock": {"location": 28},
    "shelf1": {"location": 18},
}


def qty(sb: OdooSandbox, pid: int, context: dict[str, Any]) -> dict[str, float]:
    rec = execute(sb, "product.product", "read", [pid], fields=QTY, context=context)[0]
    return {k: rec[k] for k in QTY}


@pytest.fixture(scope="module")
def changed() -> Iterator[tuple[OdooSandbox, dict[str, dict[str, float]]]]:
    """Own sandbox; product 5's quantities before adding quants in Chicago / Shelf 1 and open moves."""
    with serve_odoo(products=0) as sb:
        before = {name: qty(sb, 5, ctx) for name, ctx in CONTEXTS.items()}
        store = sb.store
        store.create(
            "stock.quant", {"product_id": 5, "location_id": 28, "quantity": 7.0, "reserved_quantity": 2.0}
        )
        store.create("stock.quant", {"product_id": 5, "location_id": 18, "quantity": 3.0})
        for src, dst, amount, state in [
            (4, 8, 4.0, "assigned"),
            (8, 5, 1.0, "confirmed"),
            (4, 28, 9.0, "done"),
            (28, 5, 2.0, "assigned"),
            (8, 28, 6.0, "assigned"),
        ]:
            store.create(
                "stock.move",
                {
                    "product_id": 5,
                    "location_id": src,
                    "location_dest_id": dst,
                    "product_uom_qty": amount,
                    "product_qty": amount,
                    "state": state,
                },
            )
        yield sb, before


EXPECTED_DELTA = {  # qty_available, free_qty, incoming, outgoing, virtual
    "all": (10.0, 8.0, 4.0, 3.0, 11.0),  # internal transfer WH -> Chicago counts neither way
    "wh1": (3.0, 3.0, 4.0, 7.0, 0.0),
    "wh2": (7.0, 5.0, 6.0, 2.0, 11.0),
    "wh2_by_name": (7.0, 5.0, 6.0, 2.0, 11.0),
    "chicago_stock": (7.0, 5.0, 6.0, 2.0, 11.0),
    "shelf1": (3.0, 3.0, 0.0, 0.0, 3.0),
}


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_quantities_follow_quants_and_open_moves(
    changed: tuple[OdooSandbox, dict[str, dict[str, float]]], name: str
) -> None:
    sb, before = changed
    after = qty(sb, 5, CONTEXTS[name])
    delta = tuple(round(after[k] - before[name][k], 4) for k in QTY)
    assert delta == EXPECTED_DELTA[name]
    assert (
        after["virtual_available"] == after["qty_available"] + after["incoming_qty"] - after["outgoing_qty"]
    )


def test_recorded_quantities_as_the_cassette(odoo_sandbox: OdooSandbox) -> None:
    """The cassette's read of products 1-3 with {'warehouse': 1} (services: all zero)."""
    got = execute(
        odoo_sandbox,
        "product.product",
        "read",
        [1, 2, 3],
        fields=["qty_available", "virtual_available", "free_qty"],
        context={"warehouse": 1},
    )
    assert got == [
        {"id": i, "qty_available": 0.0, "virtual_available": 0.0, "free_qty": 0.0} for i in (1, 2, 3)
    ]


def test_on_hand_and_free_match_the_recorded_quants(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    wh = set(execute(sb, "stock.location", "search", [("id", "child_of", 7)], context={"active_test": False}))
    quants = execute(
        sb,
        "stock.quant",
        "search_read",
        [("product_id", "=", 17)],
        fields=["location_id", "quantity", "reserved_quantity"],
    )
    mine = [q for q in quants if q["location_id"][0] in wh]
    got = qty(sb, 17, {"warehouse": 1})
    assert got["qty_available"] == sum(q["quantity"] for q in mine) > 0
    assert got["free_qty"] == sum(q["quantity"] - q["reserved_quantity"] for q in mine) < got["qty_available"]


def test_template_quantity_sums_its_variants(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    variants = execute(sb, "product.template", "read", [9], fields=["product_variant_ids"])[0][
        "product_variant_ids"
    ]
    tmpl = execute(sb, "product.template", "read", [9], fields=["qty_available"], context={"warehouse": 1})[0]
    assert len(variants) > 1
    assert tmpl["qty_available"] == sum(qty(sb, v, {"warehouse": 1})["qty_available"] for v in variants) > 0
