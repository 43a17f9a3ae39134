"""meltano.yml's tap-linkit block matches `tap-linkit --about`, and Meltano runs the extractor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from sandbox.linkit import LinkitSandbox

from .conftest import ORG, ROOT, TOKEN, fill, messages

SDK_BUILTINS = ("stream_map", "flattening", "batch_config", "faker_config")
MELTANO = str(Path(sys.executable).with_name("meltano"))


def _block() -> dict:
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    return next(p for p in project["plugins"]["extractors"] if p["name"] == "tap-linkit")


def _about() -> dict[str, Any]:
    command = [sys.executable, "-m", "tap_linkit", "--about", "--format", "json"]
    answer = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60, cwd=ROOT)
    return dict(json.loads(answer.stdout))


def test_meltano_settings_match_about() -> None:
    """Each setting Meltano offers is the tap's: name and order, description, secret, default, options."""
    about = _about()
    block = _block()
    assert (block["executable"], block["namespace"], block["pip_url"]) == ("tap-linkit", "tap_linkit", "-e .")
    own = {k: v for k, v in about["settings"]["properties"].items() if not k.startswith(SDK_BUILTINS)}
    expected = [
        (name, p["description"], bool(p.get("secret")), p.get("default"), p.get("enum"))
        for name, p in own.items()
    ]
    offered = [
        (
            s["name"],
            s["description"],
            bool(s.get("sensitive")),
            s.get("value"),
            [o["value"] for o in s["options"]] if "options" in s else None,
        )
        for s in block["settings"]
    ]
    assert offered == expected
    assert next(s for s in block["settings"] if s["name"] == "api_token")["kind"] == "password"
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
    command = [MELTANO, "invoke", "tap-linkit"]
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    sent = messages(proc.stdout)
    streams = {m["stream"] for m in sent if m["type"] == "RECORD"}
    assert streams == {"products", "skus", "orders", "offers", "branches", "customers"}
    assert sent[-1]["value"]["sync_complete"]["streams"] == sorted(streams)
    assert TOKEN not in proc.stdout + proc.stderr
