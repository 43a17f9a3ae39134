"""create / write / unlink, write_date stamping, relations kept right, access rights, the on_call hook."""

from __future__ import annotations

import json
import xmlrpc.client
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from odoo_sandbox_clients import execute, jsonrpc

from sandbox.odoo import OdooSandbox, recordings_dir, serve_odoo
from sandbox.odoo.errors import recorded_fault

ALL = {"active_test": False}


@pytest.fixture
def sb() -> Iterator[OdooSandbox]:
    """A private sandbox: these tests change data."""
    with serve_odoo(products=0) as sandbox:
        yield sandbox


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


def test_create_product_makes_template_and_stamps_dates(sb: OdooSandbox) -> None:
    before = utc_now()
    pid = execute(
        sb, "product.product", "create", {"name": "Sandbox Chair", "list_price": 12, "default_code": "SC1"}
    )
    after = utc_now()
    rec = execute(
        sb,
        "product.product",
        "read",
        [pid],
        fields=["name", "list_price", "product_tmpl_id", "write_date", "create_date", "display_name"],
    )[0]
    assert rec["name"] == "Sandbox Chair" and rec["list_price"] == 12.0
    assert before <= rec["write_date"] <= after and rec["create_date"] == rec["write_date"]
    assert rec["display_name"] == "[SC1] Sandbox Chair"
    tmpl = execute(
        sb, "product.template", "read", [rec["product_tmpl_id"][0]], fields=["name", "product_variant_ids"]
    )
    assert tmpl[0]["name"] == "Sandbox Chair" and tmpl[0]["product_variant_ids"] == [pid]
    assert execute(sb, "product.product", "search_count", [], context=ALL) == 73
    assert tmpl[0]["product_variant_ids"] == [pid]
    code = execute(sb, "product.template", "read", [rec["product_tmpl_id"][0]], fields=["default_code"])
    assert code[0]["default_code"] == "SC1"  # a single-variant template shows its variant's reference
    ids = execute(sb, "product.product", "create", [{"name": "A"}, {"name": "B"}])
    assert isinstance(ids, list) and len(ids) == 2


def test_write_through_related_field_and_write_dates(sb: OdooSandbox) -> None:
    sb.store.write("product.product", [46], {"name": "Bolt"}, now="2030-01-01 00:00:00")
    assert execute(sb, "product.product", "write", [46], {"name": "Big Bolt", "list_price": 1.5}) is True
    rec = execute(
        sb, "product.product", "read", [46], fields=["name", "list_price", "write_date", "display_name"]
    )[0]
    assert (
        rec["name"] == "Big Bolt"
        and rec["list_price"] == 1.5
        and rec["display_name"] == "[CONS_89957] Big Bolt"
    )
    assert rec["write_date"] != "2030-01-01 00:00:00"
    tmpl = execute(
        sb, "product.template", "search_read", [("product_variant_ids", "in", [46])], fields=["name"]
    )
    assert tmpl[0]["name"] == "Big Bolt"
    # writing the template moves the variant's write_date too: in the recorded Odoo 17 fields_get,
    # product.product.write_date is stored with depends ['product_tmpl_id.write_date']
    sb.store.write("product.template", [tmpl[0]["id"]], {"list_price": 2.0}, now="2031-05-05 05:05:05")
    assert (
        execute(sb, "product.product", "read", [46], fields=["write_date"])[0]["write_date"]
        == "2031-05-05 05:05:05"
    )
    newest = execute(sb, "product.product", "search", [], order="write_date desc, id desc", limit=1)
    assert newest == [46]


def test_unlink_removes_everywhere(sb: OdooSandbox) -> None:
    tmpl = execute(sb, "product.product", "read", [43], fields=["product_tmpl_id"])[0]["product_tmpl_id"][0]
    assert execute(sb, "product.product", "unlink", [43]) is True
    assert execute(sb, "product.product", "read", [43], fields=["name"]) == []
    assert 43 not in execute(sb, "product.product", "search", [], context=ALL)
    assert execute(sb, "product.product", "search_count", [], context=ALL) == 71
    assert execute(sb, "product.template", "read", [tmpl], fields=["name"]) == []  # its only variant is gone
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(sb, "product.product", "write", [43], {"name": "ghost"})
    assert err.value.faultCode == 2
    assert err.value.faultString.startswith("Record does not exist or has been deleted.")


