"""Custom mapping functions of `target_medusa/mapping.json` (registered with etl at import)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.paths import get_path
from etl.transforms import BuildContext, register_custom, to_minor_units

DEFAULT_MAPPING = Path(__file__).resolve().parent / "mapping.json"
QUANTITY_FIELDS = ("qty_available", "virtual_available", "free_qty")
_TAGS = re.compile(r"<[^>]+>")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def _first(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return next((v for v in value if v is not None and v != ""), None)
    return value


@register_custom("medusa_title")
def title(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Product name (first non-empty of the sources), surrounding spaces removed."""
    got = _first(value)
    return str(got).strip() or None if got is not None else None


@register_custom("medusa_text")
def text(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Plain text: HTML tags removed, spaces trimmed, empty -> None."""
    if value is None or value is False:
        return None
    return _TAGS.sub("", str(value)).strip() or None


@register_custom("medusa_price")
def price(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    """Major units -> minor units of the configured currency (KWD: fils, x1000)."""
    got = _first(value)
    if got is None:
        return None
    return to_minor_units(got, str(ctx.config.get("currency") or "KWD"))


@register_custom("medusa_compare_at_price")
def compare_at_price(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    """Seed 002 section 8.2: `lst_price` (in minor units) when it is above `list_price`, else none. The
    sources are [lst_price, list_price]; both are read, neither stands in for the other."""
    lst, list_price = [*value, None, None][:2] if isinstance(value, list | tuple) else (None, None)
    if lst is None or list_price is None or float(lst) <= float(list_price):
        return None
    return to_minor_units(lst, str(ctx.config.get("currency") or "KWD"))


@register_custom("medusa_setting_field")
def setting_field(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Text of the Odoo field a setting names (`args.setting`, e.g. title_ar_field -> x_name_ar); none when
    the setting is empty. The target checks at start that the stream carries that field."""
    field = ctx.config.get(str(args.get("setting") or ""))
    if not field:
        return None
    got = get_path(ctx.record, str(field))
    if isinstance(got, Mapping):
        got = got.get("name")
    return str(got).strip() or None if got not in (None, False) else None


@register_custom("medusa_currency_code")
def currency_code(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str:
    return str(ctx.config.get("currency") or "KWD").lower()


@register_custom("medusa_category_handle")
def category_handle(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """`All / Saleable / Office Furniture` -> `office-furniture`; the lookup table `category_handle`
    (keyed by category id or full name) overrides."""
    if not value:
        return None
    cid = get_path(value, "id")
    name = get_path(value, "name")
    table = ctx.lookups.get("category_handle", {})
    for key in (str(cid), str(name)):
        if key in table:
            return str(table[key])
    last = str(name or "").split("/")[-1].strip().lower()
    return _NON_SLUG.sub("-", last).strip("-") or None


@register_custom("medusa_brand")
def brand(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Value of the configured `brand_field` (a many2one gives its name)."""
    return setting_field(value, {"setting": "brand_field"}, ctx)


@register_custom("medusa_images")
def images(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[dict[str, Any]] | None:
    """Odoo's `/web/image/product.product/<id>/image_1920` as the thumbnail, when `odoo_base_url` is set."""
    base = str(ctx.config.get("odoo_base_url") or "").rstrip("/")
    if not base or value is None:
        return None
    return [
        {"url": f"{base}/web/image/product.product/{value}/image_1920", "position": 0, "is_thumbnail": True}
    ]


@register_custom("medusa_stock_quantity")
def stock_quantity(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    """Whole units after `safety_stock`, never below 0 (the record's `quantity` is already summed)."""
    if value is None:
        return None
    qty = math.floor(float(value)) - int(ctx.config.get("safety_stock") or 0)
    return max(0, qty)


@register_custom("medusa_location_id")
def location_id(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    return str(ctx.config["location_id"]) if ctx.config.get("location_id") else None
