"""Customers: recorded Odoo 17 partners (as tap-odoo emits them) into the Linkit sandbox, one call each."""

from __future__ import annotations

from typing import Any

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox

from .helpers import dead_letters, run, streams
from .odoo_records import records, schema


def partners(changes: dict[int, dict[str, Any]] | None = None) -> str:
    rows = records("res.partner")
    for row in rows:
        row.update((changes or {}).get(row["id"], {}))
    return streams(("res_partner", schema("res.partner"), rows))


def by_email(linkit: LinkitSandbox) -> dict[str, dict[str, Any]]:
    return {c["email"]: c for c in linkit.state.customers.values()}


def test_customers_are_created_and_bound(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["phone_country_code"] = "+1"
    result = run(config, partners())
    assert result.status == 0, result
    got = by_email(linkit)
    # the three partners with a customer rank (Wood Corner, Deco Addict, Azure Interior); the rest filtered
    assert sorted(got) == [
        "azure.interior24@example.com",
        "deco_addict@yourcompany.example.com",
        "wood.corner26@example.com",
    ]
    wood = got["wood.corner26@example.com"]
    assert (wood["first_name"], wood["last_name"], wood["phone"], wood["type"], wood["status"]) == (
        "Wood Corner",
        None,
        "+16238537197",  # (623)-853-7197 with the country code
        "corporate",
        "active",
    )
    bound = Ledger(config["ledger_url"]).get_binding("linkit", "customers", "9")
    assert bound is not None and bound.remote_id == wood["id"]
    assert result.summary is not None and result.summary.filtered == 39
    assert dead_letters(config) == []


def test_a_change_is_a_patch_and_an_unchanged_rerun_sends_nothing(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    config["phone_country_code"] = "+1"
    assert run(config, partners()).status == 0
    writes = linkit.state.write_count()
    assert run(config, partners()).status == 0
    assert linkit.state.write_count() == writes
    moved = partners({10: {"email": "Orders@Deco.example.com", "name": "Deco Addict Ltd"}})
    assert run(config, moved).status == 0
    assert linkit.state.writes["customer.updated"] == 1 and linkit.state.writes["customer.created"] == 3
    assert by_email(linkit)["orders@deco.example.com"]["first_name"] == "Deco Addict Ltd"
    # archived in Odoo: inactive in Linkit
    assert run(config, partners({14: {"active": False}})).status == 0
    assert by_email(linkit)["azure.interior24@example.com"]["status"] == "inactive"


def test_a_customer_linkit_already_has_is_taken_over(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["phone_country_code"] = "+1"
    made_in_linkit = linkit.state.add_customer("deco_addict@yourcompany.example.com", first_name="Deco")
    result = run(config, partners())
    assert result.status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert "409" in reasons["10"] and "organization_id" in reasons["10"]  # finding it needs the header
    config["organization_id"] = linkit.state.organization_id
    assert run(config, partners()).status == 0
    assert made_in_linkit["first_name"] == "Deco Addict" and len(linkit.state.customers) == 3
    bound = Ledger(config["ledger_url"]).get_binding("linkit", "customers", "10")
    assert bound is not None and bound.remote_id == made_in_linkit["id"]


def test_a_customer_deleted_in_linkit_is_created_again(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["phone_country_code"] = "+1"
    assert run(config, partners()).status == 0
    wood = by_email(linkit)["wood.corner26@example.com"]
    del linkit.state.customers[wood["id"]]
    assert run(config, partners({9: {"name": "Wood Corner Inc"}})).status == 0
    assert by_email(linkit)["wood.corner26@example.com"]["first_name"] == "Wood Corner Inc"


def test_bad_customers_are_dead_letters_the_rest_delivered(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    changes: dict[int, dict[str, Any]] = {
        9: {"email": None, "phone": None},  # Linkit cannot hold a customer without email or phone
        14: {"is_company": False, "name": "Azure Smith", "email": "not-an-email"},
        16: {"customer_rank": 1, "active": False},  # archived, never in Linkit: not created
    }
    result = run(config, partners(changes))  # no phone_country_code: local numbers cannot be sent
    assert result.status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert sorted(reasons) == ["10", "14", "9"]  # 16 is filtered
    assert "phone_country_code" in reasons["10"] and "(603)-996-3829" in reasons["10"]
    config["phone_country_code"] = "+1"
    assert run(config, partners(changes)).status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert "NO_CONTACT" not in reasons["9"] and "neither" in reasons["9"]
    assert "$.email" in reasons["14"]
    assert sorted(by_email(linkit)) == ["deco_addict@yourcompany.example.com"]


def test_a_suspended_account_stops_the_run(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["phone_country_code"] = "+1"
    linkit.state.suspended = True  # 403 on every call: one clear error, no dead letters, no STATE
    result = run(config, partners())
    assert result.status == 3 and dead_letters(config) == []
    assert '"type": "STATE"' not in result.stdout and linkit.state.customers == {}