def test_one2many_inverse_lists_follow_creates_writes_unlinks(sb: OdooSandbox) -> None:
    order = execute(
        sb,
        "sale.order",
        "create",
        {
            "partner_id": 10,
            "order_line": [(0, 0, {"product_id": 5, "product_uom_qty": 2}), (0, 0, {"product_id": 6})],
        },
    )
    lines = execute(sb, "sale.order", "read", [order], fields=["order_line", "partner_id"])[0]
    assert len(lines["order_line"]) == 2 and lines["partner_id"] == [10, "Deco Addict"]
    got = execute(sb, "sale.order.line", "read", lines["order_line"], fields=["order_id", "product_id"])
    assert {r["order_id"][0] for r in got} == {order}
    execute(sb, "sale.order.line", "write", [lines["order_line"][0]], {"order_id": 1})
    assert (
        lines["order_line"][0]
        in execute(sb, "sale.order", "read", [1], fields=["order_line"])[0]["order_line"]
    )
    execute(sb, "sale.order.line", "unlink", [lines["order_line"][1]])
    assert execute(sb, "sale.order", "read", [order], fields=["order_line"])[0]["order_line"] == []


def test_demo_user_is_read_only_as_recorded(sb: OdooSandbox) -> None:
    cases: list[tuple[str, str, list[Any]]] = [
        ("access_error_demo_create_product", "create", [{"name": "demo-should-fail"}]),
        ("access_error_demo_write_product", "write", [[1], {"name": "Restaurant Expenses"}]),
    ]
    for key, method, args in cases:
        with pytest.raises(xmlrpc.client.Fault) as err:
            execute(sb, "product.product", method, *args, login="demo")
        assert (err.value.faultCode, err.value.faultString) == (
            recorded_fault(key)["faultCode"],
            recorded_fault(key)["faultString"],
        )
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(sb, "product.product", "unlink", [1], login="demo")
    assert err.value.faultCode == 4 and "not allowed to delete" in err.value.faultString
    assert execute(sb, "account.move", "search_read", [], fields=["id"], limit=1, login="demo") == [
        {"id": 10}
    ]
    assert execute(sb, "product.product", "check_access_rights", "write", False, login="demo") is False


def test_api_key_works_as_password(sb: OdooSandbox) -> None:
    admin = sb.users["admin"]
    common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
    assert common.authenticate(sb.db, "admin", admin["api_key"], {}) == 2
    obj = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object")
    assert obj.execute_kw(sb.db, 2, admin["api_key"], "res.users", "read", [[2]], {"fields": ["login"]}) == [
        {"id": 2, "login": "admin"}
    ]


@pytest.mark.parametrize(
    ("vals", "needle"),
    [
        ({"list_price": "cheap"}, "product.template.list_price: 'cheap'"),
        ({"no_such_field": 1}, "Invalid field 'no_such_field' on model 'product.product'"),
        ({"type": "furniture"}, "product.template.type: 'furniture'"),
        (
            {"create_date": "x", "write_date": "y", "weight": 1.0, "volume": "big"},
            "product.product.volume: 'big'",
        ),
    ],
)
def test_bad_values_fault_naming_the_field(sb: OdooSandbox, vals: dict[str, Any], needle: str) -> None:
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(sb, "product.product", "write", [1], vals)
    assert needle in err.value.faultString


