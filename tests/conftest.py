"""Shared fixtures: the Odoo sandbox with the recorded data (read-only by convention), and Meltano projects.

Every test that runs `meltano` gets its own Meltano system directory (`meltano_env`): its own run folder
(which meltano clears on each invocation), logs and system database, so tests under pytest-xdist never share
mutable Meltano state with each other, with the developer's `.meltano/` or with a `make demo` beside them.
The plugins are installed once per test run (`meltano install` from meltano.yml, as a user does) into a folder
of that run, and each test's system directory links to those venvs, which no test writes to.
"""

from __future__ import annotations

import fcntl
import os
import shutil
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
def meltano_plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Meltano system directory with the project's plugins installed, once per test run.

    `meltano install` (each plugin in its own venv, the tap and targets from `pip_url: -e .`) runs in the
    first worker that asks, under a lock in the run's temporary folder, which all xdist workers of this run
    share and no other run or checkout sees. The venvs are only read after that.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    sys_dir = shared / "meltano-plugins"
    with open(shared / "meltano-plugins.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = sys_dir / "installed"
        if not done.exists():
            shutil.rmtree(sys_dir, ignore_errors=True)
            env = dict(
                os.environ,
                MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
                MELTANO_SYS_DIR_ROOT=str(sys_dir),
                MELTANO_DATABASE_URI=f"sqlite:///{shared / 'meltano-install.db'}",
            )
            env.setdefault("MELTANO_VENV_BACKEND", "uv")
            proc = subprocess.run(
                [MELTANO, "install"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=480,
                check=False,
            )
            assert proc.returncode == 0, f"meltano install failed:\n{proc.stderr[-4000:]}"
            done.touch()
    return sys_dir


@pytest.fixture
def meltano_env(meltano_plugins: Path, tmp_path: Path) -> dict[str, str]:
    """Environment for running `meltano` in the project root with a system directory of this test's own.

    `MELTANO_SYS_DIR_ROOT` is `tmp_path/.meltano` (run folder, logs, system database), whose plugin venvs
    link to the installed ones: `meltano run` finds them installed (fingerprints match) and installs nothing.
    """
    sys_dir = tmp_path / ".meltano"
    for venv in sorted(meltano_plugins.glob("*/*/venv")):
        link = sys_dir / venv.relative_to(meltano_plugins)
        link.parent.mkdir(parents=True)
        link.symlink_to(venv, target_is_directory=True)
    return dict(
        os.environ,
        MELTANO_SEND_ANONYMOUS_USAGE_STATS="false",
        MELTANO_SYS_DIR_ROOT=str(sys_dir),
        MELTANO_DATABASE_URI=f"sqlite:///{sys_dir / 'meltano.db'}",
    )


# The suite's longest tests (a minute or more each), started first: under pytest-xdist the other worker runs
# the short ones meanwhile, instead of one long test running alone at the end of the run.
LONG_FIRST = (
    # first of all, in a fresh interpreter: hypothesis parses source with `ast`, and once (after other tests
    # in the same worker) CPython 3.11.7 failed it with "SystemError: AST constructor recursion depth
    # mismatch", a CPython bug in its AST recursion counter, not ours
    "paybridge_service/tests/test_openapi_schemathesis.py",
    "tests/project/test_demo.py",
    "tests/linkit_flow/test_crash.py",
    "tests/medusa/test_crash.py",
    "tests/odoo_target/test_meltano_medusa_to_odoo.py",
    "tests/medusa/test_meltano.py",
    "tests/project/test_meltano_run.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return LONG_FIRST.index(path) if path in LONG_FIRST else len(LONG_FIRST)

    items.sort(key=rank)  # stable: every other test keeps its order
