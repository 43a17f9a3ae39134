"""Writes into Odoo as a real Odoo 17 answers them: orders, external ids, invoices, inventory, faults.

The proof is `test_replay_of_the_recorded_write_session`: every call of the recorded write session
(`sandbox/odoo/recordings/writes/writes.json`, recorded against a real Odoo 17.0 on a fresh copy of the
demo database, once over XML-RPC and once over JSON-RPC) is played in order against a fresh sandbox over
the same protocol, and each answer is compared with the recorded one. Normalised: datetime values
(the recording's wall clock; the sandbox clock is frozen on the recording's day, so dates and the
INV/2026/... year match) and the middle of faultCode-1 tracebacks (the sandbox has its own frames; the
last line, Odoo's exception, must match). No step is skipped.

The other tests pin behaviour the recordings do not show, following Odoo 17's source (each says where).
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest
from odoo_sandbox_clients import execute, json2, jsonrpc

from sandbox.odoo import OdooSandbox, business, recordings_dir, serve_odoo
from sandbox.odoo.errors import ValidationError

WRITES = json.loads((recordings_dir() / "writes" / "writes.json").read_text(encoding="utf-8"))
RECORDED_DAY = WRITES["xmlrpc"]["recorded_at"][:10] + " 12:00:00"
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
INVENTORY = {"context": {"inventory_mode": True}}


@pytest.fixture
def sb() -> Iterator[OdooSandbox]:
    """A private sandbox (these tests write), its clock on the recording's day."""
    with serve_odoo(products=0) as sandbox:
        sandbox.store.freeze_clock(RECORDED_DAY)
        yield sandbox


def normalise(value: Any) -> Any:
    """Datetimes are the recording's wall clock: compared by form only."""
    if isinstance(value, str) and DATETIME.match(value):
        return "<datetime>"
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def last_line(text: str) -> str:
    return text.rstrip("\n").rsplit("\n", 1)[-1]


# ------------------------------------------------------------------------------------------ the replay
def _call_xmlrpc(sb: OdooSandbox, step: dict[str, Any]) -> tuple[str, Any]:
    """('ok', result) or ('fault', Fault) for one recorded XML-RPC step."""
    method = step["method"]
    try:
        if method.startswith("common."):
            proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common", allow_none=True)
            args = [sb.db if a == WRITES["db"] else a for a in step["args"]]
            return "ok", getattr(proxy, method.split(".", 1)[1])(*args)
        user = sb.users[step["login"]]
        proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)
        answer = proxy.execute_kw(
            sb.db, user["uid"], user["password"], step["model"], method, step["args"], step["kwargs"]
        )
        return "ok", answer
    except xmlrpc.client.Fault as fault:
        return "fault", fault


def _call_jsonrpc(sb: OdooSandbox, step: dict[str, Any]) -> dict[str, Any]:
    """The whole /jsonrpc answer of one recorded JSON-RPC step."""
    method = step["method"]
    if method.startswith("common."):
        args = [sb.db if a == WRITES["db"] else a for a in step["args"]]
        return jsonrpc(sb, "common", method.split(".", 1)[1], *args)
    user = sb.users[step["login"]]
    return jsonrpc(
        sb,
        "object",
        "execute_kw",
        sb.db,
        user["uid"],
        user["password"],
        step["model"],
        method,
        step["args"],
        step["kwargs"],
    )


def _xmlrpc_differences(sb: OdooSandbox) -> list[str]:
    out = []
    for step in WRITES["xmlrpc"]["steps"]:
        kind, got = _call_xmlrpc(sb, step)
        name = step["step"]
        if "fault" in step:
            want = step["fault"]
            if kind != "fault":
                out.append(f"{name}: expected fault {want['faultString_last_line']!r}, got {got!r}")
                continue
            # codes 2-4 carry the message alone, exact; code 1 a traceback: its last line must match,
            # and the whole text where Odoo's frames are fixed (None marshalling, the sandbox's own copy)
            exact = want["faultCode"] != 1 or "cannot marshal None" in want["faultString"]
            if got.faultCode != want["faultCode"]:
                out.append(f"{name}: faultCode {got.faultCode} != {want['faultCode']}")
            elif exact and got.faultString != want["faultString"]:
                out.append(f"{name}: faultString {got.faultString!r} != {want['faultString']!r}")
            elif last_line(got.faultString) != want["faultString_last_line"]:
                out.append(f"{name}: {last_line(got.faultString)!r} != {want['faultString_last_line']!r}")
        elif kind != "ok":
            out.append(f"{name}: unexpected fault {got.faultCode} {last_line(got.faultString)!r}")
        elif normalise(got) != normalise(step["result"]):
            out.append(f"{name}: {got!r} != {step['result']!r}")
    return out


