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
