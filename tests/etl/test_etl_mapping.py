"""The mapping engine on real recorded Odoo 17 records (shaped as the tap emits them)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from etl_records import recorded

from etl.errors import MappingError, MappingFileError
from etl.mapping import Mapping, get_path, load_mapping
from etl.transforms import BuildContext, register_custom

PRODUCT_MAPPING: dict[str, Any] = {
    "platform": "testshop",
    "version": 1,
    "lookups": {
        "category": {"All / Saleable / Office Furniture": "pcat_office", "1": "pcat_all"},
        "warehouse_branch": {"WH": "BR-1"},
    },
    "entities": {
        "product": {
            "streams": ["product.template"],
            "model": "product.template",
            "key": "default_code",
            "sku_source": "default_code",
            "filter": [
                {"source": "default_code", "op": "present"},
                {"source": "sale_ok", "op": "truthy"},
                {"source": "detailed_type", "op": "in", "value": ["product", "consu"]},
            ],
            "fields": [
                {"target": "sku", "source": "default_code", "type": "direct", "required": True},
                {"target": "title", "source": "name", "type": "transform", "transform": "translated"},
                {"target": "handle", "source": "name", "type": "transform", "transform": "slug"},
                {
                    "target": "price.amount",
                    "source": "list_price",
                    "type": "transform",
                    "transform": "minor_units",
                    "args": {"currency": "KWD"},
                    "required": True,
                },
                {"target": "price.currency_code", "type": "direct", "default": "kwd"},
                {"target": "weight", "source": "weight", "type": "transform", "transform": "kg_to_g"},
                {
                    "target": "category_id",
                    "source": "categ_id",
                    "type": "transform",
                    "transform": "lookup",
                    "args": {"table": "category", "default": None},
                },
                {"target": "category_name", "source": "categ_id.name", "type": "direct"},
                {"target": "odoo_id", "source": "id", "type": "direct"},
                {
                    "target": "description",
                    "source": ["description_sale", "name"],
                    "type": "transform",
                    "transform": "coalesce",
                },
                {"target": "meta.ref", "type": "custom", "transform": "test_ref", "args": {"prefix": "odoo"}},
            ],
        }
    },
}


@register_custom("test_ref")
def _ref(value: Any, args: Any, ctx: BuildContext) -> str:
    return f"{args['prefix']}:{ctx.record['id']}"


@pytest.fixture
def mapping() -> Mapping:
    return Mapping.load(PRODUCT_MAPPING)


def test_build_on_recorded_products(mapping: Mapping) -> None:
    records = recorded("product.template")
    built = {}
    for rec in records:
        if mapping.accepts("product", rec):
            built[mapping.key_of("product", rec)] = mapping.build("product", rec)
    # the recording has 50 templates; services / products without a reference are filtered out
    assert 10 < len(built) < len(records)
    shelf = built["FURN_0009"]  # "Wall Shelf Unit", list_price 1.98, weight 0.01, Office Furniture
    assert shelf == {
        "sku": "FURN_0009",
        "title": "Wall Shelf Unit",
        "handle": "wall-shelf-unit",
        "price": {"amount": 1980, "currency_code": "kwd"},
        "weight": 10,
        "category_id": "pcat_office",
        "category_name": "All / Saleable / Office Furniture",
        "odoo_id": 50,
        "description": "Wall Shelf Unit",
        "meta": {"ref": "odoo:50"},
    }
    for rec in records:
        if mapping.accepts("product", rec):
            assert rec["default_code"] and rec["detailed_type"] in ("product", "consu")
        elif rec["default_code"] and rec["sale_ok"]:
            assert rec["detailed_type"] == "service"


def test_streams_match_with_dots_or_underscores(mapping: Mapping) -> None:
    assert [e.name for e in mapping.entities_for_stream("product_template")] == ["product"]
    assert [e.name for e in mapping.entities_for_stream("product.template")] == ["product"]
    assert mapping.entities_for_stream("res_partner") == []


def test_dotted_sources_on_recorded_variants() -> None:
    variant = recorded("product.product")[0]
    assert get_path(variant, "product_tmpl_id.id") == 1
    assert get_path(variant, "product_tmpl_id.name") == "Restaurant Expenses"
    assert get_path({"a": [1, "x"]}, "a.name") == "x"  # raw Odoo many2one
    assert get_path({"a": None}, "a.name") is None
    assert get_path({"lines": [{"sku": "A"}]}, "lines.0.sku") == "A"


def test_required_field_error_names_field_record_and_fix(mapping: Mapping) -> None:
    rec = next(r for r in recorded("product.template") if r["default_code"] == "FURN_0009")
    rec = {**rec, "list_price": None}
    with pytest.raises(MappingError) as err:
        mapping.build("product", rec)
    msg = str(err.value)
    assert err.value.field == "price.amount" and err.value.key == "FURN_0009"
    assert "FURN_0009" in msg and "price.amount" in msg and "fix:" in msg and "list_price" in msg


def test_transform_failure_becomes_mapping_error(mapping: Mapping) -> None:
    rec = next(r for r in recorded("product.template") if r["default_code"] == "FURN_0009")
    with pytest.raises(MappingError, match=r"FURN_0009.*'weight'.*kg_to_g"):
        mapping.build("product", {**rec, "weight": "heavy"})


def test_empty_key_is_a_clear_error(mapping: Mapping) -> None:
    rec = next(r for r in recorded("product.template") if r["default_code"] is None)
    with pytest.raises(MappingError, match="key field 'default_code' is empty"):
        mapping.key_of("product", rec)


def _broken(mutate: Any) -> dict[str, Any]:
    doc = copy.deepcopy(PRODUCT_MAPPING)
    mutate(doc)
    return doc


@pytest.mark.parametrize(
    ("mutate", "entry", "reason"),
    [
        (
            lambda d: d["entities"]["product"]["fields"][2].update(type="magic"),
            "entities.product.fields[2].type",
            "is not one of",
        ),
        (
            lambda d: d["entities"]["product"]["fields"][2].pop("transform"),
            "entities.product.fields[2]",
            "'transform' is a required property",
        ),
        (
            lambda d: d["entities"]["product"]["fields"][2].update(transform="sluggify"),
            "fields[2] (handle)",
            "unknown transform",
        ),
        (
            lambda d: d["entities"]["product"]["fields"][10].update(transform="nobody"),
            "fields[10] (meta.ref)",
            "no custom function",
        ),
        (
            lambda d: d["entities"]["product"]["fields"][6]["args"].update(table="tax"),
            "fields[6] (category_id)",
            "lookup table 'tax' is not defined",
        ),
        (lambda d: d["entities"]["product"].pop("key"), "entities.product", "'key' is a required property"),
        (
            lambda d: d["entities"]["product"]["filter"].append({"source": "x", "op": "in"}),
            "entities.product.filter[3]",
            "'value' is a required property",
        ),
        (
            lambda d: d["entities"]["product"]["fields"].append(
                {"target": "sku", "type": "direct", "source": "id"}
            ),
            "entities.product.fields",
            "'sku' is mapped twice",
        ),
        (lambda d: d.update(entities={}), "entities", "should be non-empty"),
    ],
)
def test_invalid_file_names_entry_and_reason(mutate: Any, entry: str, reason: str) -> None:
    with pytest.raises(MappingFileError) as err:
        Mapping.load(_broken(mutate))
    assert entry in str(err.value), str(err.value)
    assert reason in str(err.value), str(err.value)


def test_user_mapping_file_overrides_default(tmp_path: Path) -> None:
    default = tmp_path / "default.json"
    default.write_text(json.dumps(PRODUCT_MAPPING))
    user = tmp_path / "mine.json"
    mine = copy.deepcopy(PRODUCT_MAPPING)
    mine["entities"]["product"]["fields"] = [{"target": "code", "source": "default_code", "type": "direct"}]
    user.write_text(json.dumps(mine))
    assert load_mapping(None, default).entity("product").fields[0].target == "sku"
    m = load_mapping(str(user), default, lookups={"category": {"5": "pcat_x"}})
    assert m.path == user
    assert m.build("product", {"default_code": "A1"}) == {"code": "A1"}
    assert m.lookups["category"]["5"] == "pcat_x"
    assert m.lookups["category"]["1"] == "pcat_all"


def test_unreadable_files_fail_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"platform": "x",\n "entities": }')
    with pytest.raises(MappingFileError, match=r"bad\.json: line 2 column 14: not valid JSON"):
        Mapping.load(bad)
    with pytest.raises(MappingFileError, match="file not found"):
        Mapping.load(tmp_path / "none.json")


def test_filter_ops() -> None:
    doc = copy.deepcopy(PRODUCT_MAPPING)
    doc["entities"]["product"]["filter"] = [
        {"source": "qty", "op": "gt", "value": 0},
        {"source": "company_id", "op": "eq", "value": 1},
        {"source": "state", "op": "not_in", "value": ["cancel"]},
        {"source": "archived", "op": "falsy"},
    ]
    m = Mapping.load(doc)
    ok = {"qty": 2, "company_id": {"id": 1, "name": "Co"}, "state": "sale", "archived": False}
    assert m.accepts("product", ok)
    assert not m.accepts("product", {**ok, "qty": 0})
    assert not m.accepts("product", {**ok, "qty": None})
    assert not m.accepts("product", {**ok, "company_id": {"id": 2, "name": "Other"}})
    assert not m.accepts("product", {**ok, "state": "cancel"})
    assert not m.accepts("product", {**ok, "archived": True})


def test_composite_key_joins_paths() -> None:
    doc = copy.deepcopy(PRODUCT_MAPPING)
    doc["entities"]["product"]["key"] = ["default_code", "warehouse_id"]
    m = Mapping.load(doc)
    assert m.key_of("product", {"default_code": "A", "warehouse_id": {"id": 2, "name": "Chicago"}}) == "A@2"
    with pytest.raises(MappingError, match="key field 'warehouse_id' is empty"):
        m.key_of("product", {"default_code": "A", "warehouse_id": None})
