"""Offers: recorded Odoo 17 loyalty programs and rewards (as tap-odoo emits them), hand-made rules and
pricelist items (none recorded), into the Linkit sandbox as direct discounts keyed by remote_offer_id."""

from __future__ import annotations

from typing import Any

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox

from .helpers import PRODUCT_SCHEMA, dead_letters, product, run, streams
from .odoo_records import records, schema

RULE_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": ["integer"]},
        "program_id": {"type": ["object", "null"]},
        "minimum_amount": {"type": ["number", "null"]},
        "minimum_qty": {"type": ["integer", "null"]},
    },
}
RULES = [
    {
        "id": 2,
        "program_id": {"id": 2, "name": "Code for 10% on orders"},
        "minimum_amount": 50.0,
        "minimum_qty": 0,
    },
    {
        "id": 4,
        "program_id": {"id": 4, "name": "10% Discount Coupons"},
        "minimum_amount": 0.0,
        "minimum_qty": 1,
    },
]


def odoo(
    programs: list[dict[str, Any]] | None = None,
    rewards: list[dict[str, Any]] | None = None,
    items: list[dict[str, Any]] | None = None,
) -> str:
    parts = [
        (
            "product_product",
            PRODUCT_SCHEMA,
            [product(1, id=25, default_code="FURN_0269", product_tmpl_id=None)],
        ),
        (
            "loyalty_program",
            schema("loyalty.program"),
            records("loyalty.program") if programs is None else programs,
        ),
        (
            "loyalty_reward",
            schema("loyalty.reward"),
            records("loyalty.reward") if rewards is None else rewards,
        ),
        ("loyalty_rule", RULE_SCHEMA, RULES),
    ]
    if items is not None:
        parts.append(("product_pricelist_item", schema("product.pricelist.item"), items))
    return streams(*parts)


def offer(linkit: LinkitSandbox, remote: str) -> dict[str, Any]:
    found = linkit.state.offer_by_remote(remote)
    assert found is not None, f"no offer {remote} in Linkit"
    return found


