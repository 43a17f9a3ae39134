"""Fixtures for the etl tests: recorded records, a throwaway PostgreSQL server, fresh ledger databases."""

from __future__ import annotations

import getpass
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from etl_records import recorded
from etl_shop import ShopServer

from etl.ledger import Ledger


@pytest.fixture
def shop() -> Iterator[ShopServer]:
    """The loopback shop platform of `etl_shop`."""
    with ShopServer() as srv:
        yield srv


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    """A fresh SQLite ledger in the test's temp dir."""
    return Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")


@pytest.fixture(scope="session")
def products() -> list[dict[str, Any]]:
    return recorded("product.template")


# ---------------------------------------------------------------- a throwaway PostgreSQL server

PG_BIN_DIRS = ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]


def _pg_bin(name: str) -> str | None:
    for d in PG_BIN_DIRS:
        path = os.path.join(d, name)
        if os.access(path, os.X_OK):
            return path
    return shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a PostgreSQL server started from the installed binaries on a loopback port, for this session.

    initdb refuses to run as root, so as root the server runs as the existing ``postgres`` user, in a temp
    dir owned by it and removed afterwards. Skips (saying why) when no binaries are installed.
    """
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not installed")
    prefix: list[str] = []
    user = getpass.getuser()
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run initdb as")
        prefix = ["runuser", "-u", "postgres", "--"]
        user = "postgres"
    base = tempfile.mkdtemp(prefix="odoo-hub-pg-")
    if prefix:
        os.chown(base, pw.pw_uid, pw.pw_gid)
    data = os.path.join(base, "data")
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C"}
    try:
        subprocess.run(
            [*prefix, initdb, "-D", data, "-A", "trust", "-U", user, "--no-sync", "-E", "UTF8"],
            check=True,
            capture_output=True,
            env=env,
            timeout=120,
        )
        opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off -c max_connections=40"
        subprocess.run(
            [
                *prefix,
                pg_ctl,
                "-D",
                data,
                "-o",
                opts,
                "-l",
                os.path.join(base, "log"),
                "-w",
                "-t",
                "60",
                "start",
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=90,
        )
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={port} user={user} dbname=postgres", autocommit=True
        ) as conn:
            conn.execute("SELECT 1")
        yield f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True, timeout=60
        )
        shutil.rmtree(base, ignore_errors=True)


def fresh_postgres_db(server_url: str, name: str) -> str:
    """Create database ``name`` on the throwaway server; its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    dsn = f"host={url.host} port={url.port} user={url.username} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty ledger database: a SQLite file, and a database on the throwaway PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    server = request.getfixturevalue("postgres_url")
    return fresh_postgres_db(server, f"ledger_{abs(hash(request.node.nodeid)) % 10**10}")
