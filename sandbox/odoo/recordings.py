"""Read the real Odoo recordings: 17 in `recordings/` (plus the records harvested from the cassettes), 19 in
`recordings19/` (a copy of shared/fixtures/odoo19: fields_get, records, faults, version, notable reads)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "recordings"
RECORDINGS_19 = Path(__file__).parent / "recordings19"
CASSETTE_RECORDS = Path(__file__).parent / "cassette_records.json"


def recordings_dir(major: int = 17) -> Path:
    """Folder of the recorded data of an Odoo major version: 19 for 19+, else the Odoo 17 recordings."""
    return RECORDINGS_19 if major >= 19 else RECORDINGS


@functools.cache
def load_json(name: str, major: int = 17) -> Any:
    """A top-level recording file, e.g. `faults.json`."""
    return json.loads((recordings_dir(major) / name).read_text(encoding="utf-8"))


def recorded_models(major: int = 17) -> list[str]:
    """Names of the models that have a `fields_get.json`."""
    root = recordings_dir(major)
    return sorted(p.name for p in root.iterdir() if (p / "fields_get.json").is_file())


def fields_get(model: str, major: int = 17) -> dict[str, dict[str, Any]]:
    """The recorded full `fields_get()` of a model."""
    path = recordings_dir(major) / model / "fields_get.json"
    data: dict[str, dict[str, Any]] = json.loads(path.read_text("utf-8"))
    return data


def records(model: str, major: int = 17) -> dict[str, Any]:
    """The recorded `search_read` of a model: {"records": [...], "fields": [...], ...}."""
    data: dict[str, Any] = json.loads((recordings_dir(major) / model / "records.json").read_text("utf-8"))
    return data


def cassette_records(major: int = 17) -> dict[str, dict[str, dict[str, Any]]]:
    """Records seen in the 17 cassettes' answers, {model: {id: {field: value}}} (see `harvest`); 19: none."""
    if major >= 19 or not CASSETTE_RECORDS.is_file():
        return {}
    raw: dict[str, dict[str, dict[str, Any]]] = json.loads(CASSETTE_RECORDS.read_text("utf-8"))
    return raw
