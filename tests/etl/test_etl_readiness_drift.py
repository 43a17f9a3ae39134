"""Readiness scoring and drift classification as pure functions (the CLI tests cover them end to end)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from etl_shop import MAPPING

from etl.drift import Expected, compare, default_stock_of, summarize
from etl.mapping import Mapping
from etl.readiness import assess

PRODUCTS = [
    {
        "id": 1,
        "default_code": "A",
        "active": True,
        "sale_ok": True,
        "categ_id": [8, "All / Office"],
        "taxes_id": [1],
    },
    {
        "id": 2,
        "default_code": "A",
        "active": True,
        "sale_ok": True,
        "categ_id": [8, "All / Office"],
        "taxes_id": [],
    },
    {"id": 3, "default_code": "A", "active": False, "sale_ok": True, "categ_id": [8, "All / Office"]},
    {
        "id": 4,
        "default_code": False,
        "active": True,
        "sale_ok": True,
        "categ_id": [9, "All / Misc"],
        "name": "X",
    },
    {
        "id": 5,
        "default_code": "B",
        "active": True,
        "sale_ok": True,
        "categ_id": [9, "All / Misc"],
        "taxes_id": [2],
    },
]
WAREHOUSES = [{"id": 1, "code": "WH", "name": "Main"}, {"id": 2, "code": "CHIC1", "name": "Chicago 1"}]
CATEGORIES = [{"id": 8, "complete_name": "All / Office"}, {"id": 9, "complete_name": "All / Misc"}]
TAXES = [{"id": 1, "name": "Tax 15%"}, {"id": 2, "name": "Tax 0%"}]


def mapping_with(**lookups: dict[str, str]) -> Mapping:
    doc = copy.deepcopy(MAPPING)
    doc["lookups"] = lookups
    if "warehouse_location" not in lookups:
        del doc["entities"]["inventory"]  # it needs that table
    return Mapping.load(doc)


def test_readiness_issues_and_score() -> None:
    r = assess(
        products=PRODUCTS,
        warehouses=WAREHOUSES,
        categories=CATEGORIES,
        taxes=TAXES,
        mapping=mapping_with(warehouse_location={"WH": "l1"}, category={"All / Office": "c"}, tax={"1": "t"}),
    )
    issues = {i.code: i for i in r.issues}
    assert issues["duplicate_sku"].severity == "blocking" and issues["duplicate_sku"].examples == [
        "A (product ids 1, 2)"  # the archived product 3 does not count
    ]
    assert issues["missing_sku"].count == 1
    assert issues["unmapped_warehouse"].examples == ["CHIC1 (Chicago 1)"]
    assert issues["unmapped_category"].examples == ["All / Misc (id 9)"]
    assert issues["unmapped_tax"].examples == ["Tax 0% (id 2)"]
    assert r.blocking and r.score == 100 - 40 - 4 * 10


def test_readiness_clean_and_without_mapping() -> None:
    clean = [p for p in PRODUCTS if p["id"] in (1, 5)]
    full = mapping_with(
        warehouse_location={"WH": "a", "CHIC1": "b"}, category={"8": "x", "9": "y"}, tax={"1": "a", "2": "b"}
    )
    r = assess(products=clean, warehouses=WAREHOUSES, categories=CATEGORIES, taxes=TAXES, mapping=full)
    assert r.issues == [] and r.score == 100 and not r.blocking
    r = assess(products=clean, warehouses=WAREHOUSES, categories=CATEGORIES, taxes=TAXES, mapping=None)
    assert [i.code for i in r.issues] == ["no_mapping"] and r.score == 100
    r = assess(
        products=clean, warehouses=WAREHOUSES, categories=CATEGORIES, taxes=TAXES, mapping=mapping_with()
    )
    assert {i.code for i in r.issues} == {"no_warehouse_mapping", "no_category_mapping", "no_tax_mapping"}
    assert r.score == 80  # category without a table is info only


def test_drift_thresholds_are_strict_greater_than() -> None:
    expected = [
        Expected("A", "L", 10, {}),
        Expected("B", "L", 10, {}),
        Expected("C", "L", 10, {}),
        Expected("D", "L", 10, {}),
        Expected("E", "L", 10, {}),
    ]
    platform = {("A", "L"): 10.0, ("B", "L"): 10.0001, ("C", "L"): 10.01, ("D", "L"): 20.0, ("E", "X"): 10.0}
    rows = {r.sku: r for r in compare(expected, platform)}
    assert [rows[s].status for s in "ABCDE"] == ["ok", "ok", "warning", "warning", "not_found"]
    rows = {r.sku: r for r in compare(expected, {**platform, ("D", "L"): 20.5})}
    assert rows["D"].status == "critical" and rows["D"].diff == 10.5
    assert summarize(list(rows.values())) == {
        "ok": 2,
        "warning": 1,
        "critical": 1,
        "not_found": 1,
        "total": 5,
    }
    with pytest.raises(ValueError, match="thresholds"):
        compare(expected, platform, warning=5, critical=1)


def test_default_stock_of() -> None:
    assert default_stock_of({"sku": "A", "source_code": "default", "quantity": 3}) == ("A", "default", 3.0)
    assert default_stock_of({"sku": "A", "branch_iv_id": "WH", "quantity": 1}) == ("A", "WH", 1.0)
    with pytest.raises(ValueError, match="stock_of"):
        default_stock_of({"sku": "A"})


def test_platform_settings_can_cover_warehouses() -> None:
    clean = [p for p in PRODUCTS if p["id"] in (1, 5)]
    kw: dict[str, Any] = {
        "products": clean,
        "warehouses": WAREHOUSES,
        "categories": CATEGORIES,
        "taxes": TAXES,
    }
    m = mapping_with(tax={"1": "a", "2": "b"}, category_handle={})  # an empty table maps nothing
    codes = {i.code for i in assess(**kw, mapping=m, covered_warehouses=["*"]).issues}
    assert codes == {"no_category_mapping"}
    issues = assess(**kw, mapping=m, covered_warehouses=["WH"]).issues
    assert [i.examples for i in issues if i.code == "unmapped_warehouse"] == [["CHIC1 (Chicago 1)"]]
