"""Sale and POS orders: recorded Odoo 17 orders and lines (as tap-odoo emits them) into the Linkit sandbox,
created once, then only their status moves."""

from __future__ import annotations

from typing import Any

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox, serve_linkit

from .helpers import PRODUCT_SCHEMA, TOKEN, dead_letters, product, run, streams
from .odoo_records import records, schema

# the products the recorded order lines sell (id -> internal reference); 3 and 4 are services
CODES = {5: "FURN_7777", 6: "FURN_8888", 12: "FURN_0096", 16: "E-COM06", 21: "E-COM11", 25: "FURN_0269"}
CODES |= {29: "FURN_7888", 31: "FURN_6666", 32: "FURN_8855", 34: "FURN_6741", 35: "FURN_8999"}
CODES |= {
    58: "FURN_0009",
    59: "FURN_0008",
    60: "FURN_0004",
    61: "FURN_0001",
    62: "FURN_0005",
    63: "FURN_0006",
}
SALE_CONFIRMED = [4, *range(6, 19), *range(20, 25)]  # state "sale"; the others are quotations


def products() -> list[dict[str, Any]]:
    out = [product(pid, id=pid, default_code=code) for pid, code in CODES.items()]
    return out + [product(pid, id=pid, default_code=None, type="service") for pid in (3, 4)]


def pos_orders() -> list[dict[str, Any]]:
    """Recorded POS orders with the related fields tap-odoo reads (not in the stored-field recording)."""
    rows = records("pos.order")
    for row in rows:
        row["currency_id"] = {"id": 1, "name": "USD"}
        row["picking_type_id"] = {"id": 17, "name": "YourCompany: PoS Orders"}  # WH's pos_type_id
    return rows


def odoo(
    *,
    sale: list[dict[str, Any]] | None = None,
    lines: list[dict[str, Any]] | None = None,
    pos: list[dict[str, Any]] | None = None,
    warehouses: bool = True,
    complete: bool = True,
) -> str:
    parts = [("product_product", PRODUCT_SCHEMA, products())]
    if warehouses:
        parts.append(("stock_warehouse", schema("stock.warehouse"), records("stock.warehouse")))
    parts += [
        ("sale_order", schema("sale.order"), records("sale.order") if sale is None else sale),
        (
            "sale_order_line",
            schema("sale.order.line"),
            records("sale.order.line") if lines is None else lines,
        ),
        ("pos_order", schema("pos.order"), pos_orders() if pos is None else pos),
        ("pos_order_line", schema("pos.order.line"), records("pos.order.line")),
    ]
    return streams(*parts, complete=complete)


def linkit_order(linkit: LinkitSandbox, source: str, name: str) -> dict[str, Any]:
    found = linkit.state.order_by_external(source, name)
    assert found is not None, f"{source} {name} not in Linkit"
    return found


def hours_off(config: dict[str, Any]) -> dict[str, Any]:
    config["working_hours_shape"] = "none"  # warehouses become branches without a calendar here
    return config


