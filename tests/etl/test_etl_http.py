"""The shared HTTP client against a real loopback server that injects 429 / 503 / dropped connections."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from etl.errors import StopRun
from etl.http import HttpClient, HttpError, parse_retry_after
from etl.ledger import Ledger


class FaultServer(ThreadingHTTPServer):
    """Answers from a per-path script of steps; the last step repeats. Records what it saw."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: dict[str, list[dict[str, Any]]] = {}
        self.seen: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.barrier: threading.Barrier | None = None  # steps with "barrier": True wait on it
        self.in_flight = self.max_in_flight = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_step(self, path: str) -> dict[str, Any]:
        with self.lock:
            steps = self.script.get(path, [{"status": 200, "body": {"ok": True}}])
            return steps.pop(0) if len(steps) > 1 else steps[0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultServer

    def log_message(self, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(
            {"path": self.path, "port": self.client_address[1], "headers": dict(self.headers), "body": body}
        )
        step = self.server.next_step(self.path.split("?")[0])
        with self.server.lock:
            self.server.in_flight += 1
            self.server.max_in_flight = max(self.server.max_in_flight, self.server.in_flight)
        try:
            self._answer(step)
        finally:
            with self.server.lock:
                self.server.in_flight -= 1

    def _answer(self, step: dict[str, Any]) -> None:
        if step.get("barrier"):
            assert self.server.barrier is not None
            try:  # every request the barrier counts must be here at once, or none gets past it
                self.server.barrier.wait()
            except threading.BrokenBarrierError:
                step = {
                    "status": 500,
                    "body": {"message": "barrier broken: the requests were not concurrent"},
                }
        if step.get("sleep"):
            time.sleep(step["sleep"])
        if step.get("drop"):
            self.close_connection = True
            self.connection.shutdown(2)
            return
        out = json.dumps(step.get("body", {})).encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up (timeout test)
            self._reply(step, out)

    def _reply(self, step: dict[str, Any], out: bytes) -> None:
        self.send_response(step.get("status", 200))
        for k, v in step.get("headers", {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


@pytest.fixture
def server() -> Iterator[FaultServer]:
    srv = FaultServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def client(server: FaultServer, ledger: Ledger | None = None, **kw: Any) -> HttpClient:
    kw.setdefault("backoff_base", 0.01)
    kw.setdefault("timeout", (2, 2))
    return HttpClient(server.url, ledger=ledger, platform="testshop", **kw)


def test_429_honours_retry_after_then_succeeds(server: FaultServer, ledger: Ledger) -> None:
    server.script["/items"] = [
        {"status": 429, "headers": {"Retry-After": "1"}, "body": {"message": "Too Many Requests"}},
        {"status": 200, "body": {"id": "x1"}},
    ]
    waits: list[float] = []
    with client(server, ledger, sleep=waits.append) as http:
        http.run_id = 7
        resp = http.post("/items", json={"sku": "A"}, entity="product", key="A")
    assert resp.json() == {"id": "x1"}
    assert waits == [1.0]  # Retry-After, not the 0.01 s backoff
    events = sorted(ledger.events(7), key=lambda e: e["id"])
    assert [(e["outcome"], e["http_status"]) for e in events] == [("retry", 429), ("http", 200)]
    assert events[0]["key"] == "A" and events[0]["method"] == "POST" and events[0]["url"].endswith("/items")


def test_5xx_and_dropped_connections_are_retried(server: FaultServer, ledger: Ledger) -> None:
    server.script["/flaky"] = [
        {"status": 503},
        {"drop": True},
        {"status": 502},
        {"status": 200, "body": {"ok": 1}},
    ]
    with client(server, ledger) as http:
        assert http.get("/flaky").json() == {"ok": 1}
    outcomes = [e["outcome"] for e in sorted(ledger.events(), key=lambda e: e["id"])]
    assert outcomes == ["retry", "retry", "retry", "http"]
    assert len([s for s in server.seen if s["path"] == "/flaky"]) == 4


def test_client_errors_are_not_retried_and_carry_code_and_message(server: FaultServer) -> None:
    server.script["/products"] = [
        {"status": 409, "body": {"code": "DUPLICATE_SKU", "message": "SKU FURN_1 already exists"}}
    ]
    with client(server) as http, pytest.raises(HttpError) as err:
        http.post("/products", json={})
    assert (err.value.status, err.value.code, err.value.retryable) == (409, "DUPLICATE_SKU", False)
    assert "SKU FURN_1 already exists" in str(err.value)
    assert len(server.seen) == 1


def test_magento_error_parameters_are_substituted(server: FaultServer) -> None:
    server.script["/V1/products/X"] = [
        {
            "status": 400,
            "body": {"message": 'The value of attribute "%1" must be set', "parameters": ["color"]},
        }
    ]
    with client(server) as http, pytest.raises(HttpError, match='attribute "color" must be set'):
        http.put("/V1/products/X", json={})


def test_ok_statuses_return_instead_of_raising(server: FaultServer) -> None:
    server.script["/gone"] = [{"status": 404, "body": {"message": "not found"}}]
    with client(server) as http:
        assert http.get("/gone", ok_statuses=[404]).status_code == 404


def test_retry_count_and_total_time_are_bounded(server: FaultServer) -> None:
    server.script["/down"] = [{"status": 503, "body": {"message": "maintenance"}}]
    with client(server, max_retries=3) as http, pytest.raises(HttpError) as err:
        http.get("/down")
    assert err.value.status == 503 and len(server.seen) == 4  # 1 + 3 retries
    server.seen.clear()
    server.script["/down"] = [{"status": 503, "headers": {"Retry-After": "30"}}]
    started = time.monotonic()
    with (
        client(server, max_retries=10, max_retry_time=2) as http,
        pytest.raises(HttpError, match="retry budget"),
    ):
        http.get("/down")
    assert time.monotonic() - started < 1.5 and len(server.seen) == 1  # 30 s would blow the 2 s budget


def test_read_timeout_is_retried_then_fails(server: FaultServer) -> None:
    server.script["/slow"] = [{"sleep": 1.0, "status": 200}]
    with client(server, timeout=(1, 0.3), max_retries=1) as http, pytest.raises(HttpError, match="Timeout"):
        http.get("/slow")
    assert len(server.seen) == 2


def test_keep_alive_reuses_one_connection(server: FaultServer) -> None:
    with client(server) as http:
        for _ in range(5):
            http.get("/ping")
    assert len({s["port"] for s in server.seen}) == 1


def test_concurrent_batches(server: FaultServer) -> None:
    """4 workers have 4 requests in flight at once: each handler waits until all 4 have arrived.

    A client that sends them one after another never gets past the barrier (it breaks after its timeout, a
    bound that a concurrent client never reaches, and every request is answered 500).
    """
    server.barrier = threading.Barrier(4, timeout=20)
    server.script["/batch"] = [{"barrier": True, "status": 200, "body": {"ok": True}}]
    with client(server, workers=4, timeout=(2, 30), max_retries=0) as http:
        results = http.map(lambda i: (i, http.post("/batch", json={"n": i}).status_code), range(4))
    assert results == [(0, 200), (1, 200), (2, 200), (3, 200)]
    assert server.max_in_flight == 4 and server.in_flight == 0
    assert sorted(json.loads(seen["body"])["n"] for seen in server.seen) == [0, 1, 2, 3]


def test_secrets_never_reach_the_ledger(server: FaultServer, ledger: Ledger) -> None:
    server.script["/login"] = [{"status": 200, "body": {"token": "tok_SECRET", "user": "admin"}}]
    http = client(server, ledger, headers={"Authorization": "Bearer sk_live_SECRET"})
    http.post("/login?api_key=q_SECRET", json={"username": "admin", "password": "pw_SECRET"})
    http.close()
    assert server.seen[0]["headers"]["Authorization"] == "Bearer sk_live_SECRET"  # it was sent
    dumped = json.dumps(ledger.events(), default=str)
    assert "SECRET" not in dumped and "admin" in dumped
    assert http.scrubbed_headers({"Authorization": "x", "Accept": "y"}) == {
        "Authorization": "***",
        "Accept": "y",
    }


def test_parse_retry_after() -> None:
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412500.0) == 0.0


def test_backoff_has_jitter_and_a_cap(server: FaultServer) -> None:
    http = client(server, backoff_base=1, backoff_max=4)
    delays = [http.backoff(5) for _ in range(200)]
    assert max(delays) <= 4 and min(delays) >= 0 and len({round(d, 3) for d in delays}) > 50
    http.close()


def test_retry_false_raises_the_first_failure(server: FaultServer) -> None:
    server.script["/webhook"] = [{"status": 503, "body": {"message": "busy"}}, {"status": 200}]
    with client(server) as http, pytest.raises(HttpError) as err:
        http.post("/webhook", json={"event": "order.paid"}, retry=False)
    assert err.value.status == 503 and err.value.retryable  # the caller decides whether to go again
    assert len(server.seen) == 1


def test_record_false_writes_no_ledger_event(server: FaultServer, ledger: Ledger) -> None:
    server.script["/bulk"] = [{"status": 502}, {"status": 200, "body": {"ok": 1}}]
    with client(server, ledger) as http:
        http.post("/bulk", json={"items": [1]}, record=False)
        http.get("/one")
    assert [e["url"].rsplit("/", 1)[-1] for e in ledger.events()] == ["one"]


def test_retry_after_can_be_capped(server: FaultServer) -> None:
    server.script["/slow"] = [{"status": 429, "headers": {"Retry-After": "3600"}}, {"status": 200}]
    waits: list[float] = []
    with client(server, max_retry_after=2.5, max_retry_time=10, sleep=waits.append) as http:
        http.get("/slow")
    assert waits == [2.5]


def test_call_decodes_json_and_errors_name_code_field_and_kind(server: FaultServer) -> None:
    server.script["/odoo/products"] = [
        {"status": 200, "body": {"product": {"id": "prod_1"}}},
        {
            "status": 400,
            "body": {
                "error": {
                    "code": "VALIDATION_ERROR",
                    "message": "price must be >= 0",
                    "details": {"field": "price"},
                }
            },
        },
        {"status": 418, "body": "teapot"},
    ]
    with client(server) as http:
        assert http.call("POST", "/odoo/products", json={}) == {"product": {"id": "prod_1"}}
        with pytest.raises(HttpError) as err:
            http.call("POST", "/odoo/products", json={})
        assert (err.value.code, err.value.field, err.value.kind) == (
            "VALIDATION_ERROR",
            "price",
            "VALIDATION_ERROR",
        )
        assert err.value.message == "price must be >= 0"
        with pytest.raises(HttpError) as err:
            http.call("POST", "/odoo/products", json={})
        assert (err.value.code, err.value.kind) == (None, "HTTP_418")
    with client(server, max_retries=0) as http, pytest.raises(StopRun) as stop:
        http.call("GET", "http://127.0.0.1:1/nothing-listens")
    assert "cannot be reached" in str(stop.value) and "127.0.0.1:1" in str(stop.value)
