"""A restart in the middle of a payment: the ``paybridge`` process is killed (SIGKILL) and started again."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import API_KEY, Tls, headers
from .servers import serve_in_thread
from .webecr_simulator import WebEcrSimulator

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")


def _env(tls: Tls, db: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAYBRIDGE_", "GEIDEA_"))}
    env.update(
        PAYBRIDGE_LOCAL_BIND="127.0.0.1:0",
        PAYBRIDGE_TLS_CERT=str(tls.cert),
        PAYBRIDGE_TLS_KEY=str(tls.key),
        PAYBRIDGE_LOCAL_API_KEY=API_KEY,
        PAYBRIDGE_DB_PATH=str(db),
        PAYBRIDGE_MOCK_DELAY_MS="200",
        PAYBRIDGE_POLL_INTERVAL_S="0.05",
        PAYBRIDGE_CORS_ORIGINS="http://localhost:8069",
        **extra,
    )
    return env


@contextmanager
def paybridge_process(env: dict[str, str], log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with log.open("ab") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "paybridge.cli"], env=env, stdout=subprocess.PIPE, stderr=err
        )
    try:
        assert proc.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=20):
            raise AssertionError(f"paybridge did not start: {log.read_text()}")
        line = proc.stdout.readline().decode().strip()
        assert line.startswith("paybridge listening on https://127.0.0.1:"), (line, log.read_text())
        yield line.rsplit(" ", 1)[1], proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


def _wait_status(client: httpx.Client, payment_id: str, wanted: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        body = client.get(f"/payment/{payment_id}", headers=headers()).json()
        if body["status"] == wanted:
            return dict(body)
        time.sleep(0.05)
    raise AssertionError(body)


START = {
    "amount_minor": 1002,
    "currency": "SAR",
    "order_reference": "POS/restart",
    "idempotency_key": "restart-1",
}


def test_mock_payment_in_flight_becomes_unknown_never_retried(tls: Tls, tmp_path: Path) -> None:
    env, log = _env(tls, tmp_path / "pb.sqlite3"), tmp_path / "paybridge.log"
    with (
        paybridge_process(env, log) as (url, proc),
        httpx.Client(base_url=url, verify=tls.client_context()) as c,
    ):
        payment = c.post("/payment/start", headers=headers(), json=START).json()
        _wait_status(c, payment["id"], "processing")
        proc.kill()  # no shutdown hook runs: like a power cut on the till
        proc.wait(10)
    with (
        paybridge_process(env, log) as (url, _proc),
        httpx.Client(base_url=url, verify=tls.client_context()) as c,
    ):
        after = c.get(f"/payment/{payment['id']}", headers=headers()).json()
        assert after["status"] == "unknown"
        assert after["failure_reason"] == "interrupted"
        assert after["history"][-1]["detail"]["reason"] == "reconciled_after_restart"
        assert [h["status"] for h in after["history"]] == ["pending", "processing", "unknown"]
        # The POS retrying with the same key gets the same (unknown) payment: no second charge.
        replay = c.post("/payment/start", headers=headers(), json=START)
        assert (replay.status_code, replay.json()["id"], replay.json()["status"]) == (
            200,
            payment["id"],
            "unknown",
        )
        assert c.get("/v1/terminals", headers=headers()).json()["terminals"][0]["status"] == "idle"
    assert API_KEY not in log.read_text()


def test_web_ecr_payment_finished_while_down_is_reconciled(tls: Tls, tmp_path: Path) -> None:
    sim = WebEcrSimulator(decide_after=1.0)
    with serve_in_thread(sim.app()) as ecr_url:
        env = _env(
            tls, tmp_path / "pb.sqlite3", PAYBRIDGE_MODE="geidea_web_ecr", GEIDEA_WEB_ECR_URL=ecr_url,
            GEIDEA_WEB_ECR_TERMINAL_ID=sim.terminal_id,
        )  # fmt: skip
        log = tmp_path / "paybridge.log"
        body = {**START, "amount_minor": 1000}
        with (
            paybridge_process(env, log) as (url, proc),
            httpx.Client(base_url=url, verify=tls.client_context()) as c,
        ):
            payment = c.post("/payment/start", headers=headers(), json=body).json()
            assert payment["status"] == "processing"
            proc.kill()
            proc.wait(10)
        time.sleep(1.0)  # the customer taps the card while Paybridge is down
        with (
            paybridge_process(env, log) as (url, _p),
            httpx.Client(base_url=url, verify=tls.client_context()) as c,
        ):
            after = c.get(f"/payment/{payment['id']}", headers=headers()).json()
            assert after["status"] == "approved"
            assert after["auth_code"] == "A1B2C3"
            assert after["history"][-1]["detail"]["reason"] == "reconciled_after_restart"
        assert len(sim.sale_requests) == 1  # asked about, never sent again


def test_web_ecr_payment_still_on_terminal_is_watched_again(tls: Tls, tmp_path: Path) -> None:
    """Card still being presented after the restart: keep watching (no new sale); cancel still works."""
    sim = WebEcrSimulator()
    with serve_in_thread(sim.app()) as ecr_url:
        env = _env(
            tls, tmp_path / "pb.sqlite3", PAYBRIDGE_MODE="geidea_web_ecr", GEIDEA_WEB_ECR_URL=ecr_url,
            GEIDEA_WEB_ECR_TERMINAL_ID=sim.terminal_id,
        )  # fmt: skip
        log = tmp_path / "paybridge.log"
        with (
            paybridge_process(env, log) as (url, proc),
            httpx.Client(base_url=url, verify=tls.client_context()) as c,
        ):
            payment = c.post("/payment/start", headers=headers(), json=START).json()  # 1002: never decided
            assert payment["status"] == "processing"
            proc.kill()
            proc.wait(10)
        with (
            paybridge_process(env, log) as (url, _p),
            httpx.Client(base_url=url, verify=tls.client_context()) as c,
        ):
            after = c.get(f"/payment/{payment['id']}", headers=headers()).json()
            assert after["status"] == "processing"
            assert after["history"][-1]["detail"]["reason"] == "reconciled_after_restart"
            other = c.post(
                "/payment/start", headers=headers(), json={**START, "idempotency_key": "restart-2"}
            )
            assert (other.status_code, other.json()["error"]["code"]) == (409, "terminal_busy")
            cancelled = c.post(f"/payment/{payment['id']}/cancel", headers=headers())
            assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
        assert len(sim.sale_requests) == 1
