"""Ways to run target-medusa in tests: in this process, or as a real subprocess."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from target_medusa.flow import Summary
from target_medusa.target import TargetMedusa

KEY = "medusa-secret-key-123"
ROOT = Path(__file__).resolve().parents[2]
TARGET = [sys.executable, "-c", "from target_medusa.target import cli; cli()"]


@dataclass
class Result:
    status: int
    summary: Summary | None
    stdout: str


def run_in_process(config: dict[str, Any], data: str) -> Result:
    """Run the target in this process (fast; used for behaviour tests)."""
    target = TargetMedusa(config=config, validate_config=True)
    out = io.StringIO()
    status = 0
    real = sys.stdout
    sys.stdout = out
    try:
        target.listen(file_input=io.StringIO(data))
    except SystemExit as exc:
        status = int(exc.code or 0)
    finally:
        sys.stdout = real
    summary = target.flow.summary if "flow" in target.__dict__ else None
    return Result(status, summary, out.getvalue())


def start_target(config: dict[str, Any], tmp_path: Path, name: str = "config.json") -> subprocess.Popen[str]:
    """The target as a real subprocess reading Singer messages on stdin."""
    path = tmp_path / name
    path.write_text(json.dumps(config))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [*TARGET, "--config", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def ledger_of(config: dict[str, Any]) -> Ledger:
    return Ledger(config["ledger_url"])


def events_sent(state: Any) -> dict[str, list[str]]:
    """Per Medusa order, its event types in the order of their first arrival (a repeat is not listed)."""
    out: dict[str, list[str]] = {}
    for event in state.order_events:
        kinds = out.setdefault(event["order"]["medusa_order_id"], [])
        if event["event_type"] not in kinds:
            kinds.append(event["event_type"])
    return out
