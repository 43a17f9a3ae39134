"""Domains, order, paging and context of search / search_read on the recorded data (shared sandbox)."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest
from odoo_sandbox_clients import execute

from sandbox.odoo import OdooSandbox

ALL = {"active_test": False}


def ids(sb: OdooSandbox, model: str, domain: list[Any], **kwargs: Any) -> list[int]:
    result: list[int] = execute(sb, model, "search", domain, **kwargs)
    return result


def names(sb: OdooSandbox, model: str, domain: list[Any], field: str = "name", **kwargs: Any) -> list[Any]:
    return [r[field] for r in execute(sb, model, "search_read", domain, fields=[field], **kwargs)]


def test_comparison_operators(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    prices = {
        r["id"]: r["list_price"]
        for r in execute(sb, "product.template", "search_read", [], fields=["list_price"])
    }
    for op, check in [
        ("=", lambda p: p == 14.0),
        ("!=", lambda p: p != 14.0),
        ("<", lambda p: p < 14.0),
        ("<=", lambda p: p <= 14.0),
        (">", lambda p: p > 14.0),
        (">=", lambda p: p >= 14.0),
    ]:
        got = set(ids(sb, "product.template", [("list_price", op, 14.0)]))
        assert got == {i for i, p in prices.items() if check(p)}, op
        assert got, op if op in ("=", ">", ">=") else ""


def test_in_not_in_and_false(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    assert ids(sb, "product.product", [("id", "in", [1, 2, 999])], order="id") == [1, 2]
    no_code = set(ids(sb, "product.product", [("default_code", "=", False)], context=ALL))
    with_code = set(ids(sb, "product.product", [("default_code", "!=", False)], context=ALL))
    assert no_code and with_code and not (no_code & with_code)
    assert len(no_code | with_code) == 72
    assert set(
        ids(sb, "product.product", [("default_code", "in", [False, "FURN_9666"])], context=ALL)
    ) == no_code | {43}
    not_in = set(ids(sb, "product.product", [("id", "not in", [1, 2])], context=ALL))
    assert 1 not in not_in and len(not_in) == 70


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("like", "Desk", {"Customizable Desk", "Large Desk", "Corner Desk Right Sit", "Four Person Desk"}),
        ("ilike", "desk", {"Customizable Desk", "Large Desk", "Corner Desk Right Sit", "Four Person Desk"}),
        ("like", "desk", set()),
        ("=like", "Table%", {"Table", "Table Top", "Table Leg", "Table Kit"}),
        ("=ilike", "table", {"Table"}),
        ("=like", "T_ble", {"Table"}),
    ],
)
def test_like_family(odoo_sandbox: OdooSandbox, op: str, value: str, expected: set[str]) -> None:
    got = set(names(odoo_sandbox, "product.template", [("name", op, value)]))
    assert expected <= got
    assert all(value.lower().replace("%", "").replace("_", "") in n.lower() or "_" in value for n in got)
    if op == "like" and value == "desk":
        assert got == set()


def test_prefix_operators(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    a = set(ids(sb, "product.template", [("name", "=like", "Table%")]))
    b = set(ids(sb, "product.template", [("list_price", ">", 500)]))
    assert (
        set(ids(sb, "product.template", ["|", ("name", "=like", "Table%"), ("list_price", ">", 500)]))
        == a | b
    )
    assert (
        set(ids(sb, "product.template", ["&", ("name", "=like", "Table%"), ("list_price", ">", 500)]))
        == a & b
    )
    everything = set(ids(sb, "product.template", []))
    assert set(ids(sb, "product.template", ["!", ("name", "=like", "Table%")])) == everything - a
    nested = [
        "|",
        "!",
        ("name", "=like", "Table%"),
        "&",
        ("list_price", ">", 500),
        ("name", "=like", "Table%"),
    ]
    assert set(ids(sb, "product.template", nested)) == (everything - a) | (a & b)


def test_dotted_path_through_many2one(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    office = ids(sb, "product.product", [("categ_id.name", "=", "Office Furniture")], context=ALL)
    assert office
    for rec in execute(sb, "product.product", "read", office, fields=["categ_id"]):
        assert rec["categ_id"][1] == "All / Saleable / Office Furniture"
    lines = execute(
        sb,
        "sale.order.line",
        "search_read",
        [("order_id.partner_id.name", "=", "Deco Addict")],
        fields=["order_id"],
    )
    orders = {
        r["id"]: r["partner_id"][1]
        for r in execute(sb, "sale.order", "search_read", [], fields=["partner_id"])
    }
    assert lines and all(orders[line["order_id"][0]] == "Deco Addict" for line in lines)


def test_child_of(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    saleable = ids(sb, "product.category", [("id", "child_of", 2)], order="id")
    assert saleable == [2, 5, 6, 7, 8, 10]
    products = ids(sb, "product.template", [("categ_id", "child_of", 2)])
    categories = {
        r["categ_id"][0] for r in execute(sb, "product.template", "read", products, fields=["categ_id"])
    }
    assert categories <= set(saleable) and products
    wh_stock = ids(sb, "stock.location", [("id", "child_of", 8)], context=ALL, order="id")
    assert wh_stock == [8, 17, 18, 33]


def test_order_several_keys_and_directions(odoo_sandbox: OdooSandbox) -> None:
    rows = execute(
        odoo_sandbox,
        "product.template",
        "search_read",
        [],
        fields=["list_price", "name"],
        order="list_price desc, name asc",
    )
    keys = [(-r["list_price"], r["name"].lower()) for r in rows]
    assert keys == sorted(keys) and len(rows) > 10
    rows = execute(
        odoo_sandbox,
        "product.product",
        "search_read",
        [],
        fields=["write_date"],
        order="write_date desc, id desc",
        context=ALL,
    )
    pairs = [(r["write_date"], r["id"]) for r in rows]
    assert pairs == sorted(pairs, reverse=True) and len(pairs) == 72


def test_offset_limit_pages_cover_everything_once(odoo_sandbox: OdooSandbox) -> None:
    seen: list[int] = []
    for offset in range(0, 80, 7):
        seen += ids(
            odoo_sandbox,
            "product.product",
            [],
            offset=offset,
            limit=7,
            order="write_date asc, id asc",
            context=ALL,
        )
    assert len(seen) == len(set(seen)) == 72


def test_keyset_paging_on_write_date_and_id(odoo_sandbox: OdooSandbox) -> None:
    """The tap's keyset continuation: (write_date > W) or (write_date = W and id > I)."""
    sb = odoo_sandbox
    seen: list[int] = []
    last: tuple[str, int] | None = None
    while True:
        domain: list[Any] = []
        if last:
            domain = [
                "|",
                ("write_date", ">", last[0]),
                "&",
                ("write_date", "=", last[0]),
                ("id", ">", last[1]),
            ]
        page = execute(
            sb,
            "product.product",
            "search_read",
            domain,
            fields=["write_date"],
            limit=10,
            order="write_date asc, id asc",
            context=ALL,
        )
        if not page:
            break
        seen += [r["id"] for r in page]
        last = (page[-1]["write_date"], page[-1]["id"])
    assert len(seen) == len(set(seen)) == 72


