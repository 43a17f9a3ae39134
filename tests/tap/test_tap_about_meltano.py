"""`tap-odoo --about` documents every setting, and meltano.yml's tap-odoo block matches it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SDK_BUILTINS = ("stream_map", "flattening", "batch_config", "faker_config")


def _about(fmt: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "tap_odoo", "--about", "--format", fmt],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_meltano_settings_match_about() -> None:
    about = json.loads(_about("json"))
    props = {k: v for k, v in about["settings"]["properties"].items() if not k.startswith(SDK_BUILTINS)}
    meltano = yaml.safe_load((ROOT / "meltano.yml").read_text())
    block = next(p for p in meltano["plugins"]["extractors"] if p["name"] == "tap-odoo")
    settings = {s["name"]: s for s in block["settings"]}
    assert list(settings) == list(props)
    for name, prop in props.items():
        setting = settings[name]
        assert setting["description"] == prop["description"], name
        secret = bool(prop.get("secret") or prop.get("writeOnly"))
        assert bool(setting.get("sensitive")) == secret, name
        if "enum" in prop:
            assert [o["value"] for o in setting["options"]] == prop["enum"], name
        if prop.get("default") is not None:
            assert setting.get("value") == prop["default"], name
    assert set(block["capabilities"]) == set(about["capabilities"])


def test_about_markdown_lists_every_setting() -> None:
    text = _about("markdown")
    for name in (
        "url",
        "api_key",
        "protocol",
        "models",
        "lang",
        "company_ids",
        "active_records",
        "page_size",
        "pagination",
        "domains",
        "full_sync_streams",
        "detect_deletions",
        "track_related_changes",
        "ignore_fields",
        "extra_fields",
        "fields",
        "include_binary",
        "timeout",
        "max_tries",
        "backoff_factor",
    ):
        assert f"| {name} |" in text, name
