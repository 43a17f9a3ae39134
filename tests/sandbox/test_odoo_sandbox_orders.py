"""Writes into Odoo as a real Odoo 17 answers them: orders, external ids, invoices, inventory, faults.

The proof is `test_replay_of_the_recorded_write_session`: every call of the recorded write session
(`sandbox/odoo/recordings/writes/writes.json`, recorded against a real Odoo 17.0 on a fresh copy of the
demo database, once over XML-RPC and once over JSON-RPC) is played in order against a fresh sandbox over
the same protocol, and each answer is compared with the recorded one. Normalised: datetime values
(the recording's wall clock; the sandbox clock is frozen on the recording's day, so dates and the
INV/2026/... year match) and the middle of faultCode-1 tracebacks (the sandbox has its own frames; the
last line, Odoo's exception, must match). No step is skipped.

The other tests pin behaviour the recordings do not show, following Odoo 17's source (each says where).
"""

from __future__ import annotations

import json
import re
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest
from odoo_sandbox_clients import jsonrpc

from sandbox.odoo import OdooSandbox, recordings_dir, serve_odoo

WRITES = json.loads((recordings_dir() / "writes" / "writes.json").read_text(encoding="utf-8"))
RECORDED_DAY = WRITES["xmlrpc"]["recorded_at"][:10] + " 12:00:00"
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
INVENTORY = {"context": {"inventory_mode": True}}


@pytest.fixture
def sb() -> Iterator[OdooSandbox]:
    """A private sandbox (these tests write), its clock on the recording's day."""
    with serve_odoo(products=0) as sandbox:
        sandbox.store.freeze_clock(RECORDED_DAY)
        yield sandbox


def normalise(value: Any) -> Any:
    """Datetimes are the recording's wall clock: compared by form only."""
    if isinstance(value, str) and DATETIME.match(value):
        return "<datetime>"
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def last_line(text: str) -> str:
    return text.rstrip("\n").rsplit("\n", 1)[-1]


# ------------------------------------------------------------------------------------------ the replay
def _call_xmlrpc(sb: OdooSandbox, step: dict[str, Any]) -> tuple[str, Any]:
    """('ok', result) or ('fault', Fault) for one recorded XML-RPC step."""
    method = step["method"]
    try:
        if method.startswith("common."):
            proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common", allow_none=True)
            args = [sb.db if a == WRITES["db"] else a for a in step["args"]]
            return "ok", getattr(proxy, method.split(".", 1)[1])(*args)
        user = sb.users[step["login"]]
        proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)
        answer = proxy.execute_kw(
            sb.db, user["uid"], user["password"], step["model"], method, step["args"], step["kwargs"]
        )
        return "ok", answer
    except xmlrpc.client.Fault as fault:
        return "fault", fault


def _call_jsonrpc(sb: OdooSandbox, step: dict[str, Any]) -> dict[str, Any]:
    """The whole /jsonrpc answer of one recorded JSON-RPC step."""
    method = step["method"]
    if method.startswith("common."):
        args = [sb.db if a == WRITES["db"] else a for a in step["args"]]
        return jsonrpc(sb, "common", method.split(".", 1)[1], *args)
    user = sb.users[step["login"]]
    return jsonrpc(
        sb,
        "object",
        "execute_kw",
        sb.db,
        user["uid"],
        user["password"],
        step["model"],
        method,
        step["args"],
        step["kwargs"],
    )


def _xmlrpc_differences(sb: OdooSandbox) -> list[str]:
    out = []
    for step in WRITES["xmlrpc"]["steps"]:
        kind, got = _call_xmlrpc(sb, step)
        name = step["step"]
        if "fault" in step:
            want = step["fault"]
            if kind != "fault":
                out.append(f"{name}: expected fault {want['faultString_last_line']!r}, got {got!r}")
                continue
            # codes 2-4 carry the message alone, exact; code 1 a traceback: its last line must match,
            # and the whole text where Odoo's frames are fixed (None marshalling, the sandbox's own copy)
            exact = want["faultCode"] != 1 or "cannot marshal None" in want["faultString"]
            if got.faultCode != want["faultCode"]:
                out.append(f"{name}: faultCode {got.faultCode} != {want['faultCode']}")
            elif exact and got.faultString != want["faultString"]:
                out.append(f"{name}: faultString {got.faultString!r} != {want['faultString']!r}")
            elif last_line(got.faultString) != want["faultString_last_line"]:
                out.append(f"{name}: {last_line(got.faultString)!r} != {want['faultString_last_line']!r}")
        elif kind != "ok":
            out.append(f"{name}: unexpected fault {got.faultCode} {last_line(got.faultString)!r}")
        elif normalise(got) != normalise(step["result"]):
            out.append(f"{name}: {got!r} != {step['result']!r}")
    return out


def _jsonrpc_differences(sb: OdooSandbox) -> list[str]:
    out = []
    for step in WRITES["jsonrpc"]["steps"]:
        answer = _call_jsonrpc(sb, step)
        name = step["step"]
        if "fault" in step:
            want = step["fault"]["error"]
            got = answer.get("error")
            if got is None:
                out.append(f"{name}: expected {want['data']['name']}, got {answer!r}")
                continue
            for key in ("code", "message"):
                if got[key] != want[key]:
                    out.append(f"{name}: error.{key} {got[key]!r} != {want[key]!r}")
            for key in ("name", "message", "arguments", "context"):
                if got["data"][key] != want["data"][key]:
                    out.append(f"{name}: data.{key} {got['data'][key]!r} != {want['data'][key]!r}")
            if last_line(got["data"]["debug"]) != last_line(want["data"]["debug"]):
                out.append(f"{name}: debug ends {last_line(got['data']['debug'])!r}")
        elif "error" in answer:
            out.append(f"{name}: unexpected error {answer['error']['data']['message']!r}")
        elif step.get("note", "").startswith("JSON-RPC response had no 'result' member"):
            if set(answer) != {"jsonrpc", "id"}:  # as recorded: {"jsonrpc": "2.0", "id": 1}
                out.append(f"{name}: expected no result member, got {answer!r}")
        elif normalise(answer.get("result")) != normalise(step["result"]):
            out.append(f"{name}: {answer.get('result')!r} != {step['result']!r}")
    return out


def test_the_recording_is_the_one_described() -> None:
    assert WRITES["server_version"] == "17.0"
    assert len(WRITES["xmlrpc"]["steps"]) == len(WRITES["jsonrpc"]["steps"]) == len(WRITES["summary"]) == 71
    assert [s["step"] for s in WRITES["xmlrpc"]["steps"]] == [s["step"] for s in WRITES["jsonrpc"]["steps"]]


@pytest.mark.parametrize("protocol", ["xmlrpc", "jsonrpc"])
def test_replay_of_the_recorded_write_session(sb: OdooSandbox, protocol: str) -> None:
    """All 71 recorded calls, in order, on a fresh sandbox: every answer as Odoo 17 gave it."""
    differences = _xmlrpc_differences(sb) if protocol == "xmlrpc" else _jsonrpc_differences(sb)
    assert differences == []
