"""Custom mapping functions of `target_linkit/mapping.json` (registered with etl at import)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from etl.errors import TransformError
from etl.paths import get_path
from etl.transforms import BuildContext, register_custom
from target_linkit.hours import HoursError, working_hours
from target_linkit.hours import periods as working_periods

DEFAULT_MAPPING = Path(__file__).resolve().parent / "mapping.json"
QUANTITY_FIELDS = ("qty_available", "virtual_available", "free_qty")
_TAGS = re.compile(r"<[^>]+>")


@register_custom("linkit_text")
def text(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Plain text: HTML tags removed, spaces trimmed, empty (or Odoo's False) -> None."""
    if value is None or value is False:
        return None
    return _TAGS.sub("", str(value)).strip() or None


@register_custom("linkit_setting_field")
def setting_field(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Text of the Odoo field a setting names (`args.setting`, e.g. name_ar_field -> x_name_ar); none when
    the setting is empty. The target checks at start that the stream carries that field."""
    field = ctx.config.get(str(args.get("setting") or ""))
    if not field:
        return None
    got = get_path(ctx.record, str(field))
    if isinstance(got, Mapping):
        got = got.get("name")
    return text(got, args, ctx)


@register_custom("linkit_price")
def price(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | None:
    """A price in major units as Linkit takes it (`average_price`, a number), rounded to 3 decimals (the
    finest ISO 4217 currency: KWD, BHD, OMR); Odoo's float noise (49.990000000001) never changes a hash."""
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TransformError(f"a price must be a number, got {value!r}")
    return float(round(Decimal(str(value)), 3))


@register_custom("linkit_enabled")
def enabled(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> bool:
    """`is_enabled`: an archived Odoo product (active false) is disabled in Linkit; absent -> enabled."""
    return value is not False


@register_custom("linkit_qty")
def qty(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    """G12: Linkit's `qty` is an integer. The rule: floor of the Odoo quantity (a fraction of a unit cannot
    be sold), minus `safety_stock`, never below 0 (Linkit refuses negatives; Odoo's negative stock means
    none to sell). The record's `quantity` is already summed over the branch's warehouses."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TransformError(f"a quantity must be a number, got {value!r}")
    if not math.isfinite(float(value)):
        raise TransformError(f"a quantity must be finite, got {value!r}")
    return max(0, math.floor(float(value)) - int(ctx.config.get("safety_stock") or 0))


@register_custom("linkit_working_hours")
def hours(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[Any] | dict[str, Any] | None:
    """A branch's `working_hours` from its calendar lines (`attendances`, joined by the flow), in the shape
    the setting `working_hours_shape` names (`periods`, default, or `weekday`); none without a calendar."""
    if value is None:
        return None
    try:
        spans = working_periods(value, two_weeks=bool(ctx.record.get("two_weeks")))
    except HoursError as exc:
        raise TransformError(str(exc)) from None
    return working_hours(spans, str(ctx.config.get("working_hours_shape") or "periods"))


@register_custom("linkit_name_part")
def name_part(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """`first_name` / `last_name` (args.part) of an Odoo partner name: a person's name splits at its last
    space ("Marc Demo" -> Marc, Demo); a company (is_company) or a one-word name is all first name."""
    name = text(value, args, ctx)
    if name is None:
        return None
    first, _, last = name.rpartition(" ")
    if ctx.record.get("is_company") or not first:
        first, last = name, ""
    return (first.strip() if args.get("part") == "first" else last.strip()) or None


@register_custom("linkit_email")
def email(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """An email as Linkit keeps it (trimmed, lower case: its lookups are case-insensitive)."""
    got = text(value, args, ctx)
    return got.lower() if got else None


_PHONE_NOISE = re.compile(r"[\s\-().]")


@register_custom("linkit_phone")
def phone(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """A phone in the international form Linkit keeps (+ and 8-15 digits). A number without a country code
    takes the setting phone_country_code (its leading trunk 0 dropped: 0501234567 -> +966501234567)."""
    got = text(value, args, ctx)
    if got is None:
        return None
    digits = _PHONE_NOISE.sub("", got)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        prefix = str(ctx.config.get("phone_country_code") or "")
        if not prefix:
            raise TransformError(
                f"{got!r} has no country code; write it as +<country><number> in Odoo, or set the setting "
                "phone_country_code (e.g. +966)"
            )
        digits = prefix + digits.removeprefix("0")
    if not re.fullmatch(r"\+\d{8,15}", digits):
        raise TransformError(f"{got!r} is not a phone number (+ and 8 to 15 digits)")
    return digits


@register_custom("linkit_choice")
def choice(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    """`args.if_true` when the value is true, else `args.if_false` (e.g. is_company -> corporate)."""
    return args.get("if_true") if value else args.get("if_false")


# the order and offer transforms (they use text and price above): registered on import
from target_linkit import sales_transforms as _sales  # noqa: E402, F401
