"""JSON Schemas of the six streams: the fields the research file publishes for each Linkit record (section 3).

Every schema allows additional properties, so a record is emitted exactly as Linkit returns it: a field Linkit
adds beyond the published ones (the pages were read only in part) passes through unchanged instead of being
dropped. Types are nullable; numbers stay numbers (a SKU's ``qty`` is published as an integer, but the tap
passes whatever Linkit sent, and target-odoo dead-letters a fractional one).
"""

from __future__ import annotations

import typing as t

Schema = dict[str, t.Any]


def _kind(*types: str, description: str = "") -> Schema:
    schema: Schema = {"type": [*types, "null"]}
    if description:
        schema["description"] = description
    return schema


TEXT = _kind("string")
NUMBER = _kind("number")
INTEGER = _kind("integer")
FLAG = _kind("boolean")
TIME = {"type": ["string", "null"], "format": "date-time"}
OBJECT = _kind("object")  # no properties: passed through as Linkit sent it
LIST = _kind("array")


def _record(description: str, **properties: Schema) -> Schema:
    return {
        "type": "object",
        "description": description,
        "properties": {
            "id": {"type": "string", "description": "Linkit id (opaque, G20)"},
            "organization_id": TEXT,
            **properties,
            "created": TIME,
            "updated": {**TIME, "description": "RFC 3339; the replication key (G6)"},
        },
        "required": ["id"],
        "additionalProperties": True,
    }


PRODUCTS = _record(
    "GET /api/v1/products [prod]",
    iv_id=_kind("string", description="your external product id (Odoo: default_code)"),
    name_en=TEXT,
    name_ar=TEXT,
    average_price=NUMBER,
    vat_value=_kind("number", description="VAT percentage, e.g. 15"),
    barcode=TEXT,
    brand_id=TEXT,
    category_id=TEXT,
    generic_id=TEXT,
    is_enabled=FLAG,
    is_deleted=FLAG,
)

SKUS = _record(
    "GET /api/v1/skus [sku]: one product at one branch",
    iv_id=_kind("string", description="{product_iv_id}_{branch_iv_id}"),
    product_iv_id=TEXT,
    branch_iv_id=TEXT,
    qty=_kind("number", description="stock level, published as an integer; passed as Linkit sent it"),
    price=NUMBER,
    cost=NUMBER,
    available=FLAG,
)

BRANCHES = _record(
    "GET /api/v1/branches [br][br2]",
    iv_id=_kind("string", description="your external branch id (Odoo: the warehouse code)"),
    name_en=TEXT,
    name_ar=TEXT,
    active=FLAG,
    location=OBJECT,
    working_hours=_kind(
        "array",
        "object",
        description="as Linkit returns it: the period list [{WeekDay, OpenHour, OpenMinute, CloseHour, "
        'CloseMinute}] or the weekday object {"monday": {"open": "10:00", "close": "22:00"}}',
    ),
    working_hours_periods=_kind("array", description="Linkit's normalized period list [br2]"),
)

CUSTOMERS = _record(
    "GET /api/v1/customers [cust]",
    first_name=TEXT,
    last_name=TEXT,
    email=TEXT,
    phone=TEXT,
    birthdate=TEXT,
    gender=TEXT,
    type=TEXT,
    status=TEXT,
)

OFFERS = _record(
    "GET /api/v1/offers [off]",
    organization_app_id=TEXT,
    name=TEXT,
    offer_type=TEXT,
    status=TEXT,
    is_active=FLAG,
    target_scope=TEXT,
    target_iv_id=TEXT,
    target_barcode=TEXT,
    discount_type=TEXT,
    discount_value=NUMBER,
    start_at=TIME,
    end_at=TIME,
    meta=OBJECT,
    buy_qty=NUMBER,
    get_qty=NUMBER,
    buy_iv_id=TEXT,
    get_iv_id=TEXT,
    get_discount_percent=NUMBER,
    remote_offer_id=_kind("string", description="odoo:<model>:<id>; returned only by some Linkits (G15)"),
)

_UNIFIED_ORDER: dict[str, Schema] = {
    "spec_version": _kind("string", description="of the read envelope, e.g. 2026-04-01 [ord2]"),
    "source_reference": TEXT,
    "source_transaction_id": TEXT,
    "source_timestamp": TIME,
    "order_code": TEXT,
    "order_type": TEXT,
    "destination_id": TEXT,
    "destination_reference": TEXT,
    "store_name": TEXT,
    "order_status": TEXT,
    "fulfillment_status": TEXT,
    "payment_status": TEXT,
    "fulfillment_method": TEXT,
    "payment_method": TEXT,
    "transport_type": TEXT,
    "is_preorder": FLAG,
    "promised_for": TIME,
    "total_amount": NUMBER,
    "discounts_amount": NUMBER,
    "vat_amount": NUMBER,
    "delivery_fee": NUMBER,
    "service_fee": NUMBER,
    "subtotal": NUMBER,
    "currency": TEXT,
    "customer_name": TEXT,
    "customer_phone": TEXT,
    "customer_email": TEXT,
    "receiver_name": TEXT,
    "receiver_phone": TEXT,
    "skus": LIST,
    "products": LIST,
    "shipping_address": OBJECT,
    "dispatch_routing": OBJECT,
    "comment": TEXT,
}
_LEGACY_ORDER: dict[str, Schema] = {  # [ord]: the older order object, where a Linkit still answers it
    "source": TEXT,
    "external_id": TEXT,
    "status": TEXT,
    "discount": NUMBER,
    "tax": NUMBER,
    "notes": TEXT,
}
ORDERS = _record(
    "GET /api/v1/orders [ord2]: the UnifiedOrderPayload `order` of each entry with the envelope's other "
    "keys (spec_version) beside it; an entry in the older shape [ord] as it is",
    **_UNIFIED_ORDER,
    **_LEGACY_ORDER,
)
