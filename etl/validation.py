"""Payload validation against ``schemas/<platform>/<entity>.json`` (validators compiled once).

A valid payload is accepted by a compiled check (`etl.fastcheck`, ~12 us instead of ~200 us per product);
jsonschema stays the authority: it decides and explains every payload the fast check refuses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from etl.fastcheck import Check, compile_file
from etl.text import shorten

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
REASON_LIMIT = 300  # characters of one issue's reason: a 1 MB value is cut, not copied into dead letters
VALUE_SHOWN = 80  # characters of the offending value inside a reason


@dataclass(frozen=True)
class ValidationIssue:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class PayloadInvalid(ValueError):
    """A payload breaks the platform's schema; lists every issue with its JSON path."""

    def __init__(self, entity: str, key: str | None, issues: list[ValidationIssue]) -> None:
        self.entity = entity
        self.key = key
        self.issues = issues
        shown = "; ".join(str(i) for i in issues[:5])
        more = f" (+{len(issues) - 5} more)" if len(issues) > 5 else ""
        super().__init__(f"{entity} {key or '<no key>'}: payload invalid: {shown}{more}")


def json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _reason(error: jsonschema.ValidationError) -> str:
    """jsonschema's message with a long offending value cut (``'SSSS…[+999,940 chars]' is not of type``)."""
    message = error.message
    if len(message) <= REASON_LIMIT:
        return message
    shown = repr(error.instance)
    if len(shown) > VALUE_SHOWN and shown in message:
        message = message.replace(shown, shorten(shown, VALUE_SHOWN))
    return shorten(message, REASON_LIMIT)


class PayloadValidator:
    """Validates one platform's payloads; each entity's schema is compiled on first use, then reused."""

    def __init__(self, platform: str, schema_dir: str | Path | None = None) -> None:
        self.platform = platform
        self.schema_dir = Path(schema_dir) if schema_dir else SCHEMAS_DIR / platform
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._fast: dict[str, Check] = {}

    def schema_path(self, entity: str) -> Path:
        return self.schema_dir / f"{entity}.json"

    def has_schema(self, entity: str) -> bool:
        return entity in self._validators or self.schema_path(entity).is_file()

    def validator(self, entity: str) -> jsonschema.protocols.Validator:
        found = self._validators.get(entity)
        if found is None:
            path = self.schema_path(entity)
            if not path.is_file():
                raise FileNotFoundError(
                    f"no payload schema for {self.platform} entity {entity!r}: expected {path}"
                )
            schema = json.loads(path.read_text(encoding="utf-8"))
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            found = cls(schema, format_checker=cls.FORMAT_CHECKER)
            self._validators[entity] = found
        return found

    def fast_check(self, entity: str) -> Check:
        """The yes/no check of an entity: compiled when its schema allows, else jsonschema's ``is_valid``."""
        found = self._fast.get(entity)
        if found is None:
            slow = self.validator(entity)  # FileNotFoundError naming the file when there is no schema
            found = compile_file(self.schema_path(entity)) or slow.is_valid
            self._fast[entity] = found
        return found

    def is_valid(self, entity: str, payload: Any) -> bool:
        return self.fast_check(entity)(payload) or not self.issues(entity, payload)

    def issues(self, entity: str, payload: Any) -> list[ValidationIssue]:
        """Every issue of a payload (jsonschema, with JSON paths); empty when it is valid."""
        errors = sorted(self.validator(entity).iter_errors(payload), key=lambda e: list(map(str, e.path)))
        return [ValidationIssue(json_path(e.absolute_path), _reason(e)) for e in errors]

    def check(self, entity: str, payload: Any, key: str | None = None) -> None:
        """Raise :class:`PayloadInvalid` listing every issue; the fast check passes valid payloads."""
        if self.fast_check(entity)(payload):
            return
        issues = self.issues(entity, payload)
        if issues:
            raise PayloadInvalid(entity, key, issues)
