"""Payload schemas for Linkit and Magento, and the validator that applies them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from etl.validation import SCHEMAS_DIR, PayloadInvalid, PayloadValidator

VALID: dict[tuple[str, str], dict[str, Any]] = {
    ("linkit", "branch"): {
        "branch_iv_id": "WH1",
        "working_hours": [
            {"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0}
        ],
    },
    ("linkit", "product"): {"sku": "FURN_0009", "name": "Wall Shelf Unit", "price": 1.98, "currency": "KWD"},
    ("linkit", "sku_stock"): {"sku": "FURN_0009", "branch_iv_id": "WH", "quantity": 12},
    ("linkit", "products"): {"iv_id": "FURN_0009", "name_en": "Wall Shelf Unit", "average_price": 1.98},
    ("linkit", "skus"): {
        "iv_id": "FURN_0009_WH",
        "product_iv_id": "FURN_0009",
        "branch_iv_id": "WH",
        "qty": 12,
    },
    ("linkit", "sale_order"): {
        "order_ref": "S00001",
        "state": "sale",
        "total": 10.5,
        "lines": [{"sku": "A", "quantity": 1, "price": 10.5}],
    },
    ("linkit", "pos_order"): {
        "order_ref": "Shop/0001",
        "state": "paid",
        "source": "odoo-pos",
        "total": 3,
        "lines": [{"sku": "A", "quantity": 2, "price": 1.5}],
        "payments": [{"method": "Cash", "amount": 3}],
    },
    ("linkit", "customer"): {"erp_id": 7, "name": "Azure Interior", "email": "azure@example.com"},
    ("linkit", "offer"): {
        "remote_offer_id": "odoo:loyalty.program:3",
        "name": "10% on order",
        "offer_type": "direct_discount",
        "target_scope": "order",
        "discount_type": "percentage",
        "discount_value": 10,
    },
    ("linkit", "branches"): {
        "iv_id": "WH",
        "name_en": "Main",
        "active": True,
        "working_hours": [
            {"WeekDay": "Monday", "OpenHour": 8, "OpenMinute": 0, "CloseHour": 12, "CloseMinute": 0}
        ],
    },
    ("linkit", "customers"): {
        "first_name": "Wood Corner",
        "email": "wood.corner26@example.com",
        "phone": "+16238537197",
        "type": "corporate",
        "status": "active",
    },
    ("linkit", "sale_orders"): {
        "source": "odoo",
        "external_id": "S00004",
        "source_transaction_id": "odoo:sale.order:4",
        "destination_reference": "WH",
        "products": [{"product_id": "FURN_8888_WH", "name": "Office Lamp", "quantity": 10, "price": 45.0}],
        "total_amount": 517.5,
        "currency": "USD",
        "status": "confirmed",
    },
    ("linkit", "pos_orders"): {
        "source": "odoo-pos",
        "external_id": "Shop/0001",
        "source_transaction_id": "odoo:pos.order:1",
        "destination_reference": "WH",
        "products": [{"product_id": "FURN_0009_WH", "quantity": 1, "price": 1.98, "total": 1.98}],
        "total_amount": 1.98,
        "currency": "USD",
        "payment_status": "paid",
    },
    ("linkit", "order_status"): {"status": "cancelled"},
    ("linkit", "loyalty_offers"): {
        "remote_offer_id": "odoo:loyalty.program:2",
        "name": "Code for 10% on orders",
        "offer_type": "direct_discount",
        "status": "active",
        "target_scope": "order",
        "discount_type": "percentage",
        "discount_value": 10,
        "meta": {"trigger": "with_code", "minimum_amount": 50},
    },
    ("linkit", "pricelist_offers"): {
        "remote_offer_id": "odoo:product.pricelist.item:2",
        "name": "Public Pricelist: FURN_0269",
        "offer_type": "direct_discount",
        "status": "active",
        "target_scope": "product",
        "target_iv_id": "FURN_0269",
        "discount_type": "percentage",
        "discount_value": 20,
        "end_at": "2026-12-31T22:59:59Z",
    },
    ("magento", "product"): {
        "sku": "FURN_0009",
        "name": "Wall Shelf Unit",
        "attribute_set_id": 4,
        "price": 1.98,
        "status": 1,
        "visibility": 4,
        "type_id": "simple",
        "weight": 0.01,
        "extension_attributes": {"website_ids": [1], "category_links": [{"category_id": "3", "position": 0}]},
        "custom_attributes": [{"attribute_code": "url_key", "value": "wall-shelf-unit"}],
    },
    ("magento", "source_item"): {"sku": "FURN_0009", "source_code": "default", "quantity": 7, "status": 1},
    ("magento", "stock_item"): {"sku": "FURN_0009", "stockItem": {"qty": 7, "is_in_stock": True}},
    ("magento", "shipment"): {
        "order_id": 12,
        "items": [{"order_item_id": 3, "qty": 1}],
        "notify": True,
        "tracks": [{"track_number": "1Z999", "title": "UPS", "carrier_code": "ups"}],
        "arguments": {"extension_attributes": {"source_code": "ne_wh"}},
    },
    ("magento", "category"): {"name": "Office Furniture", "parent_id": 2, "is_active": True},
}


def all_schema_files() -> list[Path]:
    return sorted([*SCHEMAS_DIR.glob("linkit/*.json"), *SCHEMAS_DIR.glob("magento/*.json")])


@pytest.mark.parametrize("path", all_schema_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_schema_is_valid_and_has_a_valid_example(path: Path) -> None:
    schema = json.loads(path.read_text())
    jsonschema.validators.validator_for(schema).check_schema(schema)
    assert (path.parent.name, path.stem) in VALID, "add a valid example for this schema"
    PayloadValidator(path.parent.name).check(path.stem, VALID[(path.parent.name, path.stem)])


@pytest.mark.parametrize(
    ("platform", "entity", "change", "path", "reason"),
    [
        ("magento", "source_item", {"quantity": -1}, "$.quantity", "less than the minimum"),
        ("magento", "source_item", {"status": 2}, "$.status", "is not one of"),
        ("magento", "product", {"type_id": "kit"}, "$.type_id", "is not one of"),
        (
            "magento",
            "shipment",
            {"items": [{"order_item_id": 0, "qty": 1}]},
            "$.items[0].order_item_id",
            "minimum",
        ),
        ("linkit", "offer", {"remote_offer_id": "loyalty-3"}, "$.remote_offer_id", "does not match"),
        ("linkit", "offer", {"target_scope": "product"}, "$", "'skus' is a required property"),
        ("linkit", "offer", {"offer_type": "bogo"}, "$.offer_type", "was expected"),
        ("linkit", "pos_order", {"source": "odoo"}, "$.source", "was expected"),
        ("linkit", "branch", {"working_hours": [{"WeekDay": "Funday"}]}, "$.working_hours", "not valid"),
        ("linkit", "sku_stock", {"branch_iv_id": ""}, "$.branch_iv_id", "should be non-empty"),
        (
            "linkit",
            "branches",
            {"working_hours": {"monday": {"open": "25:00", "close": "26:00"}}},
            "$.working_hours",
            "not valid",
        ),
        ("linkit", "customers", {"phone": "0501234567"}, "$.phone", "does not match"),
        (
            "linkit",
            "sale_orders",
            {"products": [{"quantity": 1.5, "price": 1}]},
            "$.products[0].quantity",
            "integer",
        ),
        ("linkit", "pos_orders", {"source": "odoo"}, "$.source", "was expected"),
        ("linkit", "pricelist_offers", {"target_iv_id": None}, "$.target_iv_id", "is not of type"),
        (
            "linkit",
            "loyalty_offers",
            {"target_scope": "product"},
            "$",
            "'target_iv_id' is a required property",
        ),
    ],
)
def test_invalid_payloads_report_path_and_reason(
    platform: str, entity: str, change: dict[str, Any], path: str, reason: str
) -> None:
    payload = {**VALID[(platform, entity)], **change}
    validator = PayloadValidator(platform)
    issues = validator.issues(entity, payload)
    assert any(i.path == path and reason in i.reason for i in issues), issues
    with pytest.raises(PayloadInvalid) as err:
        validator.check(entity, payload, key="K1")
    assert "K1" in str(err.value) and path in str(err.value)


def test_missing_field_and_many_issues() -> None:
    validator = PayloadValidator("magento")
    issues = validator.issues("product", {"sku": ""})
    reasons = " | ".join(str(i) for i in issues)
    assert "$.sku: '' should be non-empty" in reasons
    assert (
        "'name' is a required property" in reasons and "'attribute_set_id' is a required property" in reasons
    )


def test_validators_are_compiled_once(tmp_path: Path) -> None:
    (tmp_path / "thing.json").write_text(json.dumps({"type": "object", "required": ["a"]}))
    validator = PayloadValidator("custom", schema_dir=tmp_path)
    assert validator.has_schema("thing") and not validator.has_schema("other")
    first = validator.validator("thing")
    (tmp_path / "thing.json").write_text("not json any more")  # a second read would fail
    assert validator.validator("thing") is first
    assert validator.issues("thing", {})[0].reason == "'a' is a required property"
    with pytest.raises(FileNotFoundError, match="no payload schema for custom entity 'other'"):
        validator.check("other", {})