def test_discount_programs_become_direct_discounts(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    result = run(config, odoo())
    assert result.status == 0, result
    code = offer(linkit, "odoo:loyalty.program:2")
    assert (code["name"], code["offer_type"], code["status"], code["target_scope"]) == (
        "Code for 10% on orders",
        "direct_discount",
        "active",
        "order",
    )
    assert (code["discount_type"], code["discount_value"]) == ("percentage", 10.0)
    assert code["meta"] == {
        "odoo_program_type": "promo_code",
        "trigger": "with_code",
        "minimum_amount": 50.0,
        "minimum_qty": 0,
    }
    assert offer(linkit, "odoo:loyalty.program:5")["discount_value"] == 15.0
    assert offer(linkit, "odoo:loyalty.program:4")["meta"]["minimum_qty"] == 1
    assert linkit.state.offer_by_remote("odoo:loyalty.program:1") is None  # a gift card is no offer
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert sorted(reasons) == ["odoo:loyalty.program:3", "odoo:loyalty.program:6"]  # free products
    assert "gives no discount (rewards: Free Product - Large Cabinet)" in reasons["odoo:loyalty.program:3"]
    bound = Ledger(config["ledger_url"]).get_binding("linkit", "loyalty_offers", "odoo:loyalty.program:2")
    assert bound is not None and bound.remote_id == code["id"]


def test_changes_archives_and_deletions(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    assert run(config, odoo()).status == 0
    writes = linkit.state.write_count()
    assert run(config, odoo()).status == 0
    assert linkit.state.write_count() == writes  # unchanged: nothing sent
    rewards = records("loyalty.reward")
    rewards[1]["discount"] = 12.5
    programs = records("loyalty.program")
    programs[3]["active"] = False  # 10% Discount Coupons archived
    del programs[4]  # 15% on next order deleted in Odoo ...
    deleted = {
        "id": 5,
        "_sdc_deleted_at": "2026-11-26T10:00:00+00:00",
        "write_date": "2026-11-26T10:00:00+00:00",
    }
    result = run(config, odoo([*programs, deleted], rewards))
    assert result.status == 0 and result.summary is not None
    assert offer(linkit, "odoo:loyalty.program:2")["discount_value"] == 12.5
    assert offer(linkit, "odoo:loyalty.program:4")["status"] == "inactive"
    gone = offer(linkit, "odoo:loyalty.program:5")
    assert (gone["status"], gone["is_active"]) == ("inactive", False)  # ... deactivated in Linkit
    assert result.summary.deleted == 1
    assert linkit.state.writes["offer.created"] == 3 and linkit.state.writes["offer.status"] == 1
    again = run(config, odoo([*programs, deleted], rewards))
    assert again.summary is not None and again.summary.sent == 0


def test_an_offer_linkit_already_has_is_taken_over(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    assert run(config, odoo()).status == 0
    config["ledger_url"] = config["ledger_url"].replace("ledger.sqlite", "fresh.sqlite")  # a new ledger
    rewards = records("loyalty.reward")
    rewards[1]["discount"] = 20.0
    assert run(config, odoo(rewards=rewards)).status == 0  # 409 on create -> bulk upsert -> found by name
    assert offer(linkit, "odoo:loyalty.program:2")["discount_value"] == 20.0
    assert len(linkit.state.offers) == 3
    assert sorted(d.key for d in dead_letters(config)) == ["odoo:loyalty.program:3", "odoo:loyalty.program:6"]
    bound = Ledger(config["ledger_url"]).get_binding("linkit", "loyalty_offers", "odoo:loyalty.program:2")
    assert bound is not None and bound.remote_id == offer(linkit, "odoo:loyalty.program:2")["id"]


def test_discounts_linkit_cannot_take_are_dead_letters(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    rewards = records("loyalty.reward")
    rewards[3]["discount_mode"] = "per_order"  # 10 $ off: not a percentage
    rewards[4]["discount_applicability"] = "cheapest"
    rewards[1]["discount"] = 0.0  # 0 %: no discount at all
    assert run(config, odoo(rewards=rewards)).status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert "not a percentage" in reasons["odoo:loyalty.program:4"]
    assert "cheapest product" in reasons["odoo:loyalty.program:5"]
    assert "discount_value" in reasons["odoo:loyalty.program:2"]
    assert linkit.state.offers == {}


def pricelist_item(i: int, **values: Any) -> dict[str, Any]:
    item = {
        "id": i,
        "pricelist_id": {"id": 1, "name": "Public Pricelist"},
        "applied_on": "3_global",
        "compute_price": "percentage",
        "percent_price": 5.0,
        "price_discount": 0.0,
        "base": "list_price",
        "product_id": None,
        "product_tmpl_id": None,
        "min_quantity": 0.0,
        "date_start": None,
        "date_end": None,
    }
    return {**item, **values}


def test_pricelist_items_only_when_the_source_is_on(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    items = [
        pricelist_item(1),
        pricelist_item(
            2,
            applied_on="0_product_variant",
            product_id={"id": 25, "name": "[FURN_0269] Chair"},
            compute_price="formula",
            price_discount=20.0,
            date_end="2026-12-31T22:59:59+00:00",
        ),
        pricelist_item(3, compute_price="fixed"),  # a fixed price is not a percentage
        pricelist_item(4, applied_on="2_product_category"),
    ]
    assert run(config, odoo(items=items)).status == 0
    assert linkit.state.offer_by_remote("odoo:product.pricelist.item:1") is None  # off by default
    config["offer_sources"] = ["pricelist"]
    assert run(config, odoo(items=items)).status == 0
    whole = offer(linkit, "odoo:product.pricelist.item:1")
    assert (whole["target_scope"], whole["discount_value"], whole["name"]) == (
        "order",
        5.0,
        "Public Pricelist: all products",
    )
    chair = offer(linkit, "odoo:product.pricelist.item:2")
    assert (chair["target_scope"], chair["target_iv_id"], chair["discount_value"], chair["end_at"]) == (
        "product",
        "FURN_0269",
        20.0,
        "2026-12-31T22:59:59Z",
    )
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert "not a percentage off the sales price" in reasons["odoo:product.pricelist.item:3"]
    assert "product category" in reasons["odoo:product.pricelist.item:4"]
    assert linkit.state.writes["offer.updated"] == 0  # coupon and loyalty are off in the second run


def test_a_suspended_account_stops_the_offer_run(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    linkit.state.suspended = True  # 403 on POST /offers: one clear error, exit 3
    only_offers = streams(
        ("loyalty_program", schema("loyalty.program"), records("loyalty.program")),
        ("loyalty_reward", schema("loyalty.reward"), records("loyalty.reward")),
    )
    result = run(config, only_offers)
    assert result.status == 3 and linkit.state.offers == {}
    # the offers tried are no dead letters (the credential is at fault, not them)
    assert sorted(d.key for d in dead_letters(config)) == ["odoo:loyalty.program:3", "odoo:loyalty.program:6"]