def _jsonrpc_differences(sb: OdooSandbox) -> list[str]:
    out = []
    for step in WRITES["jsonrpc"]["steps"]:
        answer = _call_jsonrpc(sb, step)
        name = step["step"]
        if "fault" in step:
            want = step["fault"]["error"]
            got = answer.get("error")
            if got is None:
                out.append(f"{name}: expected {want['data']['name']}, got {answer!r}")
                continue
            for key in ("code", "message"):
                if got[key] != want[key]:
                    out.append(f"{name}: error.{key} {got[key]!r} != {want[key]!r}")
            for key in ("name", "message", "arguments", "context"):
                if got["data"][key] != want["data"][key]:
                    out.append(f"{name}: data.{key} {got['data'][key]!r} != {want['data'][key]!r}")
            if last_line(got["data"]["debug"]) != last_line(want["data"]["debug"]):
                out.append(f"{name}: debug ends {last_line(got['data']['debug'])!r}")
        elif "error" in answer:
            out.append(f"{name}: unexpected error {answer['error']['data']['message']!r}")
        elif step.get("note", "").startswith("JSON-RPC response had no 'result' member"):
            if set(answer) != {"jsonrpc", "id"}:  # as recorded: {"jsonrpc": "2.0", "id": 1}
                out.append(f"{name}: expected no result member, got {answer!r}")
        elif normalise(answer.get("result")) != normalise(step["result"]):
            out.append(f"{name}: {answer.get('result')!r} != {step['result']!r}")
    return out


def test_the_recording_is_the_one_described() -> None:
    assert WRITES["server_version"] == "17.0"
    assert len(WRITES["xmlrpc"]["steps"]) == len(WRITES["jsonrpc"]["steps"]) == len(WRITES["summary"]) == 71
    assert [s["step"] for s in WRITES["xmlrpc"]["steps"]] == [s["step"] for s in WRITES["jsonrpc"]["steps"]]


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_replay_of_the_recorded_write_session(sb: OdooSandbox, protocol: str) -> None:
    """All 71 recorded calls, in order, on a fresh sandbox: every answer as Odoo 17 gave it."""
    differences = _xmlrpc_differences(sb) if protocol == "xmlrpc" else _jsonrpc_differences(sb)
    assert differences == []


