"""The sandbox answers the recorded calls like the real Odoo 17 server did.

Replays the request side of both vcrpy cassettes and every request of faults.json against the sandbox and
compares with what the real server answered: exact values where the data is the recorded data, exact fault
codes and messages (the last line of a traceback fault), the exact JSON-RPC error envelope except the
traceback text.
"""

from __future__ import annotations

import json
import xmlrpc.client
from pathlib import Path
from typing import Any

import pytest
import yaml
from odoo_sandbox_clients import execute, post

from sandbox.odoo import OdooSandbox, recordings_dir
from sandbox.odoo.harvest import harvest
from sandbox.odoo.recordings import CASSETTE_RECORDS

CASSETTES = Path(__file__).parents[1] / "fixtures" / "cassettes"
FAULTS = json.loads((recordings_dir() / "faults.json").read_text())


def interactions(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load((CASSETTES / name).read_text())["interactions"]
    return data


def last_line(text: str) -> str:
    return text.rstrip("\n").rsplit("\n", 1)[-1]


def shape(value: Any) -> Any:
    """Keys and value types, recursively (list members as the set of their shapes)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return ["list", sorted({json.dumps(shape(v), sort_keys=True) for v in value})]
    return type(value).__name__


XMLRPC = interactions("xmlrpc_session.yaml")
JSONRPC = interactions("jsonrpc_session.yaml")


@pytest.mark.parametrize("item", XMLRPC, ids=[f"xmlrpc-{i}" for i in range(len(XMLRPC))])
def test_xmlrpc_cassette_replay(odoo_sandbox: OdooSandbox, item: dict[str, Any]) -> None:
    request, recorded = item["request"], item["response"]
    path = "/" + request["uri"].split("/", 3)[3]
    status, headers, body = post(
        odoo_sandbox.url, path, request["body"].encode(), {"Content-Type": "text/xml"}
    )
    assert status == recorded["status"]["code"]
    assert headers["Content-Type"] == recorded["headers"]["Content-Type"][0]
    try:
        want = xmlrpc.client.loads(recorded["body"]["string"], use_builtin_types=True)[0][0]
    except xmlrpc.client.Fault as fault:
        with pytest.raises(xmlrpc.client.Fault) as got:
            xmlrpc.client.loads(body, use_builtin_types=True)
        assert got.value.faultCode == fault.faultCode
        assert last_line(got.value.faultString) == last_line(fault.faultString)
        if fault.faultCode == 1:
            assert got.value.faultString.startswith("Traceback (most recent call last):\n")
        return
    answer = xmlrpc.client.loads(body, use_builtin_types=True)[0][0]
    assert shape(answer) == shape(want)
    assert answer == want
    assert body == recorded["body"]["string"].encode()  # byte for byte, member order included


@pytest.mark.parametrize("item", JSONRPC, ids=[f"jsonrpc-{i}" for i in range(len(JSONRPC))])
def test_jsonrpc_cassette_replay(odoo_sandbox: OdooSandbox, item: dict[str, Any]) -> None:
    request, recorded = item["request"], item["response"]
    status, headers, body = post(
        odoo_sandbox.url, "/jsonrpc", request["body"].encode(), {"Content-Type": "application/json"}
    )
    assert status == recorded["status"]["code"]
    assert headers["Content-Type"] == recorded["headers"]["Content-Type"][0]
    got, want = json.loads(body), json.loads(recorded["body"]["string"])
    assert list(got) == list(want)  # same members in the same order
    if "error" not in want:
        assert body == recorded["body"]["string"].encode()  # byte for byte
    if "error" in want:
        got_debug, want_debug = got["error"]["data"].pop("debug"), want["error"]["data"].pop("debug")
        assert got_debug.startswith("Traceback (most recent call last):\n")
        assert last_line(got_debug) == last_line(want_debug)
    assert got == want


RECORDED_CALLS = {k: v for k, v in FAULTS.items() if isinstance(v, dict) and "request" in v}


@pytest.mark.parametrize("key", sorted(RECORDED_CALLS))
def test_faults_json_requests(odoo_sandbox: OdooSandbox, key: str) -> None:
    """Every execute_kw of faults.json: same result, or same faultCode and message."""
    case = RECORDED_CALLS[key]
    req = case["request"]
    proxy = xmlrpc.client.ServerProxy(f"{odoo_sandbox.url}/xmlrpc/2/object")
    call = (
        req["db"],
        req["uid"],
        req["password"],
        req["model"],
        req["model_method"],
        req["args"],
        req["kwargs"],
    )
    if case["outcome"] == "ok":
        assert proxy.execute_kw(*call) == case["result"]
        return
    with pytest.raises(xmlrpc.client.Fault) as got:
        proxy.execute_kw(*call)
    assert got.value.faultCode == case["faultCode"]
    assert last_line(got.value.faultString) == case["faultString_last_line"]
    if case["faultCode"] != 1:
        assert got.value.faultString == case["faultString"]


@pytest.mark.parametrize(
    ("key", "login", "password"),
    [
        ("wrong_password_authenticate", "admin", "wrong-password"),
        ("unknown_login_authenticate", "nosuchuser", "x"),
        ("demo_authenticate", "demo", "demo"),
    ],
)
def test_authenticate_as_recorded(odoo_sandbox: OdooSandbox, key: str, login: str, password: str) -> None:
    common = xmlrpc.client.ServerProxy(f"{odoo_sandbox.url}/xmlrpc/2/common")
    assert common.authenticate(odoo_sandbox.db, login, password, {}) == FAULTS[key]["result"]


def test_version_as_recorded(odoo_sandbox: OdooSandbox) -> None:
    common = xmlrpc.client.ServerProxy(f"{odoo_sandbox.url}/xmlrpc/2/common")
    assert common.version() == json.loads((recordings_dir() / "version.json").read_text())


JSON_ENVELOPES = FAULTS["_jsonrpc"]["responses"]


def _jsonrpc_request(key: str) -> dict[str, Any]:
    if key == "version":
        return {"service": "common", "method": "version", "args": []}
    if key.startswith("authenticate"):
        password = "admin" if key == "authenticate_ok" else "wrong-password"
        return {"service": "common", "method": "authenticate", "args": ["demo17", "admin", password, {}]}
    if key == "search_read_ok":
        kwargs = {"fields": ["id", "name", "write_date"], "limit": 2, "order": "write_date asc, id asc"}
        return {
            "service": "object",
            "method": "execute_kw",
            "args": ["demo17", 2, "admin", "product.product", "search_read", [[]], kwargs],
        }
    req = FAULTS[key]["request"]
    args = [
        req["db"],
        req["uid"],
        req["password"],
        req["model"],
        req["model_method"],
        req["args"],
        req["kwargs"],
    ]
    return {"service": "object", "method": "execute_kw", "args": args}


@pytest.mark.parametrize("key", sorted(JSON_ENVELOPES))
def test_jsonrpc_envelopes_of_faults_json(odoo_sandbox: OdooSandbox, key: str) -> None:
    """The raw /jsonrpc bodies of faults.json: identical except the traceback text of `debug`."""
    body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": _jsonrpc_request(key)}
    status, _, raw = post(
        odoo_sandbox.url, "/jsonrpc", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    assert status == 200
    got, want = json.loads(raw), json.loads(json.dumps(JSON_ENVELOPES[key]))
    if "error" in want:
        assert got["error"]["data"].pop("debug").startswith("Traceback (most recent call last):\n")
        want["error"]["data"].pop("debug")
    assert got == want


def test_fields_get_matches_recording_for_every_model(odoo_sandbox: OdooSandbox) -> None:
    for model_dir in sorted(p for p in recordings_dir().iterdir() if (p / "fields_get.json").is_file()):
        recorded = json.loads((model_dir / "fields_get.json").read_text())
        assert execute(odoo_sandbox, model_dir.name, "fields_get") == recorded, model_dir.name


def test_recorded_records_read_back_exactly(odoo_sandbox: OdooSandbox) -> None:
    """search_read with the recorded arguments gives the recorded records (all stored fields, every model)."""
    for model_dir in sorted(p for p in recordings_dir().iterdir() if (p / "records.json").is_file()):
        rec = json.loads((model_dir / "records.json").read_text())
        got = execute(
            odoo_sandbox,
            rec["model"],
            "search_read",
            [],
            fields=rec["fields"],
            limit=rec["limit"],
            order=rec["order"],
            context=rec["context"],
        )
        assert got == rec["records"], rec["model"]
        count = execute(odoo_sandbox, rec["model"], "search_count", [], context=rec["context"])
        if (
            len(rec["records"]) == rec["total_count_active_test_false"]
        ):  # else only the first 50 were recorded
            assert count == rec["total_count_active_test_false"], rec["model"]
        else:
            assert count >= len(rec["records"]), rec["model"]


def test_harvested_cassette_records_are_up_to_date() -> None:
    """cassette_records.json is exactly what `python -m sandbox.odoo.harvest` makes of the cassettes."""
    assert harvest(sorted(CASSETTES.glob("*.yaml"))) == json.loads(CASSETTE_RECORDS.read_text())