def test_store_api_and_write_date_ties(sb: OdooSandbox) -> None:
    """Several writes in one second share a write_date; (write_date, id) still orders them."""
    stamp = "2032-02-02 02:02:02"
    for pid in (30, 5, 17):
        sb.store.write("product.product", [pid], {"weight": 1.0}, now=stamp)
    page = sb.store.search_read(
        "product.product", [("write_date", ">=", stamp)], ["write_date"], order="write_date asc, id asc"
    )
    assert [r["id"] for r in page] == [5, 17, 30] and {r["write_date"] for r in page} == {stamp}
    new = sb.store.create("res.partner", {"name": "Store Partner"})
    assert sb.store.search("res.partner", [("name", "=", "Store Partner")]) == [new]
    sb.store.unlink("res.partner", [new])
    assert sb.store.search("res.partner", [("name", "=", "Store Partner")]) == []


def test_on_call_hook_writes_between_pages(sb: OdooSandbox) -> None:
    """A write between two pages: offset paging skips a record, keyset paging on (write_date, id) does not."""
    order = "write_date asc, id asc"
    first = execute(
        sb, "product.product", "search_read", [], fields=["write_date"], limit=10, order=order, context=ALL
    )
    moved = first[0]["id"]  # already read; its write moves it to the end and shifts every later offset by one

    def hook(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        if method == "search_read" and sb.calls[(model, method)] == 1:
            sb.store.write("product.product", [moved], {"weight": 9.0})

    sb.on_call = hook
    sb.calls.reset()
    offset_seen = [r["id"] for r in first]
    offset_seen += [
        r["id"]
        for r in execute(
            sb,
            "product.product",
            "search_read",
            [],
            fields=["id"],
            offset=10,
            limit=100,
            order=order,
            context=ALL,
        )
    ]
    assert len(set(offset_seen)) == 71  # one record was skipped by the offset pager
    assert sb.calls[("product.product", "search_read")] == 1

    sb.calls.reset()
    moved = first[1]["id"]
    last = (first[-1]["write_date"], first[-1]["id"])
    domain = ["|", ("write_date", ">", last[0]), "&", ("write_date", "=", last[0]), ("id", ">", last[1])]
    keyset_seen = [r["id"] for r in first]
    keyset_seen += [
        r["id"]
        for r in execute(
            sb, "product.product", "search_read", domain, fields=["id"], limit=100, order=order, context=ALL
        )
    ]
    assert len(set(keyset_seen)) == 72  # nothing skipped; the moved record comes again at the end
    assert keyset_seen[-1] == moved
    sb.on_call = None


def test_read_with_no_fields_reads_every_field(sb: OdooSandbox) -> None:
    rec = execute(sb, "res.country", "read", [1])[0]
    fields = execute(sb, "res.country", "fields_get", attributes=["type"])
    assert set(rec) == {name for name, f in fields.items() if f["type"] != "binary"}


def test_recordings_dir_points_at_the_recordings() -> None:
    assert (recordings_dir() / "faults.json").is_file() and (recordings_dir() / "product.product").is_dir()


def test_execute_legacy_paths_db_service_and_search_count_flag(sb: OdooSandbox) -> None:
    legacy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/object")
    assert legacy.execute(sb.db, 2, "admin", "product.product", "search_count", [("id", "=", 1)]) == 1
    assert execute(sb, "product.product", "search", [("id", "<", 5)], count=True) == 4
    assert jsonrpc(sb, "db", "list")["result"] == ["demo17"]
    unknown_db = jsonrpc(sb, "common", "authenticate", "nope", "admin", "admin", {})
    assert unknown_db["error"]["data"]["name"] == "psycopg2.OperationalError"
    assert 'database "nope" does not exist' in unknown_db["error"]["data"]["message"]


def test_a_failing_hook_still_gets_an_answer(sb: OdooSandbox) -> None:
    def hook(model: str, method: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        raise RuntimeError("hook broke")

    sb.on_call = hook
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(sb, "res.country", "search_count", [])
    assert "hook broke" in err.value.faultString
    answer = jsonrpc(sb, "object", "execute_kw", sb.db, 2, "admin", "res.country", "search_count", [[]])
    assert answer["error"]["data"]["name"] == "builtins.RuntimeError"
    sb.on_call = None


def test_x2many_commands_and_null_values(sb: OdooSandbox) -> None:
    order = execute(sb, "sale.order", "create", {"partner_id": 10, "order_line": [(0, 0, {"product_id": 5})]})
    line = execute(sb, "sale.order", "read", [order], fields=["order_line"])[0]["order_line"][0]
    execute(sb, "sale.order", "write", [order], {"order_line": [(1, line, {"product_uom_qty": 4.0})]})
    assert (
        execute(sb, "sale.order.line", "read", [line], fields=["product_uom_qty"])[0]["product_uom_qty"]
        == 4.0
    )
    execute(sb, "sale.order", "write", [order], {"order_line": [(2, line, 0), (0, 0, {"product_id": 6})]})
    assert execute(sb, "sale.order.line", "read", [line], fields=["id"]) == []
    lines = execute(sb, "sale.order", "read", [order], fields=["order_line"])[0]["order_line"]
    assert len(lines) == 1 and lines[0] != line
    assert execute(sb, "sale.order.line", "read", lines, fields=["order_id"])[0]["order_id"][0] == order
    execute(sb, "product.template", "write", [1], {"taxes_id": [(6, 0, [1, 2])]})
    assert execute(sb, "product.template", "read", [1], fields=["taxes_id"])[0]["taxes_id"] == [1, 2]
    execute(
        sb, "product.template", "write", [1], {"taxes_id": [(3, 2)], "description_sale": None, "weight": None}
    )
    rec = execute(sb, "product.template", "read", [1], fields=["taxes_id", "description_sale", "weight"])[0]
    assert rec == {"id": 1, "taxes_id": [1], "description_sale": False, "weight": 0.0}


def test_dates_are_stored_as_odoo_strings(sb: OdooSandbox) -> None:
    order = execute(sb, "sale.order", "create", {"partner_id": 10, "date_order": "2026-12-01T08:30:00Z"})
    assert (
        execute(sb, "sale.order", "read", [order], fields=["date_order"])[0]["date_order"]
        == "2026-12-01 08:30:00"
    )
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(sb, "sale.order", "write", [order], {"date_order": "next tuesday"})
    assert "sale.order.date_order: 'next tuesday'" in err.value.faultString


def test_context_get_answers_the_users_lang_and_tz_and_only_on_res_users(odoo_sandbox: OdooSandbox) -> None:
    proxy = xmlrpc.client.ServerProxy(f"{odoo_sandbox.url}/xmlrpc/2/object", allow_none=True)
    ctx: Any = proxy.execute_kw(odoo_sandbox.db, 2, "admin", "res.users", "context_get", [])
    assert ctx["uid"] == 2 and ctx["lang"] == "en_US" and "tz" in ctx
    with pytest.raises(xmlrpc.client.Fault) as fault:
        proxy.execute_kw(odoo_sandbox.db, 2, "admin", "res.partner", "context_get", [])
    assert "'res.partner' has no attribute 'context_get'" in fault.value.faultString


def test_variant_write_date_follows_its_template_as_recorded() -> None:
    """The sandbox stamps variants on a template write because the real server's fields_get says so."""
    fields = json.loads((recordings_dir() / "product.product" / "fields_get.json").read_text())
    fields = fields.get("fields", fields)
    assert fields["write_date"]["depends"] == ["product_tmpl_id.write_date"]
    assert fields["write_date"]["store"] is True


def test_lst_price_is_the_sales_price_plus_extra_as_odoo_computes_it(sb: OdooSandbox) -> None:
    """product.product lst_price is computed (not stored): list_price + price_extra, following writes."""
    row = sb.store.search_read(
        "product.product", [["list_price", ">", 0]], ["list_price", "lst_price"], limit=1
    )[0]
    assert row["lst_price"] == row["list_price"]
    tmpl = sb.store.search_read("product.product", [["id", "=", row["id"]]], ["product_tmpl_id"])[0]
    sb.store.write("product.template", [tmpl["product_tmpl_id"][0]], {"list_price": 42.5})
    (after,) = execute(sb, "product.product", "read", [row["id"]], fields=["lst_price"])
    assert after["lst_price"] == 42.5
