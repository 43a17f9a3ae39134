"""Real recorded Odoo 17 records (sandbox/odoo/recordings), put through tap-odoo's own schema and normaliser,
so the target reads exactly what tap-odoo emits for them (many2one {id, name}, False -> null, UTC times)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from tap_odoo.schema import Normaliser, default_fields, stream_schema

RECORDINGS = Path(__file__).resolve().parents[2] / "sandbox" / "odoo" / "recordings"


@cache
def _stream(model: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    fields_get = json.loads((RECORDINGS / model / "fields_get.json").read_text())
    names = default_fields(fields_get)
    normalise = Normaliser(fields_get, names).fn
    rows = json.loads((RECORDINGS / model / "records.json").read_text())["records"]
    return stream_schema(fields_get, names), [normalise({k: r[k] for k in names if k in r}) for r in rows]


def schema(model: str, *extra: str) -> dict[str, Any]:
    """The stream's SCHEMA as tap-odoo builds it (``extra``: fields an addon adds, as many2one)."""
    out = copy.deepcopy(_stream(model)[0])
    for name in extra:
        out["properties"][name] = {"type": ["object", "null"], "properties": {"id": {"type": ["integer"]}}}
    return out


def records(model: str) -> list[dict[str, Any]]:
    """The recorded records as tap-odoo emits them (copies: a test may change them)."""
    return copy.deepcopy(_stream(model)[1])
