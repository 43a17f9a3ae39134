"""Linkit customers -> res.partner (mappings/linkit.json, entity customer): external id
odoo_hub.linkit_customer_<id>, else the partner Odoo has with that email (any case), else with that phone,
else a new one; only what differs is written, so the same customers again write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.odoo import OdooSandbox

from .conftest import Odoo
from .linkit import apply, linkit_sandbox, pulled, writes


def test_customers_are_found_by_email_then_phone_else_created_and_each_is_one_partner(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    by_email = odoo("res.partner", "create", {"name": "A. Hassan", "email": "AHMED@example.com"})
    by_phone = odoo(
        "res.partner", "create", {"name": "Sara (shop)", "phone": "+966500000002", "customer_rank": 4}
    )
    with linkit_sandbox() as linkit:
        state = linkit.sandbox.state
        ahmed = state.add_customer("ahmed@example.com", first_name="Ahmed", last_name="Hassan")
        sara = state.add_customer("sara@example.com", first_name="Sara", last_name="", phone="+966500000002")
        corp = state.add_customer("buying@acme.example", first_name="", last_name="", type="corporate")
        records = pulled(linkit, ("customers",))
        summary, _ = apply(config, records)
        assert (summary.sent, summary.failed) == (3, 0)

        def partner(linkit_id: str) -> dict[str, Any]:
            _, pid = odoo(
                "ir.model.data", "check_object_reference", "odoo_hub", f"linkit_customer_{linkit_id}"
            )
            [row] = odoo(
                "res.partner", "read", [pid], ["name", "email", "phone", "is_company", "customer_rank"]
            )
            return dict(row)

        assert partner(ahmed["id"]) == {
            "id": by_email, "name": "Ahmed Hassan", "email": "ahmed@example.com", "phone": False,
            "is_company": False, "customer_rank": 1,
        }  # fmt: skip
        sara_partner = partner(sara["id"])  # her rank (4 sales) is Odoo's: set only on a new partner
        assert (sara_partner["id"], sara_partner["email"], sara_partner["customer_rank"]) == (
            by_phone, "sara@example.com", 4
        )  # fmt: skip
        new = partner(corp["id"])
        assert (new["name"], new["is_company"]) == ("buying@acme.example", True)
        assert len(odoo("res.partner", "search", [["email", "=ilike", "ahmed@example.com"]])) == 1

        sb.calls.reset()  # the same customers again: through the ledger, then a fresh one (reads only)
        assert apply(config, pulled(linkit, ("customers",)))[0].unchanged == 3
        assert apply(config | {"ledger_url": f"sqlite:///{tmp_path}/b.sqlite"}, records)[0].sent == 3
        assert writes(sb) == 0