# ------------------------------------------------------------------------------ beyond the recording
def fault_of(sb: OdooSandbox, model: str, method: str, *args: Any, **kwargs: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as err:
        execute(sb, model, method, *args, **kwargs)
    return err.value


def new_order(sb: OdooSandbox, *lines: tuple[int, float, float], partner: int = 10) -> int:
    commands = [[0, 0, {"product_id": p, "product_uom_qty": q, "price_unit": u}] for p, q, u in lines]
    order: int = execute(sb, "sale.order", "create", {"partner_id": partner, "order_line": commands})
    return order


def test_a_failing_call_changes_nothing(sb: OdooSandbox) -> None:
    """One call is one transaction (Odoo's request cursor): a fault undoes the whole call."""
    order = new_order(sb, (8, 2, 450.0), (25, 1, 120.5))
    assert execute(sb, "sale.order", "action_confirm", [order]) is True
    first, second = execute(sb, "sale.order", "read", [order], fields=["order_line"])[0]["order_line"]
    fault = fault_of(
        sb, "sale.order", "write", [order], {"order_line": [[1, first, {"product_uom_qty": 9}], [2, second]]}
    )
    assert fault.faultCode == 2 and fault.faultString.startswith("Once a sales order is confirmed")
    line = execute(sb, "sale.order.line", "read", [first], fields=["product_uom_qty", "move_ids"])[0]
    assert line["product_uom_qty"] == 2.0
    assert (
        execute(sb, "stock.move", "read", line["move_ids"], fields=["product_uom_qty"])[0]["product_uom_qty"]
        == 2.0
    )
    assert execute(sb, "sale.order", "read", [order], fields=["amount_total"])[0]["amount_total"] == 1173.58
    # a create whose second line fails leaves no order and no line; like PostgreSQL and Odoo's standard
    # ir.sequence (sale.order.create takes the name before inserting), the id and the name stay used
    before = execute(sb, "sale.order.line", "search_count", [])
    fault = fault_of(
        sb,
        "sale.order",
        "create",
        {
            "partner_id": 10,
            "client_order_ref": "x-1",
            "order_line": [[0, 0, {"product_id": 8}], [0, 0, {"product_id": 999999}]],
        },
    )
    assert (
        fault.faultString
        == "Record does not exist or has been deleted.\n(Record: product.product(999999,), User: 2)"
    )
    assert execute(sb, "sale.order", "search", [["client_order_ref", "=", "x-1"]]) == []
    assert execute(sb, "sale.order.line", "search_count", []) == before
    nxt = new_order(sb, (8, 1, 1.0))
    assert (
        nxt == order + 2 and execute(sb, "sale.order", "read", [nxt], fields=["name"])[0]["name"] == "S00027"
    )


def test_confirmed_order_delivery_follows_its_lines(sb: OdooSandbox) -> None:
    """Odoo 17 sale_stock: one delivery per confirmation; later lines and quantities go into it."""
    order = new_order(sb, (8, 2, 450.0), (25, 1, 120.5))
    assert execute(sb, "sale.order", "read", [order], fields=["delivery_status", "picking_ids"])[0] == {
        "id": order,
        "delivery_status": False,
        "picking_ids": [],
    }
    execute(sb, "sale.order", "action_confirm", [order])
    got = execute(
        sb, "sale.order", "read", [order], fields=["state", "delivery_status", "picking_ids", "order_line"]
    )[0]
    assert got["state"] == "sale" and got["delivery_status"] == "pending" and got["picking_ids"] == [28]
    picking = execute(
        sb,
        "stock.picking",
        "read",
        [28],
        fields=[
            "name",
            "state",
            "origin",
            "sale_id",
            "partner_id",
            "picking_type_id",
            "location_id",
            "location_dest_id",
        ],
    )[0]
    assert picking == {
        "id": 28,
        "name": "WH/OUT/00012",  # the recorded delivery sequence ends at WH/OUT/00011
        "state": "confirmed",
        "origin": "S00025",
        "sale_id": [order, "S00025"],
        "partner_id": [10, "Deco Addict"],
        "picking_type_id": [2, "YourCompany: Delivery Orders"],
        "location_id": [8, "WH/Stock"],
        "location_dest_id": [5, "Partners/Customers"],
    }
    moves = execute(
        sb,
        "stock.move",
        "search_read",
        [["picking_id", "=", 28]],
        fields=["product_id", "product_uom_qty", "state", "sale_line_id"],
        order="id",
    )
    assert [(m["product_id"][0], m["product_uom_qty"], m["state"], m["sale_line_id"][0]) for m in moves] == [
        (8, 2.0, "confirmed", got["order_line"][0]),
        (25, 1.0, "confirmed", got["order_line"][1]),
    ]
    execute(
        sb,
        "sale.order",
        "write",
        [order],
        {
            "order_line": [
                [1, got["order_line"][0], {"product_uom_qty": 3}],
                [0, 0, {"product_id": 18, "product_uom_qty": 5}],
            ]
        },
    )
    moves = execute(
        sb,
        "stock.move",
        "search_read",
        [["picking_id", "=", 28]],
        fields=["product_id", "product_uom_qty"],
        order="id",
    )
    assert [(m["product_id"][0], m["product_uom_qty"]) for m in moves] == [(8, 3.0), (25, 1.0), (18, 5.0)]
    assert execute(sb, "product.product", "read", [18], fields=["outgoing_qty"])[0]["outgoing_qty"] == 5.0
    # confirming again is refused (Odoo 17 action_confirm / _can_be_confirmed)
    fault = fault_of(sb, "sale.order", "action_confirm", [order])
    assert (fault.faultCode, fault.faultString) == (
        2,
        "The following orders are not in a state requiring confirmation: S00025",
    )
    assert (
        execute(sb, "sale.order", "action_cancel", [order], context={"disable_cancel_warning": True}) is True
    )
    assert execute(sb, "stock.picking", "read", [28], fields=["state"])[0]["state"] == "cancel"
    assert {
        m["state"]
        for m in execute(sb, "stock.move", "search_read", [["picking_id", "=", 28]], fields=["state"])
    } == {"cancel"}
    assert (
        execute(sb, "sale.order", "read", [order], fields=["delivery_status"])[0]["delivery_status"] is False
    )
    # Odoo 17 action_draft: back to quotation; a new confirmation makes a new delivery
    assert execute(sb, "sale.order", "action_draft", [order]) is True
    execute(sb, "sale.order", "action_confirm", [order])
    assert execute(sb, "sale.order", "read", [order], fields=["picking_ids"])[0]["picking_ids"] == [28, 29]
    assert execute(sb, "stock.picking", "read", [29], fields=["name"])[0]["name"] == "WH/OUT/00013"


def test_cancel_wizard_singleton_lock_and_deletes(sb: OdooSandbox) -> None:
    """Odoo 17 sale.order.action_cancel / _show_cancel_wizard / ensure_one / _unlink_except_* rules."""
    sent = new_order(sb, (8, 1, 1.0))
    execute(sb, "sale.order", "write", [sent], {"state": "sent"})
    wizard = execute(sb, "sale.order", "action_cancel", [sent])
    assert wizard["name"] == "Cancel Quotation" and wizard["context"]["model_description"] == "Quotation"
    assert wizard["context"]["default_order_id"] == sent and wizard["res_model"] == "sale.order.cancel"
    other = new_order(sb, (8, 1, 1.0))
    execute(sb, "sale.order", "action_confirm", [other])
    fault = fault_of(sb, "sale.order", "action_cancel", [sent, other])
    assert (
        fault.faultCode == 1
        and last_line(fault.faultString) == f"ValueError: Expected singleton: sale.order({sent}, {other})"
    )
    # action_lock returns None: over XML-RPC that is Odoo's marshalling fault, the lock is kept
    fault = fault_of(sb, "sale.order", "action_lock", [other])
    assert last_line(fault.faultString) == "TypeError: cannot marshal None unless allow_none is enabled"
    assert execute(sb, "sale.order", "read", [other], fields=["locked"])[0]["locked"] is True
    fault = fault_of(sb, "sale.order", "action_cancel", [other], context={"disable_cancel_warning": True})
    assert fault.faultString == "You cannot cancel a locked order. Please unlock it first."
    assert "result" not in jsonrpc(
        sb, "object", "execute_kw", sb.db, 2, "admin", "sale.order", "action_unlock", [[other]]
    )
    # deletes: a confirmed order and its lines are kept; a draft order goes with its lines
    fault = fault_of(sb, "sale.order", "unlink", [other])
    assert (
        fault.faultString
        == "You can not delete a sent quotation or a confirmed sales order. You must first cancel it."
    )
    line = execute(sb, "sale.order", "read", [other], fields=["order_line"])[0]["order_line"][0]
    fault = fault_of(sb, "sale.order.line", "unlink", [line])
    assert fault.faultString.startswith("Once a sales order is confirmed, you can't remove one of its lines")
    draft = new_order(sb, (8, 1, 1.0), (6, 1, 1.0))
    lines = execute(sb, "sale.order", "read", [draft], fields=["order_line"])[0]["order_line"]
    assert execute(sb, "sale.order", "unlink", [draft]) is True
    assert execute(sb, "sale.order.line", "read", lines, fields=["id"]) == []


def test_demo_user_cannot_run_actions(sb: OdooSandbox) -> None:
    order = new_order(sb, (8, 1, 1.0))
    fault = fault_of(sb, "sale.order", "action_confirm", [order], login="demo")
    assert fault.faultCode == 4 and fault.faultString.startswith(
        "You are not allowed to modify 'Sales Order' (sale.order) records."
    )
    assert execute(sb, "sale.order", "read", [order], fields=["state"])[0]["state"] == "draft"


def test_external_ids(sb: OdooSandbox) -> None:
    """Odoo 17 base/models/ir_model.py IrModelData: check_object_reference, unique (module, name)."""
    order = new_order(sb, (8, 1, 1.0))
    xid = execute(
        sb,
        "ir.model.data",
        "create",
        {"module": "odoo_hub", "name": "medusa_order_1", "model": "sale.order", "res_id": order},
    )
    assert xid == 27621
    assert execute(
        sb,
        "ir.model.data",
        "search_read",
        [["model", "=", "sale.order"], ["res_id", "=", order]],
        fields=["complete_name", "display_name", "res_id"],
    ) == [{"id": xid, "complete_name": "odoo_hub.medusa_order_1", "display_name": "S00025", "res_id": order}]
    fault = fault_of(sb, "ir.model.data", "check_object_reference", "odoo_hub", "nope")
    assert (
        fault.faultCode == 1
        and last_line(fault.faultString) == "ValueError: External ID not found in the system: odoo_hub.nope"
    )
    answer = jsonrpc(
        sb,
        "object",
        "execute_kw",
        sb.db,
        2,
        "admin",
        "ir.model.data",
        "check_object_reference",
        ["odoo_hub", "nope"],
    )
    assert answer["error"]["data"]["name"] == "builtins.ValueError"
    assert answer["error"]["data"]["message"] == "External ID not found in the system: odoo_hub.nope"
    execute(sb, "sale.order", "unlink", [order])  # the external id outlives its record: [model, False]
    assert execute(sb, "ir.model.data", "check_object_reference", "odoo_hub", "medusa_order_1") == [
        "sale.order",
        False,
    ]
    other = execute(
        sb,
        "ir.model.data",
        "create",
        {"module": "odoo_hub", "name": "other", "model": "res.partner", "res_id": 10},
    )
    assert other == 27622
    fault = fault_of(sb, "ir.model.data", "write", [other], {"name": "medusa_order_1"})
    assert fault.faultString.endswith(
        "DETAIL:  Key (module, name)=(odoo_hub, medusa_order_1) already exists.\n"
    )
    fault = fault_of(
        sb,
        "ir.model.data",
        "create",
        {"module": "odoo_hub", "name": "with space", "model": "res.partner", "res_id": 10},
    )
    assert fault.faultString == "The operation cannot be completed: External IDs cannot contain spaces"
    fault = fault_of(sb, "ir.model.data", "create", {"module": "odoo_hub", "name": "no_model", "res_id": 10})
    assert fault.faultString.endswith("Model: Model Data (ir.model.data)\nField: Model Name (model)\n")


def test_invoices_post_once_and_bills_need_a_date(sb: OdooSandbox) -> None:
    """Odoo 17 account.move: tax and payment term lines, _post checks, the journals' sequences."""
    move = execute(
        sb,
        "account.move",
        "create",
        {
            "move_type": "out_invoice",
            "partner_id": 10,
            "invoice_line_ids": [[0, 0, {"product_id": 8, "quantity": 2, "price_unit": 450.0}]],
        },
    )
    got = execute(
        sb,
        "account.move",
        "read",
        [move],
        fields=["line_ids", "invoice_line_ids", "amount_total", "amount_residual"],
    )[0]
    assert len(got["line_ids"]) == 3 and len(got["invoice_line_ids"]) == 1
    assert (got["amount_total"], got["amount_residual"]) == (1035.0, 1035.0)
    lines = execute(
        sb,
        "account.move.line",
        "read",
        got["line_ids"],
        fields=["display_type", "debit", "credit", "account_id"],
    )
    assert [(ln["display_type"], ln["debit"], ln["credit"], ln["account_id"][1]) for ln in lines] == [
        ("product", 0.0, 900.0, "400000 Product Sales"),
        ("tax", 0.0, 135.0, "251000 Tax Received"),
        ("payment_term", 1035.0, 0.0, "121000 Account Receivable"),
    ]
    assert execute(sb, "account.move", "action_post", [move]) is False
    fault = fault_of(sb, "account.move", "action_post", [move])
    assert fault.faultString == f"The entry INV/2026/00005 (id {move}) is already posted."
    bill = execute(
        sb,
        "account.move",
        "create",
        {
            "move_type": "in_invoice",
            "partner_id": 9,
            "invoice_line_ids": [[0, 0, {"product_id": 8, "quantity": 1, "price_unit": 10.0}]],
        },
    )
    fault = fault_of(sb, "account.move", "action_post", [bill])
    assert fault.faultString == "The Bill/Refund date is required to validate this document."
    execute(sb, "account.move", "write", [bill], {"invoice_date": "2026-11-20"})
    execute(sb, "account.move", "action_post", [bill])
    got = execute(sb, "account.move", "read", [bill], fields=["name", "amount_total", "amount_total_signed"])[
        0
    ]
    assert got == {
        "id": bill,
        "name": "BILL/2026/11/0002",
        "amount_total": 11.5,
        "amount_total_signed": -11.5,
    }


def test_purchase_confirmation_adds_the_vendor_and_a_receipt(sb: OdooSandbox) -> None:
    """Odoo 17 purchase.order.button_confirm: _add_supplier_to_product (only where the vendor is not a
    seller yet: Wood Corner already sells product 25, not 8), and purchase_stock's receipt."""
    before = execute(sb, "product.product", "read", [8, 25], fields=["incoming_qty", "seller_ids"])
    lines = [
        [0, 0, {"product_id": 8, "product_qty": 5, "price_unit": 300.0}],
        [0, 0, {"product_id": 25, "product_qty": 10}],
    ]
    order = execute(sb, "purchase.order", "create", {"partner_id": 9, "order_line": lines})
    assert execute(sb, "purchase.order", "button_confirm", [order]) is True
    assert execute(sb, "purchase.order", "button_confirm", [order]) is True  # not draft: skipped
    got = execute(sb, "purchase.order", "read", [order], fields=["state", "picking_ids", "receipt_status"])[0]
    assert got["state"] == "purchase" and got["receipt_status"] == "pending" and len(got["picking_ids"]) == 1
    receipt = execute(
        sb, "stock.picking", "read", got["picking_ids"], fields=["name", "state", "origin", "move_ids"]
    )[0]
    assert (receipt["name"], receipt["state"], receipt["origin"]) == ("WH/IN/00007", "assigned", "P00012")
    assert len(receipt["move_ids"]) == 2
    after = execute(sb, "product.product", "read", [8, 25], fields=["incoming_qty", "seller_ids"])
    assert [a["incoming_qty"] - b["incoming_qty"] for a, b in zip(after, before, strict=True)] == [5.0, 10.0]
    assert after[1]["seller_ids"] == before[1]["seller_ids"]
    new_sellers = [s for s in after[0]["seller_ids"] if s not in before[0]["seller_ids"]]
    seller = execute(
        sb, "product.supplierinfo", "read", new_sellers, fields=["partner_id", "price", "min_qty"]
    )
    assert [(s["partner_id"][0], s["price"], s["min_qty"]) for s in seller] == [(9, 300.0, 1.0)]
    # a line without price_unit takes the vendor's price line (Wood Corner sells 25 at 120.5, 3 days)
    line = execute(sb, "purchase.order", "read", [order], fields=["order_line"])[0]["order_line"][1]
    got = execute(sb, "purchase.order.line", "read", [line], fields=["price_unit", "date_planned"])[0]
    assert got["price_unit"] == 120.5 and got["date_planned"] == "2026-11-29 12:00:00"


def test_inventory_mode_rules(sb: OdooSandbox) -> None:
    """Odoo 17 stock/models/stock_quant.py: create/write in inventory mode, the auto-apply inverse."""
    fault = fault_of(
        sb,
        "stock.quant",
        "create",
        {"product_id": 6, "location_id": 8, "inventory_quantity": 1, "quantity": 5},
        **INVENTORY,
    )
    assert fault.faultString == "Quant's creation is restricted, you can't do this operation."
    consumable = execute(sb, "product.product", "create", {"name": "Napkin", "type": "consu"})
    fault = fault_of(
        sb,
        "stock.quant",
        "create",
        {"product_id": consumable, "location_id": 8, "inventory_quantity": 1},
        **INVENTORY,
    )
    assert fault.faultString == "Quants cannot be created for consumables or services."
    fault = fault_of(sb, "stock.quant", "write", [2], {"location_id": 17}, **INVENTORY)
    assert fault.faultString == "Quant's editing is restricted, you can't do this operation."
    execute(
        sb, "stock.quant", "write", [2], {"inventory_quantity_auto_apply": 5}
    )  # no inventory mode: ignored
    assert execute(sb, "stock.quant", "read", [2], fields=["quantity"])[0]["quantity"] == 18.0
    execute(sb, "stock.quant", "write", [2], {"inventory_quantity_auto_apply": 5}, **INVENTORY)
    assert execute(sb, "stock.quant", "read", [2], fields=["quantity", "inventory_quantity_set"])[0] == {
        "id": 2,
        "quantity": 5.0,
        "inventory_quantity_set": False,
    }
    assert execute(sb, "product.product", "read", [18], fields=["qty_available"])[0]["qty_available"] == 5.0


def test_json2_on_19_serves_the_actions() -> None:
    """JSON-2 (Odoo 19 only): ids in the body; None is JSON null there."""
    with serve_odoo(version="19.0") as sb:
        key = sb.users["admin"]["api_key"]
        status, order = json2(
            sb,
            "sale.order",
            "create",
            {"vals_list": [{"partner_id": 10, "order_line": [[0, 0, {"product_id": 8}]]}]},
            key=key,
        )
        assert status == 200 and order == [25]
        assert json2(sb, "sale.order", "action_confirm", {"ids": order}, key=key) == (200, True)
        quant = json2(
            sb,
            "stock.quant",
            "create",
            {
                "vals_list": [{"product_id": 6, "location_id": 8, "inventory_quantity": 3}],
                "context": {"inventory_mode": True},
            },
            key=key,
        )[1]
        assert json2(
            sb,
            "stock.quant",
            "action_apply_inventory",
            {"ids": quant, "context": {"inventory_mode": True}},
            key=key,
        ) == (200, None)
        assert json2(sb, "stock.quant", "read", {"ids": quant, "fields": ["quantity"]}, key=key)[1] == [
            {"id": quant[0], "quantity": 3.0}
        ]


def test_partners_and_calendars(sb: OdooSandbox) -> None:
    """Odoo 17 res.partner (email_normalize, CHECK on contacts, recursion) and resource.calendar defaults."""
    company = execute(
        sb,
        "res.partner",
        "create",
        {"name": "Hub Co", "is_company": True, "email": "Hub Co <Sales@Hub.Example>"},
    )
    person = execute(
        sb, "res.partner", "create", {"name": "Ann", "parent_id": company, "email": "a@b.c, d@e.f"}
    )
    got = execute(
        sb, "res.partner", "read", [company, person], fields=["email_normalized", "commercial_partner_id"]
    )
    assert [(g["email_normalized"], g["commercial_partner_id"][0]) for g in got] == [
        ("sales@hub.example", company),
        (False, company),
    ]
    delivery = execute(
        sb, "res.partner", "create", {"type": "delivery", "parent_id": company}
    )  # no name needed
    assert execute(sb, "res.partner", "read", [delivery], fields=["name"])[0]["name"] is False
    fault = fault_of(sb, "res.partner", "write", [person], {"name": False})
    assert fault.faultString == "The operation cannot be completed: Contacts require a name"
    fault = fault_of(sb, "res.partner", "write", [company], {"parent_id": person})
    assert fault.faultString == "You cannot create recursive Partner hierarchies."
    # a calendar without attendances gets Odoo's 40 hours week (lunch is not worked time)
    calendar = execute(sb, "resource.calendar", "create", {"name": "Default week"})
    got = execute(
        sb, "resource.calendar", "read", [calendar], fields=["attendance_ids", "hours_per_day", "company_id"]
    )[0]
    assert len(got["attendance_ids"]) == 15 and got["hours_per_day"] == 8.0 and got["company_id"][0] == 1


def test_amounts_recompute_to_the_recorded_ones() -> None:
    """The tax computation reproduces every recorded order: 24 sale orders (50 lines) and 11 purchase
    orders (22 lines) of the real database recompute to their recorded amounts, to the cent."""
    store = OdooSandbox().store
    checked = 0
    for order_model, line_model, line_amounts, amounts in (
        ("sale.order", "sale.order.line", business._sale_line_amounts, business._sale_amounts),
        (
            "purchase.order",
            "purchase.order.line",
            business._purchase_line_amounts,
            business._purchase_amounts,
        ),
    ):
        fields = ["amount_untaxed", "amount_tax", "amount_total"]
        for order in list(store.all_ids(order_model)):
            lines = list(store.value(order_model, order, "order_line"))
            before = (
                store.read(order_model, [order], fields),
                store.read(line_model, lines, ["price_subtotal", "price_total"]),
            )
            for line in lines:
                line_amounts(store, line)
            amounts(store, order)
            after = (
                store.read(order_model, [order], fields),
                store.read(line_model, lines, ["price_subtotal", "price_total"]),
            )
            assert after == before, order
            checked += 1
    assert checked == 35


def test_writes_elsewhere_keep_amounts_and_generated_lines_recompute_alike() -> None:
    """Only line changes recompute an order; generated lines carry tax 1 and per-line rounded taxes."""
    with serve_odoo(products=200) as sb:
        fields = ["amount_untaxed", "amount_tax", "amount_total"]
        generated = execute(sb, "sale.order", "search", [["name", "like", "SG"]], limit=3)
        before = execute(sb, "sale.order", "read", generated, fields=fields)
        for order in generated:
            execute(sb, "sale.order", "write", [order], {"client_order_ref": "MEDUSA-x"})
            line = execute(sb, "sale.order", "read", [order], fields=["order_line"])[0]["order_line"][0]
            qty = execute(sb, "sale.order.line", "read", [line], fields=["product_uom_qty"])[0][
                "product_uom_qty"
            ]
            execute(sb, "sale.order", "write", [order], {"order_line": [[1, line, {"product_uom_qty": qty}]]})
        assert execute(sb, "sale.order", "read", generated, fields=fields) == before


def test_external_ids_stay_unique_through_renames_rollbacks_and_volume() -> None:
    """The (module, name) lookup follows renames and undone calls, and stays fast for many ids."""
    store = OdooSandbox().store
    imd = "ir.model.data"
    first = store.create(imd, {"module": "hub", "name": "a", "model": "res.partner", "res_id": 10})
    store.write(imd, [first], {"name": "b"})  # "a" is free again, "b" is taken
    assert (
        store.create(imd, {"module": "hub", "name": "a", "model": "res.partner", "res_id": 11}) == first + 1
    )
    with pytest.raises(ValidationError, match="already exists"):
        store.create(
            imd,
            [
                {"module": "hub", "name": "c", "model": "res.partner", "res_id": 12},
                {"module": "hub", "name": "b", "model": "res.partner", "res_id": 13},
            ],
        )
    # the failed call created nothing: "c" is free (its id stays used, as a PostgreSQL sequence)
    assert store.search(imd, [["name", "=", "c"]]) == []
    created = store.create(imd, {"module": "hub", "name": "c", "model": "res.partner", "res_id": 12})
    assert store.search(imd, [["name", "=", "c"]]) == [created]
    many = [{"module": "hub", "name": f"order_{i}", "model": "sale.order", "res_id": 1} for i in range(3000)]
    assert len(store.create(imd, many)) == 3000
    assert store.search_count(imd, [["module", "=", "hub"]]) == 3003


def test_a_test_clock_stamps_the_recomputed_records_too() -> None:
    """`now=` of the store API stamps the line and the order whose amounts it changed, not the wall clock."""
    store = OdooSandbox().store
    order = store.create("sale.order", {"partner_id": 10, "order_line": [[0, 0, {"product_id": 8}]]})
    line = store.value("sale.order", order, "order_line")[0]
    stamp = "2031-01-01 00:00:00"
    store.write("sale.order.line", [line], {"product_uom_qty": 7}, now=stamp)
    assert store.read("sale.order.line", [line], ["write_date"])[0]["write_date"] == stamp
    assert store.read("sale.order", [order], ["write_date"])[0]["write_date"] == stamp
    later = store.create("res.partner", {"name": "Later"})  # the next call is back on the real clock
    assert store.read("res.partner", [later], ["write_date"])[0]["write_date"] < stamp
