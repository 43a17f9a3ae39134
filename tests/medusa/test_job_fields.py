"""The field lists the shipped jobs read follow from the mapping: no field the mapping needs is left out (the
target would stop at start), none is read for nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from etl.mapping import load_mapping
from target_medusa.flow import stream_needs
from target_medusa.mapping import DEFAULT_MAPPING

ROOT = Path(__file__).resolve().parents[2]


def extractor(name: str) -> dict[str, Any]:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    return next(e for e in project["plugins"]["extractors"] if e["name"] == name)


def test_catalogue_job_reads_exactly_the_product_fields_the_mapping_needs() -> None:
    listed = set(extractor("tap-odoo-medusa-catalogue")["config"]["fields"]["product_product"])
    needed = set(stream_needs(load_mapping(None, DEFAULT_MAPPING), {}, "product_product")) - {"id"}
    assert listed == needed  # id is always read


def test_settings_that_name_fields_add_them_to_what_the_stream_must_carry() -> None:
    mapping = load_mapping(None, DEFAULT_MAPPING)
    needs = stream_needs(
        mapping, {"brand_field": "x_brand", "title_ar_field": "x_name_ar"}, "product_product"
    )
    assert (
        needs["x_brand"] == "the setting brand_field" and needs["x_name_ar"] == "the setting title_ar_field"
    )
    assert needs["lst_price"] == "product.price" and "display_name" not in needs
    stock = stream_needs(mapping, {"quantity_field": "free_qty"}, "stock_levels")
    assert "free_qty" in stock and "qty_available" not in stock
