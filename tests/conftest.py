"""Shared fixtures: the Odoo sandbox with the recorded data (read-only by convention), `meltano install`."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.odoo import OdooSandbox, serve_odoo

ROOT = Path(__file__).resolve().parent.parent
MELTANO = str(Path(sys.executable).with_name("meltano"))


@pytest.fixture(scope="session")
def odoo_sandbox() -> Iterator[OdooSandbox]:
    """A served Odoo 17 sandbox: recorded data only (products=0), faults off.

    Shared by every test of the session: do not write to it or change its switches; a test that mutates data
    or turns faults on starts its own `with serve_odoo(...) as sb:`.
    """
    with serve_odoo(products=0, version="17.0", seed=1) as sb:
        yield sb


@pytest.fixture(scope="session")
def meltano_installed() -> Path:
    """`meltano install` of the project's plugins, once per session and one process at a time.

    Meltano installs each plugin in its own venv under `.meltano/` (the tap and targets from `pip_url: -e .`),
    as a user's `meltano install` does; a second call is quick when the venvs are already there.
    """
    (ROOT / ".meltano").mkdir(exist_ok=True)
    env = dict(os.environ, MELTANO_SEND_ANONYMOUS_USAGE_STATS="false")
    with open(ROOT / ".meltano" / "install.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(
            [MELTANO, "install"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=480, check=False
        )
    assert proc.returncode == 0, f"meltano install failed:\n{proc.stderr[-4000:]}"
    return ROOT
