"""The compiled payload check (etl.fastcheck) and PayloadValidator's fast path: never says yes where
jsonschema says no, and is what PayloadValidator uses for a schema it can compile."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_etl_validation import VALID

from etl.fastcheck import Unsupported, compile_file, compile_schema
from etl.validation import SCHEMAS_DIR, PayloadInvalid, PayloadValidator

SAMPLES: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    2.5,
    -0.5,
    10**12,
    "",
    "a",
    "x" * 400,
    "A-1",
    [],
    [1],
    {},
]

KEYWORD_CASES: list[tuple[dict[str, Any], list[Any]]] = [
    ({"type": "integer"}, SAMPLES),
    ({"type": "number"}, SAMPLES),
    ({"type": ["string", "null"]}, SAMPLES),
    ({"type": ["integer", "string", "boolean"]}, SAMPLES),
    ({"type": "object", "required": ["a"]}, [{}, {"a": None}, {"b": 1}, [], "a"]),
    (
        {"properties": {"a": {"type": "string"}}, "additionalProperties": False},
        [{"a": "x"}, {"a": 1}, {"b": 1}],
    ),
    ({"properties": {"a": {"minimum": 0}}}, [{"a": -1}, {"a": 0}, {"a": "-1"}, {"a": True}]),
    ({"minLength": 2, "maxLength": 3}, ["", "ab", "abcd", 12345, None]),
    ({"pattern": "^[A-Z]+-\\d$"}, ["A-1", "a-1", "xA-1", 7]),
    ({"minimum": 1, "maximum": 3}, [0, 1, 3, 3.5, "2", False]),
    ({"exclusiveMinimum": 0, "exclusiveMaximum": 10}, [0, 0.1, 10, 9.9, None]),
    ({"const": 1}, [1, True, "1", 2]),
    ({"enum": ["a", 0, None]}, ["a", 0, False, None, "b"]),
    ({"items": {"type": "integer"}, "minItems": 1, "maxItems": 2}, [[], [1], [1, 2, 3], ["a"], "ab"]),
    ({"allOf": [{"minimum": 0}, {"maximum": 5}]}, [-1, 0, 5, 6]),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, ["a", 1, 1.5, None]),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, [1, -1, 0.5, -0.5]),
]


@pytest.mark.parametrize(("schema", "values"), KEYWORD_CASES, ids=lambda x: json.dumps(x)[:40])
def test_each_keyword_answers_like_jsonschema(schema: dict[str, Any], values: list[Any]) -> None:
    check = compile_schema(schema, SCHEMAS_DIR)
    slow = jsonschema.Draft202012Validator(schema)
    for value in values:
        assert check(value) == slow.is_valid(value), (schema, value)


@pytest.mark.parametrize(
    "keyword", [{"format": "email"}, {"patternProperties": {}}, {"exclusiveMinimum": True}]
)
def test_keywords_beyond_the_subset_are_not_compiled(keyword: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(Unsupported):
        compile_schema({"type": "object", "properties": {"a": keyword}}, tmp_path)
    path = tmp_path / "thing.json"
    path.write_text(json.dumps({"type": "object", "properties": {"a": keyword}}))
    assert compile_file(path) is None


def corrupt(value: Any, rng: random.Random) -> Any:
    """A copy of ``value`` with random fields dropped, replaced or added (deep)."""
    if isinstance(value, dict):
        out = {k: corrupt(v, rng) for k, v in value.items() if rng.random() > 0.05}
        if rng.random() < 0.05:
            out["unexpected_" + str(rng.randint(0, 9))] = rng.choice(SAMPLES)
        return out
    if isinstance(value, list):
        return [corrupt(v, rng) for v in value if rng.random() > 0.05]
    return rng.choice(SAMPLES) if rng.random() < 0.15 else value


def medusa_examples() -> dict[str, dict[str, Any]]:
    product = {
        "sku": "FURN-0001",
        "title": "Desk",
        "price": 1500,
        "currency_code": "kwd",
        "weight": 1200.0,
        "images": [{"url": "https://odoo.example/1.png", "position": 0, "is_thumbnail": True}],
        "inventory": {"quantity": 3, "manage_inventory": True},
    }
    return {
        "product": product,
        "inventory": {"sku": "FURN-0001", "quantity": 3},
    }


def examples() -> list[tuple[Path, Any]]:
    """(schema file, valid payload) for every schema the fast check compiles (the others use jsonschema)."""
    found = [
        (SCHEMAS_DIR / platform / f"{entity}.json", payload) for (platform, entity), payload in VALID.items()
    ]
    found += [(SCHEMAS_DIR / "medusa" / f"{e}.json", p) for e, p in medusa_examples().items()]
    return [(path, payload) for path, payload in found if compile_file(path) is not None]


@pytest.mark.parametrize(("path", "payload"), examples(), ids=lambda x: getattr(x, "stem", ""))
def test_compiled_check_never_accepts_what_jsonschema_refuses(path: Path, payload: Any) -> None:
    check = compile_file(path)
    assert check is not None
    schema = json.loads(path.read_text())
    slow = jsonschema.validators.validator_for(schema)(schema)
    assert slow.is_valid(payload) and check(payload), "the fast path must take a valid payload"
    rng = random.Random(path.stem)
    refused = 0
    for _ in range(400):
        bad = corrupt(payload, rng)
        fast, right = check(bad), slow.is_valid(bad)
        assert not fast or right, f"{path.name}: compiled check took an invalid payload {bad!r}"
        refused += not right
    assert refused, "the corruptions should produce invalid payloads"


def test_validator_uses_the_compiled_check_and_jsonschema_explains(tmp_path: Path) -> None:
    (tmp_path / "item.json").write_text(
        json.dumps(
            {"type": "object", "required": ["sku"], "properties": {"qty": {"type": "integer", "minimum": 0}}}
        )
    )
    (tmp_path / "mail.json").write_text(
        json.dumps({"properties": {"to": {"type": "string", "format": "email"}}})
    )
    validator = PayloadValidator("shop", tmp_path)
    compiled = validator.fast_check("item")
    assert compiled is not validator.validator("item").is_valid  # the compiled closure, not jsonschema
    assert validator.fast_check("mail") == validator.validator("mail").is_valid  # format: jsonschema only
    validator.check("item", {"sku": "A", "qty": 2})
    assert validator.is_valid("item", {"sku": "A"}) and not validator.is_valid("item", {"qty": 1})
    with pytest.raises(PayloadInvalid) as caught:
        validator.check("item", {"qty": -1}, key="A")
    assert "$.qty: -1 is less than the minimum of 0" in str(caught.value)
    assert "'sku' is a required property" in str(caught.value)
    with pytest.raises(FileNotFoundError, match=r"nothing\.json"):
        validator.fast_check("nothing")
