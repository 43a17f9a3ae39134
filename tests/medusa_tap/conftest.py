"""Fixtures and helpers: a Medusa sandbox on a free port (seed 002's answers), and tap-medusa run against it
in this process (messages parsed) or as the real console script (exit status, stderr)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sandbox.medusa import MedusaSandbox, serve_medusa
from tap_medusa.tap import TapMedusa

KEY = "tap-medusa-secret-key-42"
ROOT = Path(__file__).resolve().parents[2]
TAP = [sys.executable, "-c", "from tap_medusa.tap import main; main()"]


@dataclass
class Run:
    """The Singer messages of one tap run."""

    messages: list[dict[str, t.Any]]
    records_by_stream: dict[str, list[dict[str, t.Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for message in self.messages:
            if message["type"] == "RECORD":
                self.records_by_stream.setdefault(message["stream"], []).append(message["record"])

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return self.records_by_stream.get(stream, [])

    def ids(self, stream: str) -> list[str]:
        return [r["id"] for r in self.records(stream)]

    @property
    def state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}


def tap_config(medusa: MedusaSandbox, **extra: t.Any) -> dict[str, t.Any]:
    """Config for the sandbox: fast retries, no lookback (tests that want one say so)."""
    config: dict[str, t.Any] = {
        "api_url": medusa.url,
        "api_key": KEY,
        "backoff_factor": 0.01,
        "lookback_days": 0,
    }
    config.update(extra)
    return config


def run_tap(config: dict[str, t.Any], state: dict[str, t.Any] | None = None) -> Run:
    """Sync every stream once in this process; the parsed stdout."""
    tap = TapMedusa(config=config, state=state or {})
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    return Run([json.loads(line) for line in out.getvalue().splitlines() if line.strip()])


def run_cli(config: dict[str, t.Any], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The tap as a real process (the console script's code): exit status, stdout, stderr."""
    path = tmp_path / "tap-config.json"
    path.write_text(json.dumps(config))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*TAP, "--config", str(path), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def requests_to(medusa: MedusaSandbox, path: str) -> list[str]:
    """Paths (without query) of the requests the sandbox saw, for one route prefix."""
    with medusa.state.lock:
        return [r.path for r in medusa.state.requests if r.path.startswith(path)]


@pytest.fixture
def medusa() -> Iterator[MedusaSandbox]:
    with serve_medusa(api_key=KEY, port=0) as m:
        yield m
