"""target-odoo with the Medusa mapping against the Odoo 17 sandbox: orders and customers become sale
orders and partners exactly once, bad orders become dead letters with reasons, nothing is doubled."""

from __future__ import annotations

import json
from typing import Any

import pytest

from etl.ledger import Ledger
from sandbox.odoo import OdooSandbox
from target_odoo.flow import MAPPINGS

from .conftest import SHIPPING, Odoo
from .orders import SKUS, customer, order, run_target, singer
from .procs import lines_of

LONG = 2_000
WRITES = ("create", "write", "action_confirm", "action_cancel", "unlink")


def orders_of(odoo: Odoo, ref: str) -> list[dict[str, Any]]:
    return odoo(
        "sale.order",
        "search_read",
        [["client_order_ref", "=", ref]],
        fields=["name", "state", "partner_id", "order_line", "amount_untaxed"],
    )


def writes(sb: OdooSandbox) -> int:
    return sum(n for (model, method), n in sb.calls.items() if method in WRITES)


def test_orders_and_customers_arrive_once_as_confirmed_sale_orders(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    data = singer([order(k) for k in range(1, 4)], [customer(1), customer(2)])
    result = run_target(config, data)
    assert result.status == 0
    for k in range(1, 4):
        [so] = orders_of(odoo, f"MEDUSA-{1000 + k}")
        assert so["state"] == "sale" and so["name"].startswith("S")
        assert lines_of(odoo, so["id"]) == sorted(
            [(SKUS[0], 2.0, 5.0), (SKUS[1], 1.0, 2.5), (SHIPPING, 1.0, 1.0)]
        )
        [partner] = odoo("res.partner", "read", [so["partner_id"][0]], fields=["email", "name", "country_id"])
        assert (
            partner["email"].lower() == f"buyer{k}@example.com" and partner["name"] == f"Ahmed Al-Rashid {k}"
        )
        assert partner["country_id"] and partner["country_id"][1] == "Kuwait"
    xids = odoo("ir.model.data", "search_read", [["module", "=", "odoo_hub"]], fields=["name", "model"])
    names = {x["name"] for x in xids}
    assert {f"medusa_order_order_{k}" for k in (1, 2, 3)} <= names
    assert {f"medusa_customer_cus_{k}" for k in (1, 2, 3)} <= names  # cus_3 created from its order
    # unchanged input: no Odoo write at all
    sb.calls.reset()
    assert run_target(config, data).status == 0
    assert writes(sb) == 0


def test_a_lost_ledger_or_a_crash_after_create_never_makes_a_second_order(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Any
) -> None:
    assert run_target(config, singer([order(1)])).status == 0
    # a fresh ledger: the external id in Odoo finds the order
    assert (
        run_target(config | {"ledger_url": f"sqlite:///{tmp_path}/other.sqlite"}, singer([order(1)])).status
        == 0
    )
    assert len(orders_of(odoo, "MEDUSA-1001")) == 1
    # killed between create and the external id: the order is found by its client_order_ref
    xid = odoo("ir.model.data", "search", [["name", "=", "medusa_order_order_1"]])
    odoo("ir.model.data", "unlink", xid)
    assert (
        run_target(config | {"ledger_url": f"sqlite:///{tmp_path}/third.sqlite"}, singer([order(1)])).status
        == 0
    )
    assert len(orders_of(odoo, "MEDUSA-1001")) == 1
    assert odoo("ir.model.data", "search", [["name", "=", "medusa_order_order_1"]])


def test_a_cancelled_order_cancels_the_odoo_order_never_a_second(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    assert run_target(config, singer([order(7)])).status == 0
    assert run_target(config, singer([order(7, status="cancelled")])).status == 0
    [so] = orders_of(odoo, "MEDUSA-1007")
    assert so["state"] == "cancel"


BAD = {
    "unknown SKU": (
        order(11, items=[{"sku": "NOPE-1", "quantity": 1, "unit_price": 1000}], total=2000),
        "NOPE-1",
    ),
    "total mismatch": (order(12, total=99000), "differs from its lines"),
    "no email, no phone": (order(13, email=None, customer={"id": None}, shipping_address={}), "customer"),
    "negative quantity": (
        order(14, items=[{"sku": SKUS[0], "quantity": -2, "unit_price": 1000}]),
        "product_uom_qty",
    ),
    "foreign currency": (order(15, currency_code="usd"), "USD"),
}


def test_bad_orders_become_dead_letters_with_reasons_and_the_rest_is_imported(
    odoo: Odoo, config: dict[str, Any]
) -> None:
    good = [order(20), order(21, email="زبون@example.com", customer={"id": "cus_ع", "first_name": "أحمد"})]
    # a very long order: every line once. 2,000 lines here, as the sandbox recomputes an order's lines
    # quadratically (10,000 lines take it about 55 s server-side; target-odoo's own part stays under 1 s)
    many = [{"sku": SKUS[k % 3], "quantity": 1, "unit_price": 1000, "title": f"l{k}"} for k in range(LONG)]
    good.append(order(22, items=many))
    result = run_target(config, singer([*good, *(o for o, _ in BAD.values())]))
    assert result.status == 0
    assert orders_of(odoo, "MEDUSA-1020") and orders_of(odoo, "MEDUSA-1021")
    [big] = orders_of(odoo, "MEDUSA-1022")
    assert len(big["order_line"]) == LONG + 1  # and the shipping line
    letters = {d.key: d.reason for d in Ledger(config["ledger_url"]).dead_letters("odoo")}
    assert set(letters) == {o["id"] for o, _ in BAD.values()}
    for o, needle in BAD.values():
        assert needle in letters[o["id"]], letters[o["id"]]
        assert not orders_of(odoo, f"MEDUSA-{o['display_id']}")
    assert "MEDUSA-1011" in letters["order_11"]  # which order, in the shop owner's words


def test_wrong_password_stops_at_once_without_dead_letters(
    odoo: Odoo, config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    result = run_target(config | {"password": "not-the-password"}, singer([order(k) for k in range(1, 6)]))
    assert result.status == 3 and result.stdout.strip() == ""
    assert Ledger(config["ledger_url"]).dead_letters("odoo") == []
    assert "not-the-password" not in caplog.text


def test_a_missing_setting_or_source_fails_at_start_naming_it(config: dict[str, Any]) -> None:
    from etl.target import ConfigError
    from target_odoo.target import check_config

    with pytest.raises(ConfigError, match="setting source"):
        check_config(config | {"source": "nosuch"})
    with pytest.raises(ConfigError, match="adjustment_product"):
        check_config(config | {"total_policy": "adjust"})


def test_taxes_by_mapping_replace_the_products_taxes(
    odoo: Odoo, config: dict[str, Any], tmp_path: Any
) -> None:
    """A mapping file gives each line the taxes a lookup names (here the recorded 0 % 'Default Tax for PoS'
    for every line): Odoo's total is then the source's, no difference noted."""
    mapping = json.loads((MAPPINGS / "medusa.json").read_text())
    lines = next(f for f in mapping["entities"]["sale_order"]["fields"] if f["target"] == "lines.order_line")
    lines["args"]["taxes"] = {"model": "account.tax", "field": "name", "lookup": "taxes", "what": "tax"}
    mapping["lookups"] = {"taxes": {"default": ["Default Tax for PoS"]}}
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping))
    assert run_target(config | {"mapping_file": str(path)}, singer([order(40)])).status == 0
    [so] = orders_of(odoo, "MEDUSA-1040")
    rows = odoo("sale.order.line", "read", so["order_line"], fields=["tax_id", "product_id"])
    assert sorted(tuple(r["tax_id"]) for r in rows) == [(), (3,), (3,)]  # the shipping service has none
    [total] = odoo("sale.order", "read", [so["id"]], fields=["amount_total", "amount_tax"])
    assert total["amount_tax"] == 0 and total["amount_total"] == 13.5  # 2 x 5 + 2.5 + 1 shipping, as Medusa
