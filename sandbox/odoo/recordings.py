"""Read the real Odoo 17 recordings in `recordings/` (and the records harvested from the cassettes)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "recordings"
CASSETTE_RECORDS = Path(__file__).parent / "cassette_records.json"


def recordings_dir() -> Path:
    """Folder of the recorded Odoo 17 data (fields_get, records, faults, version)."""
    return RECORDINGS


@functools.cache
def load_json(name: str) -> Any:
    """A top-level recording file, e.g. `faults.json`."""
    return json.loads((RECORDINGS / name).read_text(encoding="utf-8"))


def recorded_models() -> list[str]:
    """Names of the models that have a `fields_get.json`."""
    return sorted(p.name for p in RECORDINGS.iterdir() if (p / "fields_get.json").is_file())


def fields_get(model: str) -> dict[str, dict[str, Any]]:
    """The recorded full `fields_get()` of a model."""
    data: dict[str, dict[str, Any]] = json.loads((RECORDINGS / model / "fields_get.json").read_text("utf-8"))
    return data


def records(model: str) -> dict[str, Any]:
    """The recorded `search_read` of a model: {"records": [...], "fields": [...], ...}."""
    data: dict[str, Any] = json.loads((RECORDINGS / model / "records.json").read_text("utf-8"))
    return data


def cassette_records() -> dict[str, dict[str, dict[str, Any]]]:
    """Records seen in the cassettes' answers, {model: {id: {field: value}}} (see `harvest`)."""
    if not CASSETTE_RECORDS.is_file():
        return {}
    raw: dict[str, dict[str, dict[str, Any]]] = json.loads(CASSETTE_RECORDS.read_text("utf-8"))
    return raw
