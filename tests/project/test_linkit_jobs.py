"""meltano.yml's Linkit plugins follow the code: each job's field lists are what target-linkit's mapping needs
(no field left out, which would stop the target at start; none read for nothing), and the loader offers the
target's own settings under their own names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from etl.mapping import load_mapping
from target_linkit.flow import stream_needs
from target_linkit.mapping import DEFAULT_MAPPING
from target_linkit.target import CONFIG_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
PROJECT = yaml.safe_load((ROOT / "meltano.yml").read_text())


def plugin(kind: str, name: str) -> dict[str, Any]:
    return next(p for p in PROJECT["plugins"][kind] if p["name"] == name)


def linkit_extractors() -> list[dict[str, Any]]:
    return [e for e in PROJECT["plugins"]["extractors"] if e["name"].startswith("tap-odoo-linkit")]


def test_each_linkit_job_reads_exactly_the_fields_the_mapping_needs() -> None:
    mapping = load_mapping(None, DEFAULT_MAPPING)
    checked = 0
    for extractor in linkit_extractors():
        for stream, listed in (extractor["config"].get("fields") or {}).items():
            needed = set(stream_needs(mapping, {}, stream)) - {"id"}  # id is always read
            assert set(listed) == needed, (extractor["name"], stream)
            checked += 1
    assert checked >= 1


def test_every_stream_the_mapping_takes_is_read_by_a_job() -> None:
    models = {m.replace(".", "_") for e in linkit_extractors() for m in e["config"].get("models", [])}
    if any(e["config"].get("stock_levels") for e in linkit_extractors()):
        models.add("stock_levels")
    wanted = {s for spec in load_mapping(None, DEFAULT_MAPPING).entities.values() for s in spec.streams}
    assert wanted <= models, sorted(wanted - models)


def test_loader_settings_are_the_targets_settings() -> None:
    offered = {s["name"] for s in plugin("loaders", "target-linkit")["settings"]}
    own = set(CONFIG_SCHEMA["properties"])
    assert offered <= own, sorted(offered - own)
    assert {"api_url", "api_token", "branches", "quantity_field", "safety_stock"} <= offered
    secrets = {s["name"] for s in plugin("loaders", "target-linkit")["settings"] if s.get("sensitive")}
    assert {"api_token", "ledger_url"} <= secrets


def test_linkit_jobs_and_schedules() -> None:
    jobs = {j["name"]: j["tasks"] for j in PROJECT["jobs"]}
    assert jobs["odoo-to-linkit-stock"] == ["tap-odoo-linkit-stock target-linkit"]
    assert any("target-linkit" in t for t in jobs["odoo-to-linkit"])
    schedules = {s["job"]: s["interval"] for s in PROJECT["schedules"]}
    assert schedules["odoo-to-linkit"] == "*/30 * * * *"
    assert schedules["odoo-to-linkit-stock"] == "*/15 * * * *"


def test_linkit_to_odoo_job_reads_what_the_odoo_mapping_takes() -> None:
    from target_odoo.flow import MAPPINGS

    jobs = {j["name"]: j["tasks"] for j in PROJECT["jobs"]}
    assert jobs["linkit-to-odoo"] == ["tap-linkit-for-odoo target-odoo-linkit"]
    assert plugin("loaders", "target-odoo-linkit")["config"]["source"] == "linkit"
    selected = {s.split(".")[0] for s in plugin("extractors", "tap-linkit-for-odoo")["select"]}
    taken = {
        s for spec in load_mapping(None, MAPPINGS / "linkit.json").entities.values() for s in spec.streams
    }
    assert selected == taken
    schedules = {s["job"]: s["interval"] for s in PROJECT["schedules"]}
    assert schedules["linkit-to-odoo"] == "*/30 * * * *"


def test_target_odoo_loader_offers_its_settings() -> None:
    from target_odoo.target import CONFIG_SCHEMA as ODOO_SCHEMA

    offered = {s["name"] for s in plugin("loaders", "target-odoo")["settings"]}
    assert offered <= set(ODOO_SCHEMA["properties"])
    assert {"source", "branch_calendar_field", "overnight_hours", "flow_name"} <= offered
