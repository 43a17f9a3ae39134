"""`odoo-sandbox odoo ...` as a subprocess: prints URL and logins, serves, stops on SIGTERM; churn mode."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
import xmlrpc.client
from collections import Counter
from typing import Any

import pytest

from sandbox.odoo import serve_odoo
from sandbox.odoo.cli import churn, churn_step

LAUNCH = "import sys; from sandbox.cli import main; main(sys.argv[1:])"


def launch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "odoo", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_serves_until_sigterm() -> None:
    proc = launch("--port", "0", "--products", "100", "--version", "18.0", "--latency", "0.01")
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = first.split(" on ")[1].split()[0]
        assert first.startswith("Odoo 18.0 sandbox on http://127.0.0.1:") and "database demo17" in first
        logins = proc.stdout.readline() + proc.stdout.readline()
        assert "admin/admin" in logins and "demo/demo" in logins
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
        info: Any = common.version()
        assert info["server_version"] == "18.0"
        obj = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
        assert (
            obj.execute_kw(
                "demo17",
                2,
                "admin",
                "product.product",
                "search_count",
                [[]],
                {"context": {"active_test": False}},
            )
            == 172
        )
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0 and "stopped" in out
        assert "5a4d1f0c" not in out + err  # the API key is documented, not printed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--error-rate", "2"], "--error-rate"),
        (["--version", "20.0"], "--version"),
        (["--products", "-1"], "--products"),
        (["--error-codes", "x"], "--error-codes"),
    ],
)
def test_cli_rejects_bad_settings_naming_them(args: list[str], needle: str) -> None:
    proc = launch("--port", "0", *args)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and needle in err


def test_churn_writes_products_while_clients_read() -> None:
    with serve_odoo(products=50) as sb:
        before = sb.store.search_read(
            "product.product", [], ["write_date"], order="write_date desc, id desc", limit=1
        )
        stop = threading.Event()
        worker = threading.Thread(target=churn, args=(sb, 200.0, 1, stop), daemon=True)
        worker.start()
        time.sleep(0.3)
        stop.set()
        worker.join(timeout=5)
        after = sb.store.search_read(
            "product.product", [], ["write_date"], order="write_date desc, id desc", limit=1
        )
        assert after[0]["write_date"] > before[0]["write_date"]


def test_churn_steps_write_create_archive_and_unlink() -> None:
    with serve_odoo(products=100) as sb:
        before = set(sb.store.search("product.product", [], context={"active_test": False}))
        rng = random.Random(4)
        done = Counter(churn_step(sb, rng) for _ in range(300))
        assert {"write", "create", "archive", "unlink"} <= set(done)
        after = set(sb.store.search("product.product", [], context={"active_test": False}))
        assert len(after) == len(before) + done["create"] - done["unlink"]
        assert after - before and before - after
        archived = sb.store.search_count("product.product", [("active", "=", False)])
        assert archived >= 2 + done["archive"] - done["unarchive"] - done["unlink"]