def test_confirmed_and_pos_orders_are_created_with_sku_lines(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    result = run(hours_off(config), odoo())
    assert result.status == 0, result
    assert dead_letters(config) == []
    assert sorted(o["external_id"] for o in linkit.state.orders.values() if o["source"] == "odoo") == sorted(
        f"S{n:05d}" for n in SALE_CONFIRMED
    )
    s4 = linkit_order(linkit, "odoo", "S00004")
    assert (s4["status"], s4["payment_status"], s4["currency"], s4["total_amount"], s4["tax"]) == (
        "confirmed",
        "pending",
        "USD",
        2576.0,
        336.0,
    )
    assert s4["_destination_reference"] == "WH" and s4["_source_transaction_id"] == "odoo:sale.order:4"
    assert [(line.get("product_id"), line["quantity"], line["price"]) for line in s4["products"]] == [
        (None, 16, 75.0),  # Virtual Interior Design: a service, no SKU
        ("FURN_8888_WH", 10, 45.0),
        ("FURN_6741_WH", 3, 150.0),
        ("FURN_7777_WH", 2, 70.0),
    ]
    pos = linkit_order(linkit, "odoo-pos", "ClosedDemo/0002")
    assert (pos["status"], pos["payment_status"], pos["total_amount"]) == ("delivered", "paid", 2220.5)
    assert [line["product_id"] for line in pos["products"]] == ["FURN_0269_WH", "FURN_7888_WH"]
    bound = Ledger(config["ledger_url"]).get_binding("linkit", "sale_orders", "odoo:sale.order:4")
    assert bound is not None and bound.remote_id == s4["id"]  # found by reading back: the answer has no ids


def test_orders_wait_for_the_end_of_sync_mark(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    assert run(hours_off(config), odoo(complete=False)).status == 1
    assert linkit.state.orders == {}


def test_unchanged_orders_are_not_sent_again_and_a_cancel_is_a_status_change(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    assert run(hours_off(config), odoo()).status == 0
    writes = linkit.state.write_count()
    again = run(config, odoo(warehouses=False))  # the branch comes from the ledger now
    assert again.status == 0 and linkit.state.write_count() == writes
    sale = records("sale.order")
    sale[5]["state"] = "cancel"  # S00006 cancelled in Odoo
    sale[6]["amount_total"] = 1.0  # S00007 changed after it was created: Linkit has no order update
    third = run(config, odoo(sale=sale, warehouses=False))
    assert third.status == 0
    assert linkit.state.writes["order.status"] == 1
    assert linkit.state.writes["order.created"] == len(SALE_CONFIRMED) + 4
    assert linkit_order(linkit, "odoo", "S00006")["status"] == "cancelled"
    assert linkit.state.created["order:odoo:S00006"] == 1
    fourth = run(config, odoo(sale=sale, warehouses=False))
    assert fourth.summary is not None and fourth.summary.sent == 0


def test_bad_orders_are_dead_letters_the_rest_delivered(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    lines = records("sale.order.line")
    lines[12]["product_uom_qty"] = 1.5  # S00006's only line: a fractional quantity
    lines[14]["product_id"] = {"id": 999, "name": "[X] Not in the catalogue"}  # S00007: unknown product
    sale = records("sale.order")
    sale[7]["warehouse_id"] = {"id": 77, "name": "Elsewhere"}  # S00008: a warehouse with no branch
    result = run(hours_off(config), odoo(sale=sale, lines=lines))
    assert result.status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert sorted(reasons) == ["odoo:sale.order:6", "odoo:sale.order:7", "odoo:sale.order:8"]
    assert (
        "line 13" in reasons["odoo:sale.order:6"]
        and "1.5 is not a whole number" in reasons["odoo:sale.order:6"]
    )
    assert "product 999 is not a Linkit product" in reasons["odoo:sale.order:7"]
    assert "warehouse_id 77 has no Linkit branch" in reasons["odoo:sale.order:8"]
    assert len([o for o in linkit.state.orders.values() if o["source"] == "odoo"]) == len(SALE_CONFIRMED) - 3


def test_an_order_linkit_refuses_is_found_by_reading_back(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    """G4 with creates: the minimal answer says only success false; re-sending would duplicate, so the
    target reads the newest orders back and keeps those it finds."""
    branches = streams(("stock_warehouse", schema("stock.warehouse"), records("stock.warehouse")))
    assert run(hours_off(config), branches).status == 0
    del linkit.state.branches["CHIC1"]  # removed in Linkit behind our back
    sale = records("sale.order")
    sale[9]["warehouse_id"] = {"id": 2, "name": "Chicago 1"}  # S00010 now ships from CHIC1
    result = run(config, odoo(sale=sale, warehouses=False))
    assert result.status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert list(reasons) == ["odoo:sale.order:10"]
    assert "not among the newest orders read back" in reasons["odoo:sale.order:10"]
    assert all(n == 1 for k, n in linkit.state.created.items() if k.startswith("order:"))
    assert len(linkit.state.orders) == len(SALE_CONFIRMED) - 1 + 4
    assert sum(1 for r in linkit.state.requests if r.path.endswith("/orders/bulk")) == 2  # sale + POS


def test_a_lost_answer_does_not_create_orders_twice(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    first = streams(
        ("product_product", PRODUCT_SCHEMA, products()),
        ("stock_warehouse", schema("stock.warehouse"), records("stock.warehouse")),
    )
    assert run(hours_off(config), first).status == 0
    linkit.faults.force_next("drop_after")  # the bulk create is applied, its answer lost; the client retries
    assert run(config, odoo(warehouses=False)).status == 0
    dropped = [r for r in linkit.state.requests if r.fault == "drop"]
    assert [r.path for r in dropped] == ["/api/v1/orders/bulk"]
    assert dead_letters(config) == []
    assert len(linkit.state.orders) == len(SALE_CONFIRMED) + 4
    assert all(n == 1 for k, n in linkit.state.created.items() if k.startswith("order:"))


def test_rich_answers_give_the_ids_without_reading_back(config: dict[str, Any]) -> None:
    with serve_linkit(api_token=TOKEN, port=0, answers="rich") as rich:
        config["api_url"] = rich.api_url
        assert run(hours_off(config), odoo()).status == 0
        assert not any(r.method == "GET" and r.path.endswith("/orders") for r in rich.state.requests)
        order = rich.state.order_by_external("odoo", "S00004")
        bound = Ledger(config["ledger_url"]).get_binding("linkit", "sale_orders", "odoo:sale.order:4")
        assert order is not None and bound is not None and bound.remote_id == order["id"]


def test_a_wrong_token_stops_the_order_run(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["api_token"] = "wrong"  # 401: one clear error, no dead letters
    assert run(hours_off(config), odoo()).status == 3
    assert dead_letters(config) == [] and linkit.state.orders == {}
