"""What stops tap-medusa, what it retries, and that its key is never shown (the console script, real HTTP)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sandbox.medusa import MedusaSandbox

from .conftest import KEY, run_cli, run_tap, tap_config


def _messages(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def _records(stdout: str) -> list[dict[str, Any]]:
    return [m for m in _messages(stdout) if m["type"] == "RECORD"]


def test_wrong_key_stops_at_once_naming_api_key(medusa: MedusaSandbox, tmp_path: Path) -> None:
    medusa.state.add_order()
    wrong = "not-the-key-7f3a"
    proc = run_cli(tap_config(medusa, api_key=wrong), tmp_path)
    assert proc.returncode == 3
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-medusa: Medusa refused the API key") and "api_key" in last
    assert "HTTP 401 UNAUTHORIZED" in last
    assert wrong not in proc.stderr + proc.stdout and KEY not in proc.stderr + proc.stdout
    assert _records(proc.stdout) == []
    assert not any(m["type"] == "STATE" and m["value"].get("bookmarks") for m in _messages(proc.stdout))
    assert [r.status for r in medusa.state.requests] == [401]  # not retried


def test_429_503_and_dropped_connections_are_retried(medusa: MedusaSandbox, tmp_path: Path) -> None:
    ids = [medusa.state.add_order()["id"] for _ in range(3)]
    medusa.state.add_customer("a@example.com")
    medusa.faults.configure(retry_after=0.05)
    medusa.faults.force_next("429", "503", "drop", "ok", "503")
    proc = run_cli(tap_config(medusa, page_size=2), tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = _records(proc.stdout)
    assert [r["record"]["id"] for r in records if r["stream"] == "orders"] == ids
    assert [r["stream"] for r in records].count("customers") == 1
    assert dict(medusa.faults.injected) == {"429": 1, "503": 2, "drop": 1}
    assert "trying again" in proc.stderr and "HTTP 429" in proc.stderr
    assert KEY not in proc.stderr + proc.stdout


def test_retry_after_is_honoured(medusa: MedusaSandbox) -> None:
    medusa.state.add_customer("a@example.com")
    medusa.faults.configure(retry_after=0.6)
    medusa.faults.force_next("429")
    import time

    started = time.monotonic()
    run = run_tap(tap_config(medusa, backoff_factor=0.0))
    assert time.monotonic() - started >= 0.6  # backoff_factor 0 would not wait at all
    assert len(run.records("customers")) == 1


def test_failures_past_max_retries_stop_the_tap(medusa: MedusaSandbox, tmp_path: Path) -> None:
    medusa.state.add_customer("a@example.com")
    medusa.faults.configure(retry_after=None)
    medusa.faults.force_next("503", "503", "503")
    proc = run_cli(tap_config(medusa, max_retries=2), tmp_path)
    assert proc.returncode == 1
    assert "kept failing after the retries (max_retries)" in proc.stderr
    assert len(medusa.state.requests) == 3  # the first try and two retries
    assert _records(proc.stdout) == []


def test_a_wrong_base_path_names_api_url(medusa: MedusaSandbox, tmp_path: Path) -> None:
    proc = run_cli(tap_config(medusa, api_url=medusa.url + "/admin"), tmp_path)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert "HTTP 404 NOT_FOUND" in last and "api_url" in last


def test_an_unreachable_server_exits_3(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = {"api_url": f"http://127.0.0.1:{port}", "api_key": KEY, "max_retries": 1, "backoff_factor": 0}
    proc = run_cli(config, tmp_path)
    assert proc.returncode == 3
    assert "cannot be reached" in proc.stderr and "api_url" in proc.stderr


class _NotMedusa(BaseHTTPRequestHandler):
    """Answers 200 with a JSON object that is not seed 002's list answer."""

    def do_GET(self) -> None:
        body = json.dumps({"data": [{"id": "x"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def not_medusa() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotMedusa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_that_is_not_seed_002s_stops_the_tap(not_medusa: str, tmp_path: Path) -> None:
    """Never read as "no records": an answer without {customers|orders: [...], total} is an error."""
    proc = run_cli({"api_url": not_medusa, "api_key": KEY}, tmp_path)
    assert proc.returncode == 1
    assert "not seed 002's" in proc.stderr and "api_url" in proc.stderr
    assert _records(proc.stdout) == []


@pytest.mark.parametrize(
    ("override", "setting"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 1001}, "page_size"),
        ({"api_url": "admin.markasouqs.com"}, "api_url"),
        ({"api_url": "https://admin.markasouqs.com/odoo"}, "api_url"),
        ({"api_key": " "}, "api_key"),
        ({"status": "shipped"}, "status"),
        ({"lookback_days": -1}, "lookback_days"),
        ({"order_details": "sometimes"}, "order_details"),
        ({"start_date": "yesterday"}, "start_date"),
    ],
)
def test_a_wrong_setting_is_named(override: dict[str, Any], setting: str, tmp_path: Path) -> None:
    config = {"api_url": "http://127.0.0.1:9", "api_key": KEY, **override}
    proc = run_cli(config, tmp_path)
    assert proc.returncode != 0
    assert setting in proc.stderr + proc.stdout
    assert KEY not in proc.stderr + proc.stdout
