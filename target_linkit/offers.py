"""Odoo promotions -> Linkit offers (`direct_discount`, seed 000): loyalty programs and pricelist items.

A loyalty program (`loyalty.program`, Odoo 16+) joins its rewards (`loyalty.reward`) and rules
(`loyalty.rule`): the offer is its one percentage discount reward, on the order or on one product, with the
rules' smallest thresholds in `meta`. Which programs count is the setting `offer_sources` (seed 000's "Sync
coupon / loyalty / pricelist"): `coupon` = promotions, discount codes, coupons, next-order coupons, buy X
get Y; `loyalty` = loyalty cards; `pricelist` = `product.pricelist.item` discounts (off by default, as in
the addon). Gift cards and eWallets are means of payment, not offers. The mapping's lookup table
`offer_source` says which program type is which.

An archived program (active false) is sent `status: inactive`; one deleted in Odoo (tap-odoo's
`detect_deletions`) is deactivated in Linkit. Both only for offers Linkit has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from target_linkit.orders import Resolver
from target_linkit.records import odoo_id, take

STREAMS = {"loyalty_program": "loyalty.program", "product_pricelist_item": "product.pricelist.item"}
PARTS = ("loyalty_reward", "loyalty_rule")
ENTITY = {"loyalty_program": "loyalty_offers", "product_pricelist_item": "pricelist_offers"}
SOURCES = ("coupon", "loyalty", "pricelist")
DEFAULT_SOURCES = ("coupon", "loyalty")
SYNTHETIC = {"linkit_key", "reward", "target_iv_id", "min_amount", "min_qty"}


def offer_key(stream: str, odoo_id: Any) -> str:
    """`odoo:loyalty.program:3`: the ledger key and the offer's `remote_offer_id` (seed 000)."""
    return f"odoo:{STREAMS[stream]}:{odoo_id}"


@dataclass
class OfferJoin:
    records: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=lambda: {s: {} for s in (*STREAMS, *PARTS)}
    )
    deleted: dict[str, set[int]] = field(default_factory=lambda: {s: set() for s in STREAMS})

    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        rid, deleted = take(self.records[stream], record)
        if deleted and stream in self.deleted:
            self.deleted[stream].add(rid)

    def __bool__(self) -> bool:
        return any(self.records[s] for s in STREAMS) or any(self.deleted.values())

    def offers(self, stream: str) -> list[dict[str, Any]]:
        return [
            {**r, "linkit_key": offer_key(stream, rid)} for rid, r in sorted(self.records[stream].items())
        ]

    def join(self, stream: str, offer: dict[str, Any], resolver: Resolver) -> str | None:
        """Put what the mapping reads beside the record's own fields (`reward`, `target_iv_id`, thresholds);
        the reason when the offer cannot be a Linkit direct discount."""
        if stream == "loyalty_program":
            return self._program(offer, resolver)
        target = None
        if offer.get("applied_on") == "0_product_variant":
            target = resolver.product(odoo_id(offer.get("product_id")))[0]
        elif offer.get("applied_on") == "1_product":
            target = resolver.template(odoo_id(offer.get("product_tmpl_id")))
        if offer.get("applied_on") in ("0_product_variant", "1_product") and not target:
            return "its product has no Linkit product (no internal reference, or not sent yet)"
        offer["target_iv_id"] = target
        return None

    def _program(self, offer: dict[str, Any], resolver: Resolver) -> str | None:
        rewards = self.records["loyalty_reward"]
        ids = [i for i in offer.get("reward_ids") or [] if isinstance(i, int)]
        missing = [i for i in ids if i not in rewards]
        if missing:
            return (
                f"rewards {missing} were not in the input (loyalty_reward stream): read them with the program"
            )
        kinds = [rewards[i] for i in ids if rewards[i].get("reward_type") == "discount"]
        if not kinds:
            shown = ", ".join(
                str(rewards[i].get("description") or rewards[i].get("reward_type")) for i in ids
            )
            return (
                f"it gives no discount (rewards: {shown or 'none'}): a Linkit direct_discount needs a "
                "discount reward"
            )
        if len(kinds) > 1:
            return (
                f"it has {len(kinds)} discount rewards; a Linkit direct_discount carries one: give each "
                "discount its own program"
            )
        reward = offer["reward"] = kinds[0]
        if reward.get("discount_applicability") == "specific":
            products = [p for p in reward.get("discount_product_ids") or [] if isinstance(p, int)]
            if len(products) != 1 or reward.get("discount_product_category_id"):
                return (
                    "its discount is on a set of products or a category; a Linkit direct_discount targets "
                    "the order or one product (target_iv_id)"
                )
            offer["target_iv_id"] = resolver.product(products[0])[0]
            if not offer["target_iv_id"]:
                return f"its discounted product {products[0]} has no Linkit product (no internal reference)"
        rules = [
            r
            for r in self.records["loyalty_rule"].values()
            if odoo_id(r.get("program_id")) == offer.get("id")
        ]
        amounts = [r["minimum_amount"] for r in rules if isinstance(r.get("minimum_amount"), int | float)]
        qtys = [r["minimum_qty"] for r in rules if isinstance(r.get("minimum_qty"), int | float)]
        offer["min_amount"] = min(amounts) if amounts else None
        offer["min_qty"] = min(qtys) if qtys else None
        return None