def test_active_test(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    active = set(ids(sb, "stock.location", []))
    everything = set(ids(sb, "stock.location", [], context=ALL))
    archived = set(ids(sb, "stock.location", [("active", "=", False)]))
    assert len(everything) == 37 and archived and not active & archived and active | archived == everything
    assert {6, 9, 10, 11, 12, 13} <= archived
    assert set(ids(sb, "stock.location", [("active", "in", [True, False])])) == everything
    assert execute(sb, "product.product", "search_count", [], context=ALL) == 72


def test_allowed_company_ids(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    both = names(sb, "stock.warehouse", [], context={"allowed_company_ids": [1, 2]})
    first = names(sb, "stock.warehouse", [], context={"allowed_company_ids": [1]})
    assert sorted(both) == ["Chicago 1", "YourCompany"] and first == ["YourCompany"]
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(sb, "stock.warehouse", "search", [], context={"allowed_company_ids": [99]})
    assert err.value.faultCode == 4 and "unauthorized or invalid companies" in err.value.faultString


def test_lang_context_accepted(odoo_sandbox: OdooSandbox) -> None:
    got = names(odoo_sandbox, "product.product", [("id", "=", 1)], context={"lang": "en_US"})
    assert got == ["Restaurant Expenses"]


def test_empty_values_many2one_and_dates(odoo_sandbox: OdooSandbox) -> None:
    fields = ["barcode", "categ_id", "company_id", "write_date", "seller_ids", "weight"]
    rec = execute(odoo_sandbox, "product.product", "read", [1], fields=fields)[0]
    assert rec["barcode"] is False and rec["company_id"] is False and rec["seller_ids"] == []
    assert rec["categ_id"] == [3, "All / Expenses"] and isinstance(rec["weight"], float)
    assert len(rec["write_date"]) == 19 and rec["write_date"][10] == " "


def test_related_fields_come_from_the_template(odoo_sandbox: OdooSandbox) -> None:
    sb = odoo_sandbox
    product = execute(
        sb, "product.product", "read", [46], fields=["name", "list_price", "categ_id", "product_tmpl_id"]
    )
    template = execute(
        sb,
        "product.template",
        "read",
        [product[0]["product_tmpl_id"][0]],
        fields=["name", "list_price", "categ_id"],
    )
    assert {k: product[0][k] for k in ("name", "list_price", "categ_id")} == {
        k: template[0][k] for k in ("name", "list_price", "categ_id")
    }


@pytest.mark.parametrize(
    ("domain", "last"),
    [
        (
            [("no_such_field", "=", 1)],
            "ValueError: Invalid field product.product.no_such_field in leaf ('no_such_field', '=', 1)",
        ),
        ([("name", "like2", "x")], "ValueError: Invalid leaf ('name', 'like2', 'x')"),
        (
            [("categ_id.nope", "=", 1)],
            "ValueError: Invalid field product.category.nope in leaf ('nope', '=', 1)",
        ),
        (
            ["|", ("name", "=", "x")],
            "ValueError: Domain ['|', ['name', '=', 'x']] is syntactically not correct.",
        ),
    ],
)
def test_bad_domains_fault_like_odoo(odoo_sandbox: OdooSandbox, domain: list[Any], last: str) -> None:
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(odoo_sandbox, "product.product", "search", domain)
    assert err.value.faultCode == 1
    assert err.value.faultString.rstrip().rsplit("\n", 1)[-1].replace('"', "'") == last.replace('"', "'")


def test_bad_order_faults(odoo_sandbox: OdooSandbox) -> None:
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(odoo_sandbox, "product.product", "search", [], order="name sideways")
    assert err.value.faultCode == 1 and "Invalid order" in err.value.faultString


def test_name_search(odoo_sandbox: OdooSandbox) -> None:
    got = execute(odoo_sandbox, "product.product", "name_search", "FURN_96")
    assert [43, "[FURN_9666] Table"] in got
    assert all(isinstance(pair[0], int) and isinstance(pair[1], str) for pair in got)
    limited = execute(odoo_sandbox, "res.partner", "name_search", "", limit=3)
    assert len(limited) == 3


def test_fields_get_with_attributes(odoo_sandbox: OdooSandbox) -> None:
    got = execute(
        odoo_sandbox, "product.product", "fields_get", ["name", "qty_available"], attributes=["type", "store"]
    )
    assert got == {
        "name": {"type": "char", "store": False},
        "qty_available": {"type": "float", "store": False},
    }


def test_search_count_and_read_of_missing_ids(odoo_sandbox: OdooSandbox) -> None:
    assert execute(odoo_sandbox, "product.product", "read", [1, 999999], fields=["id"]) == [{"id": 1}]
    assert execute(odoo_sandbox, "product.product", "search_count", [("id", "=", 999999)]) == 0


def test_ir_model_lists_the_recorded_models(odoo_sandbox: OdooSandbox) -> None:
    """ir.model is synthesized (not recorded) so discovery can list the models the sandbox serves."""
    rows = execute(
        odoo_sandbox, "ir.model", "search_read", [("model", "like", "product.%")], fields=["model", "name"]
    )
    assert {r["model"]: r["name"] for r in rows}["product.product"] == "Product Variant"
    every = {r["model"] for r in execute(odoo_sandbox, "ir.model", "search_read", [], fields=["model"])}
    assert {"product.product", "stock.quant", "sale.order", "res.partner", "ir.model"} <= every
    # 30 recorded models, ir.model, and the two the write calls need (ir.model.data, loyalty.rule)
    assert len(every) == 33 and {"ir.model.data", "loyalty.rule"} <= every


def test_datetime_values_in_iso_form_still_bisect_right(odoo_sandbox: OdooSandbox) -> None:
    """`2026-11-22T13:40:30` and `2026-11-22 13:40:30` select the same records on the fast write_date path."""
    kwargs: dict[str, Any] = {"order": "write_date asc, id asc", "context": ALL}
    spaced = ids(odoo_sandbox, "product.product", [("write_date", ">=", "2026-11-22 13:40:30")], **kwargs)
    iso = ids(odoo_sandbox, "product.product", [("write_date", ">=", "2026-11-22T13:40:30")], **kwargs)
    day = ids(odoo_sandbox, "product.product", [("write_date", ">=", "2026-11-22")], **kwargs)
    assert spaced == iso and len(day) == 72 and 0 < len(spaced) < 72


def test_empty_values_sort_last_ascending_first_descending(odoo_sandbox: OdooSandbox) -> None:
    asc = names(
        odoo_sandbox, "product.product", [], "default_code", order="default_code asc, id asc", context=ALL
    )
    desc = names(
        odoo_sandbox, "product.product", [], "default_code", order="default_code desc, id asc", context=ALL
    )
    assert asc[0] is not False and asc[-1] is False
    assert desc[0] is False and desc[-1] is not False
    codes = [c for c in asc if c is not False]
    assert codes == sorted(codes, key=str.lower)
