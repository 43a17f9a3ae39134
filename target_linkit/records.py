"""Tap records kept by id until a join reads them (branches, orders, offers)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def odoo_id(value: Any) -> int | None:
    """The id of a record or a many2one (`{id, name}`), else None."""
    if isinstance(value, Mapping):
        value = value.get("id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def take(table: dict[int, dict[str, Any]], record: Mapping[str, Any]) -> tuple[int, bool]:
    """Keep a tap record in its table by id; one deleted in Odoo (`_sdc_deleted_at`) leaves the table.
    (its id, whether it was a deletion); a record without an integer id is refused (ValueError)."""
    rid = odoo_id(record.get("id"))
    if rid is None:
        raise ValueError("the record has no integer id")
    if record.get("_sdc_deleted_at"):
        table.pop(rid, None)
        return rid, True
    table[rid] = dict(record)
    return rid, False
