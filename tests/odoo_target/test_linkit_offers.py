"""Linkit offers -> Odoo loyalty programs kept inactive until a person reviews them (seed 000's "Pulled
Offers" staging; mappings/linkit.json, entity offer): promotion, one rule, one percentage discount reward,
external id odoo_hub.linkit_offer_<id>. A change reaches an unreviewed program only; a program a person
activated is never rewritten nor re-activated; an offer Linkit deactivates or deletes archives it; no
discount: a dead letter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sandbox.odoo import OdooSandbox

from .conftest import Odoo
from .linkit import Linkit, apply, letters, linkit_sandbox, pulled, writes

WEEKEND = {"name": "Weekend 15%", "offer_type": "direct_discount", "status": "active",
           "target_scope": "order", "discount_type": "percentage", "discount_value": 15,
           "start_at": "2026-03-25T00:00:00Z", "end_at": "2026-03-31T23:59:59Z"}  # fmt: skip
CHAIR = {"name": "Chairs 10%", "offer_type": "direct_discount", "status": "active", "target_scope": "product",
         "target_iv_id": "FURN_0269", "discount_type": "percentage", "discount_value": 10}  # fmt: skip


def program_id(odoo: Odoo, offer_id: str) -> int:
    """By its external id (check_object_reference answers False for an archived record, as Odoo 17 does)."""
    domain = [["module", "=", "odoo_hub"], ["name", "=", f"linkit_offer_{offer_id}"]]
    [row] = odoo("ir.model.data", "search_read", domain, fields=["model", "res_id"])
    assert row["model"] == "loyalty.program"
    return int(row["res_id"])


def program(odoo: Odoo, offer_id: str) -> dict[str, Any]:
    """The program of a Linkit offer, with its rules and rewards (archived ones too)."""
    pid = program_id(odoo, offer_id)
    fields = ["name", "active", "program_type", "trigger", "date_from", "date_to", "rule_ids", "reward_ids"]
    [row] = odoo("loyalty.program", "read", [pid], fields, context={"active_test": False})
    row["rules"] = odoo("loyalty.rule", "read", row["rule_ids"], ["reward_point_mode", "product_ids"])
    reward = ["discount", "discount_mode", "discount_applicability", "discount_product_ids"]
    row["rewards"] = odoo("loyalty.reward", "read", row["reward_ids"], reward)
    return dict(row)


def offers(linkit: Linkit) -> dict[str, list[dict[str, Any]]]:
    return pulled(linkit, ("offers",))


def test_offers_become_inactive_promotions_with_a_rule_and_a_discount_reward_once(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    with linkit_sandbox() as linkit:
        weekend = linkit.call("POST", "/offers", WEEKEND)["data"]
        chair = linkit.call("POST", "/offers", CHAIR)["data"]
        summary, _ = apply(config, offers(linkit))
        assert (summary.sent, summary.failed) == (2, 0), summary.failures
        got = program(odoo, weekend["id"])
        assert {k: got[k] for k in ("name", "active", "program_type", "trigger", "date_from", "date_to")} == {
            "name": f"Weekend 15% (Linkit {weekend['id']})", "active": False, "program_type": "promotion",
            "trigger": "auto", "date_from": "2026-03-25", "date_to": "2026-03-31",
        }  # fmt: skip
        assert [r["reward_point_mode"] for r in got["rules"]] == ["order"]
        [reward] = got["rewards"]
        assert (reward["discount"], reward["discount_mode"], reward["discount_applicability"]) == (
            15.0, "percent", "order"
        )  # fmt: skip
        chair_program = program(odoo, chair["id"])
        [chair_id] = odoo("product.product", "search", [["default_code", "=", "FURN_0269"]])
        assert chair_program["rules"][0]["product_ids"] == [chair_id]
        assert chair_program["rewards"][0]["discount_applicability"] == "specific"
        assert chair_program["rewards"][0]["discount_product_ids"] == [chair_id]

        sb.calls.reset()  # the same offers again: through the ledger, then a fresh one (reads only)
        assert apply(config, offers(linkit))[0].unchanged == 2
        assert apply(config | {"ledger_url": f"sqlite:///{tmp_path}/b.sqlite"}, offers(linkit))[0].sent == 2
        assert writes(sb) == 0
        programs = odoo(
            "loyalty.program", "search", [["name", "like", "(Linkit "]], context={"active_test": False}
        )
        assert len(programs) == 2


def test_a_change_reaches_an_unreviewed_program_only_and_an_ended_offer_archives_it(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    with linkit_sandbox() as linkit:
        weekend = linkit.call("POST", "/offers", WEEKEND)["data"]
        chair = linkit.call("POST", "/offers", CHAIR)["data"]
        apply(config, offers(linkit))
        # not reviewed yet: Linkit's new discount replaces the reward ([5, 0, 0] + [0, 0, vals])
        linkit.call("PUT", f"/offers/{weekend['id']}", {**WEEKEND, "discount_value": 20})
        assert apply(config, offers(linkit))[0].sent == 1
        assert program(odoo, weekend["id"])["rewards"][0]["discount"] == 20.0

        # a person reviews and activates both; then Linkit changes one and deactivates the other
        odoo(
            "loyalty.program",
            "write",
            [program_id(odoo, o["id"]) for o in (weekend, chair)],
            {"active": True},
        )
        linkit.call(
            "PUT", f"/offers/{weekend['id']}", {**WEEKEND, "discount_value": 50, "name": "Weekend 50%"}
        )
        linkit.call("PATCH", f"/offers/{chair['id']}/status", {"status": "inactive"})
        sb.calls.reset()
        summary, flow = apply(config, offers(linkit))
        assert (summary.sent, summary.failed) == (2, 0)
        reviewed = program(odoo, weekend["id"])
        assert (reviewed["active"], reviewed["rewards"][0]["discount"]) == (True, 20.0)
        assert reviewed["name"] == f"Weekend 15% (Linkit {weekend['id']})"
        note = {e["key"]: e["error_message"] for e in flow.ledger.events(summary.run_id)}[weekend["id"]]
        assert "active in Odoo (a person reviewed it): the changes at the source (name, reward_ids)" in note
        assert program(odoo, chair["id"])["active"] is False  # archived
        assert sb.calls[("loyalty.program", "write")] == 1

        # Linkit activates it again: it stays archived until a person activates it (never re-activated)
        linkit.call("PATCH", f"/offers/{chair['id']}/status", {"status": "active"})
        apply(config, offers(linkit))
        assert program(odoo, chair["id"])["active"] is False

        # deleted at Linkit (a record with _sdc_deleted_at, as a tap detecting deletions sends it)
        linkit.call("DELETE", f"/offers/{weekend['id']}")
        gone = {"id": weekend["id"], "_sdc_deleted_at": "2026-11-26T12:00:00Z"}
        never = {"id": "r99999999999999", "_sdc_deleted_at": "2026-11-26T12:00:00Z"}
        summary, _ = apply(config, {"offers": [gone, never]})
        assert (summary.sent, summary.failed) == (2, 0), summary.failures
        assert program(odoo, weekend["id"])["active"] is False
        assert odoo("ir.model.data", "search", [["name", "=", "linkit_offer_r99999999999999"]]) == []


def test_offers_without_a_discount_are_dead_letters(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    with linkit_sandbox() as linkit:
        good = linkit.call("POST", "/offers", WEEKEND)["data"]
        two = {"buy_qty": 1, "get_qty": 1, "buy_iv_id": "A", "get_iv_id": "B"}
        bogo = linkit.call("POST", "/offers", {"name": "Buy 1 Get 1", "offer_type": "bogo", **two})["data"]
        empty = linkit.call("POST", "/offers", {**WEEKEND, "name": "Empty"})["data"]
        unknown = linkit.call("POST", "/offers", {**CHAIR, "target_iv_id": "NOPE-9"})["data"]
        state = linkit.sandbox.state
        with state.lock:  # Linkit refuses a direct discount without a value (sandbox assumption G15)
            state.offers[empty["id"]]["discount_value"] = None
        summary, _ = apply(config, offers(linkit))
    assert (summary.sent, summary.failed) == (1, 3)
    reasons = letters(config)
    assert (
        f"offer 'Empty' ({empty['id']}): no discount (discount_type 'percentage', discount_value None)"
        in (reasons[empty["id"]])
    )
    assert "set the offer's percentage discount in Linkit" in reasons[empty["id"]]
    assert "offer type 'bogo' has no discount Odoo can take" in reasons[bogo["id"]]
    assert (
        "offer product NOPE-9 is not in Odoo (no product.product with default_code NOPE-9)"
        in reasons[unknown["id"]]
    )
    assert program(odoo, good["id"])["active"] is False
