"""What stops tap-linkit, what it retries, and that its token is never shown (the console script, real HTTP).

Exit status: 1 Linkit's answer stopped it, 2 a wrong setting, 3 a refused credential or no server.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from sandbox.linkit import LinkitSandbox, serve_linkit

from .conftest import TOKEN, Cli, Linkit, ids, list_requests, messages, records, run_cli, run_tap, tap_config

BARE = {"api_token": TOKEN, "organization_id": "org_1", "backoff_factor": 0}


def _quiet(proc: Any) -> str:
    """Everything the process wrote (where a token must never appear)."""
    return str(proc.stdout) + str(proc.stderr)


def _last_line(proc: Any) -> str:
    return str(proc.stderr).strip().splitlines()[-1]


@pytest.mark.parametrize("scheme", ["bearer", "raw"])
def test_each_auth_scheme_is_what_its_linkit_takes(scheme: str) -> None:
    with serve_linkit(api_token=TOKEN, port=0, auth_scheme=scheme) as linkit:  # type: ignore[arg-type]
        with linkit.state.lock:
            linkit.state.add_customer("sara@example.com")
        sent = run_tap(tap_config(linkit, auth_scheme=scheme))
        assert len(records(sent, "customers")) == 1


def test_the_wrong_auth_scheme_stops_at_once_naming_the_settings(tmp_path: Path) -> None:
    with serve_linkit(api_token=TOKEN, port=0, auth_scheme="raw") as linkit:
        proc = run_cli(tap_config(linkit), tmp_path)  # bearer against a Linkit that takes the bare key
        assert proc.returncode == 3
        last = _last_line(proc)
        assert last.startswith("tap-linkit: Linkit refused the request: GET /branches answered HTTP 401")
        assert "api_token" in last and "auth_scheme" in last
        assert TOKEN not in _quiet(proc)
        assert [r.status for r in linkit.state.requests] == [401]  # not retried
        assert [m for m in messages(proc.stdout) if m["type"] in ("RECORD", "STATE")] == []


def test_a_wrong_token_is_401_and_never_shown(linkit: LinkitSandbox, cli: Cli) -> None:
    wrong = "not-the-token-7f3a"
    proc = cli(tap_config(linkit, api_token=wrong))
    assert proc.returncode == 3 and "HTTP 401" in _last_line(proc)
    assert wrong not in _quiet(proc) and TOKEN not in _quiet(proc)


def test_a_suspended_account_is_403_naming_billing_and_organization(filled: LinkitSandbox, cli: Cli) -> None:
    filled.state.suspended = True
    proc = cli(tap_config(filled))
    assert proc.returncode == 3
    last = _last_line(proc)
    assert "HTTP 403" in last and "billing" in last and "organization_id" in last
    assert "sync_complete" not in proc.stdout
    assert TOKEN not in _quiet(proc)


def test_a_foreign_organization_is_403(filled: LinkitSandbox, cli: Cli) -> None:
    proc = cli(tap_config(filled, organization_id="org_someone_else"))
    assert proc.returncode == 3 and "HTTP 403" in _last_line(proc)


def test_429_with_retry_after_is_waited_for(filled: LinkitSandbox) -> None:
    filled.faults.configure(retry_after=0.6)
    filled.faults.force_next("429")
    started = time.monotonic()
    sent = run_tap(tap_config(filled, backoff_factor=0))  # without Retry-After no wait at all
    assert time.monotonic() - started >= 0.6
    assert len(records(sent, "branches")) == 2
    assert dict(filled.faults.injected) == {"429": 1}


def test_500_503_and_dropped_connections_are_retried(filled: LinkitSandbox, tmp_path: Path) -> None:
    filled.faults.configure(retry_after=None)
    filled.faults.force_next("500", "503", "drop", "ok", "500")
    proc = run_cli(tap_config(filled, page_size=1), tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    sent = messages(proc.stdout)
    assert sorted(b["iv_id"] for b in records(sent, "branches")) == ["WH1", "WH2"]
    assert len(ids(sent, "skus")) == 6
    assert dict(filled.faults.injected) == {"500": 2, "503": 1, "drop": 1}
    assert "retry" in proc.stderr and TOKEN not in _quiet(proc)
    assert sent[-1]["value"]["sync_complete"]


def test_failures_past_max_retries_stop_the_tap(filled: LinkitSandbox, cli: Cli) -> None:
    filled.faults.configure(retry_after=None)
    filled.faults.force_next("503", "503", "503")
    proc = cli(tap_config(filled, max_retries=2))
    assert proc.returncode == 1
    assert "kept failing after the retries (max_retries)" in _last_line(proc)
    assert len(list_requests(filled, "/branches")) == 3  # the first try and two retries
    assert "sync_complete" not in proc.stdout


def test_customers_without_organization_id_is_a_wrong_setting(filled: LinkitSandbox, cli: Cli) -> None:
    config = tap_config(filled)
    del config["organization_id"]
    proc = cli(config)
    assert proc.returncode == 2
    assert _last_line(proc).startswith("tap-linkit: wrong setting: organization_id:")
    assert list_requests(filled, "/branches") == []  # stopped before the first call


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("page_size", 500),
        ("auth_scheme", "basic"),
        ("api_url", "linkit.works/api/v1"),
        ("api_token", " "),
        ("start_date", "yesterday"),
        ("filters", {"skus": {"page": 2}}),
        ("filters", {"stock": {"branch_iv_id": "WH1"}}),
        ("max_retries", -1),
    ],
)
def test_a_wrong_setting_exits_2_naming_it(linkit: LinkitSandbox, cli: Cli, setting: str, value: Any) -> None:
    proc = cli(tap_config(linkit, **{setting: value}))
    assert proc.returncode == 2, proc.stderr[-1000:]
    assert f" {setting}" in _last_line(proc) or f" {setting}." in _last_line(proc)
    assert linkit.state.requests == []
    assert TOKEN not in _quiet(proc)


def test_a_wrong_path_names_api_url(linkit: LinkitSandbox, cli: Cli) -> None:
    proc = cli(tap_config(linkit, api_url=linkit.url + "/api/v2"))
    assert proc.returncode == 1
    assert "HTTP 404" in _last_line(proc) and "api_url" in _last_line(proc)


def test_a_bare_base_url_gets_api_v1(filled: LinkitSandbox) -> None:
    sent = run_tap(tap_config(filled, api_url=filled.url))
    assert len(records(sent, "products")) == 3


def test_an_unreachable_server_exits_3(cli: Cli) -> None:
    proc = cli({**BARE, "api_url": "http://127.0.0.1:9/api/v1", "max_retries": 1})
    assert proc.returncode == 3
    assert "cannot be reached" in _last_line(proc) and "api_url" in _last_line(proc)


# ---- answers the sandbox never gives (it answers only the contract): a stand-in server per test ----


class Broken(BaseHTTPRequestHandler):
    """Answers every GET with the body the test chose (a broken proxy, a wrong server, a changed API)."""

    body: bytes = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def broken() -> Iterator[tuple[str, type[Broken]]]:
    handler = type("Handler", (Broken,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/v1", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("<html>Bad gateway</html>", "not a JSON object"),
        ({"items": [], "total": 0}, "not Linkit's list envelope"),
        ({"data": [], "count": 0, "page": 1}, "not Linkit's list envelope"),  # no has_next
        ({"data": [], "has_next": True, "page": 1}, "has_next true"),
        ({"data": ["P1"], "has_next": False, "page": 1}, "not an object"),
        ({"data": [{"iv_id": "P1"}], "has_next": False, "page": 1}, "no id string"),
        ({"data": [{"id": "r1"}], "has_next": True, "page": 1, "limit": 100}, "page 1"),  # page 2 says 1
    ],
)
def test_an_unreadable_page_is_an_error_not_an_empty_stream(
    broken: tuple[str, type[Broken]], cli: Cli, body: Any, said: str
) -> None:
    url, handler = broken
    handler.body = (body if isinstance(body, str) else json.dumps(body)).encode()
    proc = cli({**BARE, "api_url": url})
    assert proc.returncode == 1, proc.stderr[-1000:]
    assert said in _last_line(proc)
    assert "sync_complete" not in proc.stdout
    assert TOKEN not in _quiet(proc)


def test_list_requests_helper_sees_only_gets(filled: LinkitSandbox) -> None:
    Linkit(filled).products("P9")
    assert list_requests(filled, "/products") == []
