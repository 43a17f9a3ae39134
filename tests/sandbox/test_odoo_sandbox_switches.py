"""Fault switches (latency, 429/503 with Retry-After, dropped connections), keep-alive, the call counter."""

from __future__ import annotations

import http.client
import json
import time
import xmlrpc.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from odoo_sandbox_clients import execute

from sandbox.odoo import OdooSandbox, serve_odoo

VERSION_CALL = json.dumps(
    {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"service": "common", "method": "version", "args": []},
    }
).encode()


@pytest.fixture
def sb() -> Iterator[OdooSandbox]:
    with serve_odoo(products=0) as sandbox:
        yield sandbox


def connect(sb: OdooSandbox) -> http.client.HTTPConnection:
    parts = urlsplit(sb.url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)


def call(conn: http.client.HTTPConnection) -> http.client.HTTPResponse:
    conn.request("POST", "/jsonrpc", body=VERSION_CALL, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    resp.read()
    return resp


def test_keep_alive_serves_many_requests_on_one_connection(sb: OdooSandbox) -> None:
    conn = connect(sb)
    try:
        call(conn)
        sock = conn.sock
        for _ in range(20):
            resp = call(conn)
            assert resp.status == 200 and resp.version == 11 and resp.getheader("Connection") != "close"
        assert conn.sock is sock  # the same TCP connection all along
    finally:
        conn.close()


def test_latency(sb: OdooSandbox) -> None:
    sb.faults.configure(latency=0.3)
    started = time.perf_counter()
    execute(sb, "res.country", "search_count", [])
    assert time.perf_counter() - started >= 0.3


@pytest.mark.parametrize("code", [429, 503])
def test_error_answers_with_retry_after(sb: OdooSandbox, code: int) -> None:
    sb.faults.configure(error_rate=1.0, error_codes=(code,), retry_after=7)
    conn = connect(sb)
    try:
        resp = call(conn)
        assert resp.status == code and resp.getheader("Retry-After") == "7"
    finally:
        conn.close()
    with pytest.raises(xmlrpc.client.ProtocolError) as err:
        execute(sb, "res.country", "search_count", [])
    assert err.value.errcode == code and err.value.headers["Retry-After"] == "7"


def test_dropped_connection_gets_no_answer(sb: OdooSandbox) -> None:
    sb.faults.configure(drop_rate=1.0)
    conn = connect(sb)
    try:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            call(conn)
    finally:
        conn.close()
    sb.faults.configure()
    assert call(connect(sb)).status == 200


def test_seeded_mix_is_reproducible(sb: OdooSandbox) -> None:
    def run() -> list[int]:
        sb.faults.configure(error_rate=0.4, seed=11)
        out = []
        for _ in range(30):
            conn = connect(sb)
            out.append(call(conn).status)
            conn.close()
        return out

    first = run()
    assert first == run()
    assert set(first) == {200, 429, 503}
    assert sb.faults.counts["served"] == first.count(200)


def test_bad_switch_values_fail_naming_the_setting(sb: OdooSandbox) -> None:
    with pytest.raises(ValueError, match="error_rate"):
        sb.faults.configure(error_rate=2)
    with pytest.raises(ValueError, match="latency"):
        sb.faults.configure(latency=-1)


def test_call_counter(sb: OdooSandbox) -> None:
    sb.calls.reset()
    execute(sb, "product.product", "search_read", [], fields=["id"], limit=1)
    execute(sb, "product.product", "search_read", [], fields=["id"], limit=1)
    execute(sb, "res.partner", "search_count", [])
    assert (
        sb.calls[("product.product", "search_read")] == 2 and sb.calls[("res.partner", "search_count")] == 1
    )
    sb.calls.reset()
    assert sum(sb.calls.values()) == 0


def test_stopping_closes_idle_keep_alive_connections() -> None:
    with serve_odoo(products=0) as sandbox:
        conn = connect(sandbox)
        assert call(conn).status == 200
    try:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest)):
            call(conn)
    finally:
        conn.close()
