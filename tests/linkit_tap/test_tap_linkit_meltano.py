"""meltano.yml's tap-linkit block matches `tap-linkit --about`, and Meltano runs the extractor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from sandbox.linkit import LinkitSandbox

from .conftest import ORG, ROOT, TOKEN, fill, messages

SDK_BUILTINS = ("stream_map", "flattening", "batch_config", "faker_config")
MELTANO = str(Path(sys.executable).with_name("meltano"))


def _block() -> dict:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    return next(p for p in project["plugins"]["extractors"] if p["name"] == "tap-linkit")


def test_meltano_settings_match_about() -> None:
    about = json.loads(
        subprocess.run(
            [sys.executable, "-m", "tap_linkit", "--about", "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            cwd=ROOT,
        ).stdout
    )
    props = {k: v for k, v in about["settings"]["properties"].items() if not k.startswith(SDK_BUILTINS)}
    block = _block()
    assert (block["executable"], block["namespace"], block["pip_url"]) == ("tap-linkit", "tap_linkit", "-e .")
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
    assert settings["api_token"]["kind"] == "password"
    assert set(block["capabilities"]) == set(about["capabilities"])


def test_meltano_invokes_the_extractor(meltano_env: dict[str, str], linkit: LinkitSandbox) -> None:
    fill(linkit)
    env = dict(
        meltano_env,
        MELTANO_ENVIRONMENT="dev",
        TAP_LINKIT_API_URL=linkit.api_url,
        TAP_LINKIT_API_TOKEN=TOKEN,
        TAP_LINKIT_ORGANIZATION_ID=ORG,
    )
    proc = subprocess.run(
        [MELTANO, "invoke", "tap-linkit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    sent = messages(proc.stdout)
    streams = {m["stream"] for m in sent if m["type"] == "RECORD"}
    assert streams == {"products", "skus", "orders", "offers", "branches", "customers"}
    assert sent[-1]["value"]["sync_complete"]["streams"] == sorted(streams)
    assert TOKEN not in proc.stdout + proc.stderr
