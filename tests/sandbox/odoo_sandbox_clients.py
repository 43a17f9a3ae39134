"""Small clients for the sandbox tests (stdlib only, so they test the server, not a client library)."""

from __future__ import annotations

import http.client
import json
import xmlrpc.client
from typing import Any
from urllib.parse import urlsplit

from sandbox.odoo import OdooSandbox


def post(url: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """One POST on a fresh connection: (status, headers, body)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def execute(sb: OdooSandbox, model: str, method: str, *args: Any, login: str = "admin", **kwargs: Any) -> Any:
    """execute_kw over XML-RPC as `login`."""
    user = sb.users[login]
    proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)
    return proxy.execute_kw(sb.db, user["uid"], user["password"], model, method, list(args), kwargs)


def jsonrpc(sb: OdooSandbox, service: str, method: str, *args: Any) -> dict[str, Any]:
    """A raw /jsonrpc call; returns the whole envelope."""
    body = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 1,
        "params": {"service": service, "method": method, "args": args},
    }
    status, _, raw = post(sb.url, "/jsonrpc", json.dumps(body).encode(), {"Content-Type": "application/json"})
    assert status == 200
    answer: dict[str, Any] = json.loads(raw)
    return answer


def json2(
    sb: OdooSandbox,
    model: str,
    method: str,
    body: dict[str, Any],
    key: str | None = None,
    db: str | None = None,
) -> tuple[int, Any]:
    """A JSON-2 call: (status, decoded body)."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if key is not None:
        headers["Authorization"] = f"bearer {key}"
    if db is not None:
        headers["X-Odoo-Database"] = db
    status, _, raw = post(sb.url, f"/json/2/{model}/{method}", json.dumps(body).encode(), headers)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw  # a plain HTML 404 / 405 page
