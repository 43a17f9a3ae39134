"""meltano.yml's tap-medusa block matches `tap-medusa --about`, and Meltano runs the extractor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from sandbox.medusa import MedusaSandbox

from .conftest import KEY, ROOT

SDK_BUILTINS = ("stream_map", "flattening", "batch_config", "faker_config")
MELTANO = str(Path(sys.executable).with_name("meltano"))


def _project() -> dict:
    return yaml.safe_load((ROOT / "meltano.yml").read_text())


def test_meltano_settings_match_about() -> None:
    about = json.loads(
        subprocess.run(
            [sys.executable, "-m", "tap_medusa", "--about", "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            cwd=ROOT,
        ).stdout
    )
    props = {k: v for k, v in about["settings"]["properties"].items() if not k.startswith(SDK_BUILTINS)}
    block = next(p for p in _project()["plugins"]["extractors"] if p["name"] == "tap-medusa")
    assert block["executable"] == "tap-medusa" and block["namespace"] == "tap_medusa"
    assert block["pip_url"] == "-e ."
    settings = {s["name"]: s for s in block["settings"]}
    assert list(settings) == list(props)
    for name, prop in props.items():
        setting = settings[name]
        assert setting["description"] == prop["description"], name
        assert bool(setting.get("sensitive")) == bool(prop.get("secret") or prop.get("writeOnly")), name
        if "enum" in prop:
            assert [o["value"] for o in setting["options"]] == prop["enum"], name
        if prop.get("default") is not None:
            assert setting.get("value") == prop["default"], name
    assert settings["api_key"]["kind"] == "password"
    assert set(block["capabilities"]) == set(about["capabilities"])


def test_dev_points_at_the_sandbox_and_prod_at_the_environment() -> None:
    envs = {e["name"]: e["config"]["plugins"]["extractors"] for e in _project()["environments"]}
    dev = next(p for p in envs["dev"] if p["name"] == "tap-medusa")["config"]
    assert dev == {"api_url": "http://127.0.0.1:9000", "api_key": "sandbox-medusa-key"}
    prod = next(p for p in envs["prod"] if p["name"] == "tap-medusa")["config"]
    assert prod == {"api_url": "$MEDUSA_URL", "api_key": "$MEDUSA_API_KEY"}


def test_meltano_invokes_the_extractor(meltano_env: dict[str, str], medusa: MedusaSandbox) -> None:
    ids = [medusa.state.add_order()["id"] for _ in range(3)]
    medusa.state.add_customer("a@example.com")
    env = dict(meltano_env, MELTANO_ENVIRONMENT="dev", TAP_MEDUSA_API_URL=medusa.url, TAP_MEDUSA_API_KEY=KEY)
    proc = subprocess.run(
        [MELTANO, "invoke", "tap-medusa"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    orders = [m["record"]["id"] for m in records if m.get("type") == "RECORD" and m["stream"] == "orders"]
    assert orders == ids
    assert KEY not in proc.stdout + proc.stderr
