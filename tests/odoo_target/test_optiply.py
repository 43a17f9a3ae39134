"""Seed 004's target entities written with a mapping file alone (target_odoo/mappings/optiply.json): tax
rates, suppliers, buy orders (confirmed) and bills (posted), through the same writer as Medusa's orders."""

from __future__ import annotations

import json
from typing import Any

from etl.ledger import Ledger

from .conftest import Odoo
from .orders import run_target

BILL_LINE = {"sku": "FURN_0269", "quantity": 10, "unit_price": 60.0}


def stream(name: str, records: list[dict[str, Any]]) -> list[str]:
    fields = sorted({k for r in records for k in r})
    schema = {"type": "object", "properties": {f: {} for f in fields}}
    return [
        json.dumps({"type": "SCHEMA", "stream": name, "schema": schema, "key_properties": ["id"]}),
        *(json.dumps({"type": "RECORD", "stream": name, "record": r}) for r in records),
    ]


def find(odoo: Odoo, model: str, field: str, value: str, fields: list[str]) -> dict[str, Any]:
    [row] = odoo(model, "search_read", [[field, "=", value]], fields=fields)
    return dict(row)


def test_an_optiply_stream_set_is_written_with_the_mapping_file_alone(
    odoo: Odoo, config: dict[str, Any]
) -> None:
    supplier = {"id": "s1", "name": "Gulf Furniture Trading", "email": "sales@gulf.example", "phone": None}
    placed = {
        "id": "OP-BO-77",
        "supplier_id": "s1",
        "status": "placed",
        "line_items": [
            {"sku": "FURN_0269", "quantity": 10, "unit_price": 60.0},
            {"sku": "FURN_8888", "quantity": 4, "unit_price": 20.0},
        ],
    }
    orphan = {"id": "OP-BO-78", "supplier_id": "nobody", "status": "placed", "line_items": [BILL_LINE]}
    bill = {
        "id": "BILL-9",
        "supplier_id": "s1",
        "date": "2026-11-20",
        "status": "open",
        "line_items": [BILL_LINE],
    }
    lines = [
        *stream("TaxRates", [{"id": "t1", "name": "VAT 5% (purchases)", "rate": 5.0}]),
        *stream("Suppliers", [supplier]),
        *stream("BuyOrders", [placed, orphan]),
        *stream("Bills", [bill]),
    ]
    result = run_target(config | {"source": "optiply"}, "\n".join(lines) + "\n")
    assert result.status == 0
    tax = find(odoo, "account.tax", "name", "VAT 5% (purchases)", ["amount"])
    assert tax["amount"] == 5.0
    partner = find(odoo, "res.partner", "email", "sales@gulf.example", ["supplier_rank"])
    assert partner["supplier_rank"] >= 1
    po = find(odoo, "purchase.order", "name", "OP-BO-77", ["state", "partner_id", "order_line"])
    assert po["state"] == "purchase" and po["partner_id"][0] == partner["id"] and len(po["order_line"]) == 2
    move = find(odoo, "account.move", "ref", "BILL-9", ["state", "move_type", "name"])
    assert (move["state"], move["move_type"]) == ("posted", "in_invoice") and move["name"] != "/"
    [letter] = Ledger(config["ledger_url"]).dead_letters("odoo")
    assert letter.key == "OP-BO-78" and "supplier nobody is not in Odoo" in letter.reason


def test_a_record_odoo_refuses_is_a_dead_letter_with_odoos_reason_and_the_batch_goes_on(
    odoo: Odoo, config: dict[str, Any]
) -> None:
    """Odoo's own refusal (here a wrong selection value, as the recorded fault) names the record and
    Odoo's words; the other records of the same create batch are written."""
    rates = [
        {"id": "t1", "name": "VAT 5%", "rate": 5.0, "use": "purchase"},
        {"id": "t2", "name": "Bogus use", "rate": 1.0, "use": "bogus"},
        {"id": "t3", "name": "VAT 10%", "rate": 10.0, "use": "sale"},
    ]
    result = run_target(config | {"source": "optiply"}, "\n".join(stream("TaxRates", rates)) + "\n")
    assert result.status == 0
    assert find(odoo, "account.tax", "name", "VAT 5%", ["amount"])["amount"] == 5.0
    assert find(odoo, "account.tax", "name", "VAT 10%", ["amount"])["amount"] == 10.0
    [letter] = Ledger(config["ledger_url"]).dead_letters("odoo")
    assert letter.key == "t2" and "tax rate Bogus use: Odoo refused it" in letter.reason
    assert "bogus" in letter.reason
