"""Fault switches (429 with Retry-After, drops before/after the write, seeded error rate) and the CLI."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests

from sandbox.linkit import LinkitSandbox

from .conftest import TOKEN, Api
from .helpers import product


def test_forced_429_carries_retry_after(linkit: LinkitSandbox, api: Api) -> None:
    linkit.faults.force_next("429")
    answer = api.post("/products/bulk", json={"mode": "upsert", "products": [product("P1")]})
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"
    assert answer.json() == {"success": False, "message": "Rate limit exceeded"}
    assert linkit.state.write_count() == 0
    linkit.faults.configure(retry_after=None)
    linkit.faults.force_next("429")
    assert "Retry-After" not in api.get("/products").headers
    assert [r.fault for r in linkit.state.requests] == ["429", "429"]


def test_drops_before_and_after_the_write(linkit: LinkitSandbox, api: Api) -> None:
    linkit.faults.force_next("drop", "drop_after")
    for iv_id in ("P1", "P2"):
        with pytest.raises(requests.ConnectionError):
            api.post("/products/bulk", json={"mode": "upsert", "products": [product(iv_id)]})
    assert set(linkit.state.products) == {"P2"}


def test_seeded_error_rate_is_repeatable(linkit: LinkitSandbox, api: Api) -> None:
    outcomes = []
    for _ in range(2):
        linkit.faults.configure(error_rate=0.3, seed=7)
        outcomes.append([api.get("/products").status_code for _ in range(30)])
    assert outcomes[0] == outcomes[1] and {429, 503} & set(outcomes[0]) and 200 in outcomes[0]
    linkit.faults.clear()
    assert api.get("/products").status_code == 200


def test_cli_serves_until_terminated() -> None:
    proc = subprocess.Popen(
        [
            sys.executable, "-c", "import sys; from sandbox.cli import main; main(sys.argv[1:])",
            "linkit", "--port", "0", "--api-token", TOKEN, "--auth-scheme", "either",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert TOKEN not in line and "either auth" in line and "minimal answers" in line
        url = line.split(" on ")[1].split()[0]
        assert url.endswith("/api/v1")
        assert requests.get(url + "/products", headers={"Authorization": TOKEN}, timeout=5).status_code == 200
        assert requests.get(url + "/health", timeout=5).json()["status"] == "healthy"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_refuses_unknown_choices() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from sandbox.cli import main; main(sys.argv[1:])",
            "linkit",
            "--answers",
            "chatty",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2 and "--answers" in proc.stderr
