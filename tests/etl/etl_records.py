"""Real recorded Odoo 17 records, shaped as tap-odoo emits them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).resolve().parents[2] / "sandbox" / "odoo" / "recordings"


def tap_shape(model: str, raw: dict[str, Any]) -> dict[str, Any]:
    """What tap-odoo emits for a raw search_read row: many2one -> {id, name}, False -> None (non-boolean)."""
    fields = json.loads((RECORDINGS / model / "fields_get.json").read_text())
    out: dict[str, Any] = {}
    for name, value in raw.items():
        ftype = fields.get(name, {}).get("type")
        if ftype == "boolean":
            out[name] = bool(value)
        elif value is False:
            out[name] = None
        elif ftype == "many2one" and isinstance(value, list):
            out[name] = {"id": value[0], "name": value[1]}
        else:
            out[name] = value
    return out


def recorded(model: str) -> list[dict[str, Any]]:
    doc = json.loads((RECORDINGS / model / "records.json").read_text())
    return [tap_shape(model, r) for r in doc["records"]]
