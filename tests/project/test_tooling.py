"""The project's own promises: clean lint and types, a lock that pins what it must, honest placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, timeout=240)


def test_ruff_is_clean() -> None:
    proc = run(str(BIN / "ruff"), "check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = run(str(BIN / "ruff"), "format", "--check", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = run(str(BIN / "mypy"), ".")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_lock_pins_singer_sdk_054_and_not_the_backoff_distribution() -> None:
    pins = locked()
    assert pins["singer-sdk"].startswith("0.54."), pins["singer-sdk"]
    assert "python-backoff" in pins, "singer-sdk 0.54 brings python-backoff (the `backoff` module)"
    assert "backoff" not in pins, "the `backoff` distribution would overwrite python-backoff's files"
    for name in ("requests", "jsonschema", "sqlalchemy", "pytest", "vcrpy", "meltano", "pyodbc"):
        assert name in pins, f"{name} is not pinned in requirements.lock"


@pytest.mark.parametrize("script", ["target-magento"])
def test_placeholder_scripts_say_not_built_and_exit_2(script: str) -> None:
    proc = run(str(BIN / script))
    assert proc.returncode == 2
    assert "not built yet" in proc.stderr


def test_sandbox_cli_without_a_sandbox_name_shows_usage() -> None:
    proc = run(str(BIN / "odoo-sandbox"))
    assert proc.returncode == 2
    assert "usage: odoo-sandbox" in proc.stderr
