"""Every built-in transform, as a pure function."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.errors import MappingFileError, TransformError
from etl.transforms import (
    BuildContext,
    currency_exponent,
    get_custom,
    get_transform,
    register_custom,
    to_minor_units,
    transform_names,
)


def run(name: str, value: Any, args: dict[str, Any] | None = None, **ctx: Any) -> Any:
    context = BuildContext(
        record=ctx.get("record", {}), lookups=ctx.get("lookups", {}), config=ctx.get("config", {})
    )
    return get_transform(name)(value, args or {}, context)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (1.5, "KWD", 1500),  # fils: 3 decimals
        (12.345, "KWD", 12345),
        (0.0005, "KWD", 1),  # half-up
        (1.5, "EUR", 150),
        (19.99, "USD", 1999),  # float 19.99 must not become 1998
        (1.005, "usd", 101),
        (1500, "JPY", 1500),
        (2.5, "BHD", 2500),
    ],
)
def test_minor_units_by_currency(amount: float, currency: str, expected: int) -> None:
    assert to_minor_units(amount, currency) == expected
    assert run("minor_units", amount, {"currency": currency}) == expected


def test_minor_units_currency_from_record_field_or_config() -> None:
    record = {"currency_id": {"id": 3, "name": "KWD"}}
    assert run("minor_units", 2, {"currency_field": "currency_id"}, record=record) == 2000
    assert run("minor_units", 2, config={"currency": "EUR"}) == 200
    assert run("minor_units", None, {"currency": "KWD"}) is None
    with pytest.raises(TransformError, match="needs a currency"):
        run("minor_units", 2)
    with pytest.raises(TransformError, match="needs a number"):
        run("minor_units", "abc", {"currency": "KWD"})
    assert currency_exponent("KWD") == 3 and currency_exponent("EUR") == 2


def test_round_and_numbers() -> None:
    assert run("round", 2.5) == 3
    assert run("round", 2.345, {"ndigits": 2}) == 2.35
    assert run("int", "7.6") == 8
    assert run("float", "7.25") == 7.25
    assert run("multiply", 1.5, {"factor": 2}) == 3
    assert run("multiply", 1.25, {"factor": 2}) == 2.5
    assert run("round", None) is None


def test_compare_for_stock_status() -> None:
    assert run("compare", 3, {"then": 1, "else": 0}) == 1
    assert run("compare", 0, {"then": 1, "else": 0}) == 0
    assert run("compare", None, {"then": 1, "else": 0}) == 0
    safety = {"safety_stock": 5}
    assert run("compare", 5, {"config_key": "safety_stock", "then": 1, "else": 0}, config=safety) == 0
    assert run("compare", 5, {"op": "gte", "value": 5}) is True
    with pytest.raises(TransformError, match="op must be one of"):
        run("compare", 1, {"op": "between"})


def test_kg_to_g() -> None:
    assert run("kg_to_g", 0.01) == 10
    assert run("kg_to_g", 1.2345) == 1235
    assert run("kg_to_g", 0) == 0
    assert run("kg_to_g", None) is None
    with pytest.raises(TransformError):
        run("kg_to_g", True)


def test_subtract_safety_stock_floor_zero() -> None:
    assert run("subtract", 12, {"amount": 5, "min": 0}) == 7
    assert run("subtract", 3, {"amount": 5, "min": 0}) == 0
    assert run("subtract", 12, {"config_key": "safety_stock", "min": 0}, config={"safety_stock": 2}) == 10
    assert run("subtract", 12.5, {"field": "reserved"}, record={"reserved": 2}) == 10.5


def test_slug() -> None:
    assert run("slug", "Café Table — 2 Seats!") == "cafe-table-2-seats"
    assert run("slug", "  Office / Chairs ") == "office-chairs"
    assert run("slug", "!!!") is None
    assert run("slug", None) is None


def test_many2one_id_and_name() -> None:
    m2o = {"id": 8, "name": "All / Saleable / Office Furniture"}
    assert run("m2o_id", m2o) == 8
    assert run("m2o_id", [8, "x"]) == 8
    assert run("m2o_id", None) is None
    assert run("m2o_name", m2o) == "All / Saleable / Office Furniture"
    assert run("m2o_name", [8, "Desk"]) == "Desk"
    assert run("m2o_last_name", m2o) == "Office Furniture"


def test_lookup_tables() -> None:
    lookups = {"category": {"8": "pcat_office", "All / Saleable": "pcat_saleable"}}
    assert run("lookup", {"id": 8, "name": "x"}, {"table": "category"}, lookups=lookups) == "pcat_office"
    assert run("lookup", {"id": 2, "name": "All / Saleable"}, {"table": "category"}, lookups=lookups) == (
        "pcat_saleable"
    )
    assert run("lookup", "cash", {"table": {"cash": "checkmo"}}) == "checkmo"
    assert run("lookup", 99, {"table": "category", "default": "other"}, lookups=lookups) == "other"
    assert run("lookup", 99, {"table": "category", "strict": False}, lookups=lookups) is None
    with pytest.raises(TransformError, match=r"99 is not in lookup table 'category'.*lookups\.category"):
        run("lookup", 99, {"table": "category"}, lookups=lookups)
    with pytest.raises(TransformError, match="not defined"):
        run("lookup", 1, {"table": "tax"}, lookups=lookups)


def test_template_with_dotted_names() -> None:
    record = {"default_code": "FURN_1", "categ_id": {"id": 8, "name": "Office"}, "id": 5}
    out = run("template", "v", {"template": "{default_code}-{categ_id.name}-{id}:{value}"}, record=record)
    assert out == "FURN_1-Office-5:v"
    assert run("template", None, {"template": "odoo:product.product:{id}"}, record=record) == (
        "odoo:product.product:5"
    )
    assert run("template", None, {"template": "{missing} {{x}}"}, record=record) == " {x}"


def test_coalesce_bool_const() -> None:
    assert run("coalesce", [None, "", "b", "c"]) == "b"
    assert run("coalesce", [None, None], {"default": 0}) == 0
    assert run("bool", "yes") is True
    assert run("bool", None) is False
    assert run("bool", 0) is False
    assert run("not", True) is False
    assert run("const", "ignored", {"value": "published"}) == "published"


def test_strings() -> None:
    assert run("upper", "ab") == "AB"
    assert run("lower", "AB") == "ab"
    assert run("strip", "  ") is None
    assert run("truncate", "abcdef", {"length": 3}) == "abc"
    assert run("join", ["a", None, "b"], {"sep": "|"}) == "a|b"
    assert run("split", "a, b,,c") == ["a", "b", "c"]
    assert run("str", 5) == "5"


def test_dates() -> None:
    assert run("date_format", "2026-11-22 13:40:00", {"format": "%d/%m/%Y"}) == "22/11/2026"
    assert run("date_format", "22.11.2026", {"input": "%d.%m.%Y"}) == "2026-11-22"
    assert run("datetime_iso", "2026-11-22 13:40:00") == "2026-11-22T13:40:00Z"
    assert run("datetime_iso", "2026-11-22T15:40:00+02:00") == "2026-11-22T13:40:00Z"
    with pytest.raises(TransformError, match="ISO-8601"):
        run("datetime_iso", "yesterday")


def test_translated_value_by_lang() -> None:
    value = {"en_US": "Chair", "ar_001": "كرسي", "fr_FR": ""}
    assert run("translated", value, {"lang": "ar_001"}) == "كرسي"
    assert run("translated", value, {"lang": "fr_FR"}) == "Chair"  # empty -> fallback en_US
    assert run("translated", value, config={"lang": "ar_001"}) == "كرسي"
    assert run("translated", "plain") == "plain"


def test_registry_and_custom_functions() -> None:
    assert {"minor_units", "kg_to_g", "slug", "lookup", "template", "translated"} <= set(transform_names())
    with pytest.raises(MappingFileError, match="unknown transform"):
        get_transform("nope")

    @register_custom("test_double")
    def double(value: Any, args: Any, ctx: BuildContext) -> Any:
        return value * 2

    assert get_custom("test_double")(4, {}, BuildContext(record={})) == 8
    with pytest.raises(MappingFileError, match="no custom function"):
        get_custom("never_registered")


def test_every_builtin_transform_is_tested_here() -> None:
    source = Path(__file__).read_text()
    untested = [name for name in transform_names() if f'run("{name}"' not in source]
    assert untested == [], f"add tests for {untested}"
