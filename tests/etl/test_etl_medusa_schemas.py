"""The Medusa payload schemas check only what seed 002 states, plus Node.js's safe-integer bound on amounts.

A good product is never refused for a limit the seed does not set (a Code128 barcode, a long SKU or title);
an amount Medusa would read as a different number (above Number.MAX_SAFE_INTEGER) is refused, naming the
field. The compiled fast check agrees with jsonschema on every case.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from etl.fastcheck import compile_file
from etl.validation import SCHEMAS_DIR, PayloadInvalid, PayloadValidator

MAX_SAFE = 2**53 - 1  # Number.MAX_SAFE_INTEGER


def product(**over: Any) -> dict[str, Any]:
    return {"sku": "FURN-0001", "title": "Desk", "price": 1500, "currency_code": "kwd", **over}


GOOD: dict[str, tuple[str, dict[str, Any]]] = {
    "Code128 barcode": ("product", product(barcode="ABC-123-xyz")),
    "lettered barcode": ("product", product(barcode="ISBN 978-3-16-148410-0")),
    "100-character SKU": ("product", product(sku="S" * 100)),
    "300-character title": ("product", product(title="T" * 300)),
    "long Arabic title and brand": ("product", product(title_ar="ع" * 1000, brand="B" * 500)),
    "SKU with spaces around": ("product", product(sku=" A 1 ")),
    "price at the safe bound": ("product", product(price=MAX_SAFE, cost_price=MAX_SAFE)),
    "stock at the safe bound": ("inventory", {"sku": "S" * 100, "quantity": MAX_SAFE}),
}

BAD: dict[str, tuple[str, dict[str, Any], str]] = {
    "price 1e23 fils (float)": ("product", product(price=1e23), "$.price"),
    "price 10**23 fils (int)": ("product", product(price=10**23), "$.price"),
    "price one above the bound": ("product", product(price=MAX_SAFE + 1), "$.price"),
    "compare_at_price": ("product", product(compare_at_price=10**20), "$.compare_at_price"),
    "cost_price": ("product", product(cost_price=10**20), "$.cost_price"),
    "product inventory quantity": (
        "product",
        product(inventory={"quantity": 10**20, "manage_inventory": True}),
        "$.inventory.quantity",
    ),
    "stock quantity": ("inventory", {"sku": "A", "quantity": 1e20}, "$.quantity"),
    "missing SKU": ("product", {"title": "Desk", "price": 1}, "'sku' is a required property"),
}


@pytest.mark.parametrize("case", GOOD, ids=str)
def test_limits_the_seed_does_not_set_refuse_nothing(case: str) -> None:
    entity, payload = GOOD[case]
    validator = PayloadValidator("medusa")
    assert validator.issues(entity, payload) == []
    validator.check(entity, payload, key="K")  # no PayloadInvalid
    check = compile_file(SCHEMAS_DIR / "medusa" / f"{entity}.json")
    assert check is not None and check(payload), "the compiled check must agree with jsonschema"


@pytest.mark.parametrize("case", BAD, ids=str)
def test_amounts_beyond_the_safe_integer_are_refused_naming_the_field(case: str) -> None:
    entity, payload, needle = BAD[case]
    validator = PayloadValidator("medusa")
    with pytest.raises(PayloadInvalid) as err:
        validator.check(entity, payload, key="K")
    assert needle in str(err.value)
    if needle.startswith("$."):
        (issue,) = validator.issues(entity, payload)
        assert issue.path == needle and "greater than the maximum of 9007199254740991" in issue.reason
    check = compile_file(SCHEMAS_DIR / "medusa" / f"{entity}.json")
    assert check is not None and not check(payload), "the compiled check must agree with jsonschema"


def test_every_integer_amount_and_quantity_is_bounded() -> None:
    """Every integer money amount or quantity in the Medusa schemas carries the safe-integer maximum."""
    names = {"price", "compare_at_price", "cost_price", "quantity", "amount_total"}
    found = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if key in names and isinstance(sub, dict):
                    found.append(f"{where}.{key}")
                    assert sub.get("maximum") == MAX_SAFE, f"{where}.{key} has no safe-integer maximum"
            for value in node.values():
                walk(value, where)

    for path in sorted((SCHEMAS_DIR / "medusa").glob("*.json")):
        walk(json.loads(path.read_text()), path.stem)
    assert {"product.price", "product.quantity", "inventory.quantity", "order_status.amount_total"} <= set(
        found
    )


def test_no_length_or_barcode_limit_is_left_in_the_medusa_schemas() -> None:
    for path in (SCHEMAS_DIR / "medusa").glob("*.json"):
        text = path.read_text()
        assert "maxLength" not in text, f"{path.name}: seed 002 sets no length limit"
        assert "[0-9]{8,14}" not in text, f"{path.name}: seed 002 sets no barcode format"
