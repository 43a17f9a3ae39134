"""What target-linkit reads of each tap stream, each field with what needs it: checked against the stream's
SCHEMA at start (a missing field stops the run naming it), and what meltano.yml's Linkit jobs select."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.mapping import Mapping as EtlMapping
from target_linkit.branches import STREAMS as BRANCH_STREAMS
from target_linkit.hours import FIELDS as HOURS_FIELDS
from target_linkit.offers import ENTITY as OFFER_ENTITY
from target_linkit.offers import PARTS as OFFER_PARTS
from target_linkit.offers import SYNTHETIC as OFFER_SYNTHETIC
from target_linkit.orders import BRANCH_OF, ENTITY, LINE_STREAMS, LINES_FIELD, ORDER_STREAMS, SYNTHETIC


def stream_name(stream: str) -> str:
    return stream.replace(".", "_").replace("-", "_")


def stream_needs(mapping: EtlMapping, config: Mapping[str, Any], stream: str) -> dict[str, str]:
    """Fields of ``stream`` a run reads, each with what needs it (checked on SCHEMA at start)."""
    name = stream_name(stream)
    needs: dict[str, str] = {}
    for spec in mapping.entities_for_stream(name):
        if name == "stock_levels" and spec.name == "skus":
            continue  # built from BranchStock's records, which read the fields below
        needs.update(mapping.needs(spec.name))
    if name == "product_product" and config.get("name_ar_field"):
        needs.setdefault(str(config["name_ar_field"]).split(".")[0], "the setting name_ar_field")
    elif name in BRANCH_STREAMS:
        needs = branch_needs(config, name)
    elif name in ORDER_STREAMS or name in LINE_STREAMS:
        needs = order_needs(mapping, config, name)
    elif name in OFFER_ENTITY or name in OFFER_PARTS:
        needs = offer_needs(mapping, name)
    elif name == "stock_levels":
        quantity = str(config.get("quantity_field") or "qty_available")
        for field in ("product_id", "default_code", "warehouse_id", "warehouse_code", quantity):
            needs.setdefault(field, "SKU stock per branch (quantity_field, branches)")
    return needs


def branch_needs(config: Mapping[str, Any], stream: str) -> dict[str, str]:
    """What joining warehouses with their working hours reads of each of its four streams (the calendar
    lines' fields Odoo's own working-time rules look at included: see target_linkit/hours.py)."""
    hours = config.get("working_hours_shape") != "none"
    calendar = str(config.get("branch_calendar_field") or "")
    why = "branches (working hours; setting working_hours_shape)"
    fields: tuple[str, ...] = ()
    if stream == "stock_warehouse":
        needs = {f: "branches (iv_id = code, name_en, active)" for f in ("id", "code", "name", "active")}
        if hours:
            needs[calendar or "company_id"] = f"{why}: " + (
                "the setting branch_calendar_field" if calendar else "the company's calendar"
            )
        if config.get("pos_orders", True):
            needs["pos_type_id"] = "the branch of POS orders (setting pos_orders)"
        return needs
    if hours and stream == "resource_calendar":
        fields = ("id", "attendance_ids", "two_weeks_calendar")
    elif hours and stream == "resource_calendar_attendance":
        fields = HOURS_FIELDS
    elif hours and stream == "res_company" and not calendar:
        fields = ("id", "resource_calendar_id")
    return dict.fromkeys(fields, why)


def order_needs(mapping: EtlMapping, config: Mapping[str, Any], stream: str) -> dict[str, str]:
    """An order's fields (its mapping entity's, less what the flow adds, plus state, lines and branch), or a
    line's (what the mapping's linkit_order_lines reads, plus the order, the product and the line kind)."""
    order = LINE_STREAMS.get(stream, stream)
    entity = ENTITY[order]
    if entity not in mapping.entities or (order == "pos_order" and not config.get("pos_orders", True)):
        return {}
    if stream in ORDER_STREAMS:
        needs = {f: why for f, why in mapping.needs(entity).items() if f not in SYNTHETIC}
        needs["state"] = "order status (lookup tables order_status, payment_status)"
        needs[LINES_FIELD[stream]] = "the order's lines"
        needs[BRANCH_OF[stream][0]] = f"{entity}.destination_reference (the order's branch)"
        return needs
    needs = {f: f"{entity} lines" for f in ("id", "order_id", "product_id")}
    for spec in mapping.entity(entity).fields:
        if spec.transform == "linkit_order_lines":
            needs.update((str(f), f"{entity}.{spec.target}") for f in spec.args.values())
    if stream == "sale_order_line":  # a section or note line, a service line (no SKU needed)
        needs.update(display_type=f"{entity} lines", product_type=f"{entity} lines (services)")
    return needs


OFFER_READS = {  # what the offers' join reads besides the mapping's sources
    "loyalty_program": ("id", "program_type", "active", "reward_ids"),
    "loyalty_reward": (
        "id",
        "reward_type",
        "description",
        "discount",
        "discount_mode",
        "discount_applicability",
        "discount_product_ids",
        "discount_product_category_id",
    ),
    "loyalty_rule": ("id", "program_id", "minimum_amount", "minimum_qty"),
    "product_pricelist_item": (
        "id",
        "product_id",
        "product_tmpl_id",
        "percent_price",
        "price_discount",
        "base",
    ),
}


def offer_needs(mapping: EtlMapping, stream: str) -> dict[str, str]:
    """A program's or pricelist item's fields (its entity's, less what the join adds), and its rewards' and
    rules' (what the join reads)."""
    entity = OFFER_ENTITY.get(stream, "loyalty_offers")
    if entity not in mapping.entities:
        return {}
    needs = dict.fromkeys(OFFER_READS[stream], f"{entity} (rewards, rules, targets)")
    if stream in OFFER_ENTITY:
        needs.update((f, why) for f, why in mapping.needs(entity).items() if f not in OFFER_SYNTHETIC)
    return needs
