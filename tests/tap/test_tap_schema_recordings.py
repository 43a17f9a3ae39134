"""Every record the real Odoo 17 server returned validates against the schema the tap discovers."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from tap_odoo.schema import Normaliser, default_fields, field_schema, stream_schema, to_odoo_datetime

RECORDINGS = Path(__file__).resolve().parents[2] / "sandbox" / "odoo" / "recordings"
MODELS = sorted(p.name for p in RECORDINGS.iterdir() if (p / "fields_get.json").exists())


def _load(model: str) -> tuple[dict, dict]:
    fields_get = json.loads((RECORDINGS / model / "fields_get.json").read_text())
    records = json.loads((RECORDINGS / model / "records.json").read_text())
    return fields_get, records


def test_all_recorded_models_present() -> None:
    assert len(MODELS) >= 29


@pytest.mark.parametrize("model", MODELS)
def test_recorded_records_validate_after_normalisation(model: str) -> None:
    fields_get, recorded = _load(model)
    # the recordings read every stored non-binary field, which includes bookkeeping fields:
    # validate the schema built for exactly those fields, and the default set as a subset
    names = [name for name in recorded["fields"] if field_schema(fields_get[name]) is not None]
    schema = stream_schema(fields_get, names)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    normalise = Normaliser(fields_get, names)
    for row in recorded["records"]:
        record = normalise(copy.deepcopy(row))
        errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(record)]
        assert not errors, f"{model} id={row['id']}: {errors[:3]}"
        for name, value in record.items():
            kind = fields_get[name]["type"] if name != "id" else "integer"
            if kind != "boolean":
                assert value is not False, f"{model}.{name} kept Odoo's False"
            if kind == "many2one" and value is not None:
                assert set(value) == {"id", "name"}
            if kind == "datetime" and value is not None:
                assert value.endswith("+00:00") and "T" in value

    defaults = default_fields(fields_get)
    assert "id" in defaults
    assert not any(name.startswith(("message_", "activity_")) for name in defaults)
    assert not any(fields_get[name]["type"] == "binary" for name in defaults if name != "id")


def test_type_mapping_and_labels() -> None:
    fields_get, _ = _load("product.product")
    schema = stream_schema(fields_get, default_fields(fields_get))
    props = schema["properties"]
    assert props["categ_id"]["type"] == [
        "object",
        "null",
    ]  # related non-stored many2one is in the default set
    assert props["categ_id"]["description"] == "Product Category"
    assert props["write_date"]["format"] == "date-time"
    assert props["active"]["type"] == ["boolean"]
    assert props["stock_move_ids"]["items"] == {"type": ["integer"]}
    assert "qty_available" not in props  # computed, not stored: only via extra_fields
    with_extra = default_fields(fields_get, extra_fields=["qty_available"])
    assert "qty_available" in with_extra
    assert "image_variant_1920" not in props
    assert "image_variant_1920" in default_fields(fields_get, include_binary=True)
    only = default_fields(fields_get, only_fields=["name", "default_code"])
    assert only == ["id", "default_code", "name", "write_date"]
    assert "barcode" not in default_fields(fields_get, ignore_fields=["barcode"])


def test_odoo_datetime_round_trip() -> None:
    assert to_odoo_datetime("2026-11-22T13:40:12+00:00") == "2026-11-22 13:40:12"
    assert to_odoo_datetime("2026-11-22T15:40:12+02:00") == "2026-11-22 13:40:12"
    assert to_odoo_datetime("2026-11-22T13:40:12Z") == "2026-11-22 13:40:12"
    assert to_odoo_datetime("2026-11-22") == "2026-11-22 00:00:00"
