"""Request validation as the MarqaSouq backend does it: the first bad field wins, named in the error.

ASSUMPTION (seed 002 silent): seed 002 shows request bodies but no validation rules; every rule below is
the sandbox's own reading of its examples (each is marked where it is made). Only the outcome is the
seed's: VALIDATION_ERROR, 400 (§9).
"""

from __future__ import annotations

import re
from typing import Any

# ASSUMPTION (seed 002 silent): no SKU without surrounding spaces; text fields are strings (no length limit:
# the seed sets none, and a sandbox stricter than the contract would refuse good products); barcode any
# string (Code128 and lettered barcodes exist); category_handle and currency_code shaped like §5.1's example.
TEXT_MAX = 1_000_000
HANDLE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENCY_RE = re.compile(r"^[a-z]{3}$")
ORDER_EVENTS = (
    "order.confirmed",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
    "order.invoiced",
    "order.paid",
)
PRODUCT_EVENTS = ("product.created", "product.updated", "product.deleted")
INVENTORY_EVENTS = ("inventory.updated", "inventory.adjustment", "stock.received", "stock.transfer")


class Invalid(ValueError):
    """One bad field: `field` is its path in the body (`products[3].title`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sku(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid(where, "sku is required (non-empty string)")
    if value != value.strip():
        raise Invalid(where, "sku must have no surrounding spaces")
    return value


def _opt_min_int(body: dict[str, Any], name: str, prefix: str) -> None:
    value = body.get(name)
    if value is not None and (not _is_int(value) or value < 0):
        raise Invalid(prefix + name, "must be a non-negative integer in minor units (fils)")


def _opt_str(body: dict[str, Any], name: str, prefix: str, max_len: int) -> None:
    value = body.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > max_len):
        raise Invalid(prefix + name, f"must be a string of at most {max_len} characters")


def check_product(body: Any, prefix: str = "") -> dict[str, Any]:
    """Validate a product create/update body (seed 002 §5.1)."""
    # ASSUMPTION (seed 002 silent): sku, title and price are required (§7 marks only the SKU as REQUIRED;
    # §11's smallest product create also has title and price); price, compare_at_price and cost_price are
    # non-negative integers in fils, weight non-negative grams with weight_unit "g", image URLs http(s),
    # odoo_product_id a positive integer, inventory.quantity a non-negative integer.
    if not isinstance(body, dict):
        raise Invalid(prefix.rstrip(".") or "body", "must be a JSON object")
    _sku(body.get("sku"), prefix + "sku")
    title = body.get("title")
    if not isinstance(title, str) or not title.strip():
        raise Invalid(prefix + "title", "title is required")
    _opt_str(body, "title_ar", prefix, TEXT_MAX)
    _opt_str(body, "description", prefix, 100_000)
    _opt_str(body, "description_ar", prefix, 100_000)
    if "odoo_product_id" in body and (not _is_int(body["odoo_product_id"]) or body["odoo_product_id"] < 1):
        raise Invalid(prefix + "odoo_product_id", "must be a positive integer")
    price = body.get("price")
    if price is None:
        raise Invalid(prefix + "price", "price is required (integer, minor units)")
    for name in ("price", "compare_at_price", "cost_price"):
        _opt_min_int(body, name, prefix)
    currency = body.get("currency_code")
    if currency is not None and (not isinstance(currency, str) or not CURRENCY_RE.match(currency)):
        raise Invalid(prefix + "currency_code", "must be a lower-case ISO 4217 code such as 'kwd'")
    weight = body.get("weight")
    if weight is not None and (not _is_num(weight) or weight < 0):
        raise Invalid(prefix + "weight", "must be a non-negative number of grams")
    if body.get("weight_unit") not in (None, "g"):
        raise Invalid(prefix + "weight_unit", "must be 'g'")
    barcode = body.get("barcode")
    if barcode is not None and not isinstance(barcode, str):
        raise Invalid(prefix + "barcode", "must be a string")
    handle = body.get("category_handle")
    if handle is not None and (not isinstance(handle, str) or not HANDLE_RE.match(handle)):
        raise Invalid(prefix + "category_handle", "must be a handle like 'mobile-accessories'")
    _opt_str(body, "brand", prefix, TEXT_MAX)
    images = body.get("images")
    if images is not None:
        if not isinstance(images, list):
            raise Invalid(prefix + "images", "must be a list")
        for i, image in enumerate(images):
            where = f"{prefix}images[{i}]"
            if not isinstance(image, dict) or not isinstance(image.get("url"), str):
                raise Invalid(where + ".url", "url is required")
            if not image["url"].startswith(("http://", "https://")):
                raise Invalid(where + ".url", "must be an http(s) URL")
            if "position" in image and (not _is_int(image["position"]) or image["position"] < 0):
                raise Invalid(where + ".position", "must be a non-negative integer")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Invalid(prefix + "metadata", "must be an object")
    inventory = body.get("inventory")
    if inventory is not None:
        if not isinstance(inventory, dict):
            raise Invalid(prefix + "inventory", "must be an object")
        qty = inventory.get("quantity")
        if qty is not None and (not _is_int(qty) or qty < 0):
            raise Invalid(prefix + "inventory.quantity", "must be a non-negative integer")
        for flag in ("manage_inventory", "allow_backorder"):
            if flag in inventory and not isinstance(inventory[flag], bool):
                raise Invalid(f"{prefix}inventory.{flag}", "must be true or false")
    return body


def check_stock_item(item: Any, prefix: str, *, allow_negative: bool = False) -> dict[str, Any]:
    """Validate `{sku, quantity, location_id?}`."""
    # ASSUMPTION (seed 002 silent): quantity is an integer (a float with no fraction passes), not negative
    # except in §13.2's inventory webhook; location_id, when given, is a string.
    if not isinstance(item, dict):
        raise Invalid(prefix.rstrip(".") or "body", "must be a JSON object")
    _sku(item.get("sku"), prefix + "sku")
    qty = item.get("quantity")
    if not _is_num(qty) or qty != int(qty):  # type: ignore[arg-type]
        raise Invalid(prefix + "quantity", "must be an integer")
    if qty < 0 and not allow_negative:
        raise Invalid(prefix + "quantity", "must not be negative")
    if item.get("location_id") is not None and not isinstance(item["location_id"], str):
        raise Invalid(prefix + "location_id", "must be a string")
    return item


def list_of(body: Any, name: str, max_items: int) -> list[Any]:
    """`body[name]` must be a non-empty list of at most `max_items`."""
    if not isinstance(body, dict):
        raise Invalid("body", "must be a JSON object")
    items = body.get(name)
    if not isinstance(items, list) or not items:
        raise Invalid(name, "must be a non-empty list")
    if len(items) > max_items:
        raise Invalid(name, f"at most {max_items} items per request (got {len(items)})")
    return items


def check_order_status(body: Any) -> tuple[str, dict[str, Any]]:
    """Validate an order-status webhook (seed 002 §13.3)."""
    # ASSUMPTION (seed 002 silent): only medusa_order_id is required; the other fields of §13.3's bodies
    # are optional strings (odoo_order_id an integer), tracking_url an http(s) URL.
    if not isinstance(body, dict):
        raise Invalid("body", "must be a JSON object")
    event = body.get("event_type")
    if event not in ORDER_EVENTS:
        raise Invalid("event_type", f"must be one of {', '.join(ORDER_EVENTS)}")
    order = body.get("order")
    if not isinstance(order, dict):
        raise Invalid("order", "must be an object")
    oid = order.get("medusa_order_id")
    if not isinstance(oid, str) or not oid:
        raise Invalid("order.medusa_order_id", "medusa_order_id is required")
    for name in (
        "odoo_order_name",
        "tracking_number",
        "tracking_url",
        "carrier_name",
        "cancelled_reason",
        "shipped_date",
        "delivered_date",
    ):
        if order.get(name) is not None and not isinstance(order[name], str):
            raise Invalid(f"order.{name}", "must be a string")
    if order.get("odoo_order_id") is not None and not _is_int(order["odoo_order_id"]):
        raise Invalid("order.odoo_order_id", "must be an integer")
    url = order.get("tracking_url")
    if url and not url.startswith(("http://", "https://")):
        raise Invalid("order.tracking_url", "must be an http(s) URL")
    return event, order
