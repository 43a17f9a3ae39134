"""tap-odoo on Odoo 19, proved on the sandbox answering as the real 19.0 recordings (shared/fixtures/odoo19):
many2one id types that follow the comodel, stock per warehouse under 19's context key, storable products as
`consu` + `is_storable`; 15-18 kept right."""

from __future__ import annotations

import typing as t

import jsonschema
import pytest
from tap_helpers import Run, run_tap, sandbox_config

from sandbox.odoo import serve_odoo
from tap_odoo import schema as tap_schema


@pytest.fixture(scope="module")
def sb19() -> t.Iterator[t.Any]:
    """A read-only Odoo 19 sandbox (the 19 recordings) shared by the tests that do not write."""
    with serve_odoo(products=0, version="19.0", seed=1, port=0) as sb:
        yield sb


def json2_config(sb: t.Any, **extra: t.Any) -> dict[str, t.Any]:
    return sandbox_config(sb, password=None, api_key=sb.users["admin"]["api_key"], **extra)


def assert_records_fit_their_schema(run: Run) -> int:
    """Every RECORD validates against the last SCHEMA its stream sent before it; returns the count."""
    validators: dict[str, t.Any] = {}
    count = 0
    for message in run.messages:
        if message["type"] == "SCHEMA":
            jsonschema.Draft7Validator.check_schema(message["schema"])
            validators[message["stream"]] = jsonschema.Draft7Validator(message["schema"])
        elif message["type"] == "RECORD":
            validators[message["stream"]].validate(message["record"])
            count += 1
    return count


def schema_of(run: Run, stream: str) -> dict[str, t.Any]:
    return [m for m in run.messages if m["type"] == "SCHEMA" and m["stream"] == stream][-1]["schema"]


def test_account_root_ids_are_strings_on_19_and_integers_on_17(sb19: t.Any) -> None:
    """19's account.root is keyed by the code prefix ({"id": "12", "name": "12"}); no record breaks its
    schema."""
    run = run_tap(json2_config(sb19, models=["account.move.line"]))
    assert run.tap.client.protocol == "json2"
    root = schema_of(run, "account_move_line")["properties"]["account_root_id"]
    assert root["properties"]["id"]["type"] == ["string"]
    lines = run.records("account_move_line")
    assert len(lines) == 50 and assert_records_fit_their_schema(run) == 50
    assert {"id": "12", "name": "12"} in [line["account_root_id"] for line in lines]
    assert [m for m in run.messages if m["type"] == "SCHEMA"] == [m for m in run.messages[:1]]

    with serve_odoo(products=0, version="17.0", seed=1, port=0) as sb17:
        run17 = run_tap(sandbox_config(sb17, models=["account.move.line"]))
    assert schema_of(run17, "account_move_line")["properties"]["account_root_id"]["properties"]["id"] == {
        "type": ["integer"]
    }
    assert assert_records_fit_their_schema(run17) == len(run17.records("account_move_line")) > 0


def test_an_id_type_the_schema_did_not_expect_resends_the_schema(
    sb19: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A comodel with string ids the tap does not know of: the SCHEMA is widened and sent again before the
    first such record, once, with a warning naming the field; every record still fits its schema."""
    monkeypatch.setattr(tap_schema, "STRING_ID_MODELS", {})
    run = run_tap(json2_config(sb19, models=["account.move.line"]))
    schemas = [m for m in run.messages if m["type"] == "SCHEMA"]
    assert len(schemas) == 2
    assert schemas[0]["schema"]["properties"]["account_root_id"]["properties"]["id"]["type"] == ["integer"]
    assert schemas[1]["schema"]["properties"]["account_root_id"]["properties"]["id"]["type"] == [
        "integer",
        "string",
    ]
    assert assert_records_fit_their_schema(run) == 50


def test_storable_products_and_renamed_fields_follow_the_server(sb19: t.Any) -> None:
    """19 has no type `product` nor detailed_type, and names tax_ids / product_uom_id: the tap reads what
    fields_get lists, so the streams carry 19's names and no refused field."""
    run = run_tap(json2_config(sb19, models=["product.template", "sale.order.line", "purchase.order.line"]))
    template = schema_of(run, "product_template")["properties"]
    assert "is_storable" in template and "detailed_type" not in template
    assert {r["type"] for r in run.records("product_template")} <= {"consu", "service", "combo"}
    for stream in ("sale_order_line", "purchase_order_line"):
        props = schema_of(run, stream)["properties"]
        assert {"tax_ids", "product_uom_id"} <= set(props) and not {
            "tax_id",
            "taxes_id",
            "product_uom",
        } & set(props)
    assert assert_records_fit_their_schema(run) == sum(len(v) for v in run.records_by_stream.values())


def _levels(run: Run) -> dict[tuple[int, int], float]:
    return {(r["product_id"], r["warehouse_id"]): r["qty_available"] for r in run.records("stock_levels")}


@pytest.mark.parametrize("version", ["19.0", "17.0"])
def test_stock_levels_per_warehouse_with_two_warehouses(version: str) -> None:
    """Stock put in the second warehouse shows there and only there; 19 is asked with `warehouse_id` (given
    17's `warehouse`, the sandbox answers company-wide totals as a real 19 does), 17 with `warehouse`."""
    with serve_odoo(products=0, version=version, seed=1, port=0) as sb:
        second = 2
        stock_location = sb.store.raw_id("stock.warehouse", second, "lot_stock_id")
        product = 8
        execute = sb.services.call
        quant = execute(
            2,
            "stock.quant",
            "create",
            [{"product_id": product, "location_id": stock_location, "inventory_quantity": 7}],
            {"context": {"inventory_mode": True}},
        )
        execute(2, "stock.quant", "action_apply_inventory", [quant], {"context": {"inventory_mode": True}})

        def qty(context: dict[str, t.Any]) -> float:
            rows = execute(
                2, "product.product", "read", [[product]], {"fields": ["qty_available"], "context": context}
            )
            return float(rows[0]["qty_available"])

        total = qty({})
        if version == "19.0":
            assert qty({"warehouse": second}) == total  # 17's key is ignored by 19
            assert qty({"warehouse_id": second}) == 7.0
        else:
            assert qty({"warehouse_id": second}) == total  # 19's key means nothing to 17
            assert qty({"warehouse": second}) == 7.0
        config = json2_config(sb) if version == "19.0" else sandbox_config(sb)
        run = run_tap({**config, "models": ["product.product"], "stock_levels": True})
    levels = _levels(run)
    assert levels[(product, second)] == 7.0
    assert levels[(product, 1)] == total - 7.0
    assert {w for _, w in levels} == {1, 2}
    assert assert_records_fit_their_schema(run) == len(run.records("product_product")) + len(levels)
    storable = {
        r["id"] for r in run.records("product_product") if r.get("is_storable") or r["type"] == "product"
    }
    assert {p for p, _ in levels} == storable  # 19: consu + is_storable; 17: type product


@pytest.mark.parametrize(("major", "expected"), [(17, "integer"), (18, "integer"), (19, "string")])
def test_relational_id_types_follow_the_comodel_and_version(major: int, expected: str) -> None:
    many2one = tap_schema.field_schema({"type": "many2one", "relation": "account.root"}, major) or {}
    many2many = tap_schema.field_schema({"type": "many2many", "relation": "account.root"}, major) or {}
    assert many2one["properties"]["id"]["type"] == [expected]
    assert many2many["items"]["type"] == [expected]
    other = tap_schema.field_schema({"type": "many2one", "relation": "account.account"}, major) or {}
    assert other["properties"]["id"]["type"] == ["integer"]
