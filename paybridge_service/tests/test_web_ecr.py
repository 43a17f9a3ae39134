"""The ``geidea_web_ecr`` adapter against the Web ECR simulator (webecr_simulator.py), over real HTTP."""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from paybridge.web_ecr_contract import ContractError, get_field, load_contract

from .conftest import ServerFactory, Tls, headers
from .servers import serve_in_thread
from .webecr_simulator import WebEcrSimulator


def _start(client: httpx.Client, amount: int, key: str, currency: str = "SAR") -> httpx.Response:
    body = {
        "amount_minor": amount,
        "currency": currency,
        "order_reference": f"POS/{key}",
        "idempotency_key": key,
    }
    return client.post("/payment/start", headers=headers(), json=body)


def _final(client: httpx.Client, payment_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        body = client.get(f"/payment/{payment_id}", headers=headers()).json()
        if body["status"] not in ("pending", "processing"):
            return dict(body)
        time.sleep(0.02)
    raise AssertionError(body)


def _web_ecr(simulator: WebEcrSimulator, ecr_url: str, **extra: Any) -> dict[str, Any]:
    return {"mode": "geidea_web_ecr", "terminal_id": simulator.terminal_id, "web_ecr_url": ecr_url, **extra}


def test_sale_request_and_result_mapping(paybridge_server: ServerFactory, tls: Tls) -> None:
    sim = WebEcrSimulator(decide_after=0.1)
    with (
        serve_in_thread(sim.app()) as ecr_url,
        paybridge_server(**_web_ecr(sim, ecr_url)) as (url, _app),
        httpx.Client(base_url=url, verify=tls.client_context()) as client,
    ):
        assert client.get("/v1/terminals", headers=headers()).json()["terminals"] == [
            {"id": "GD-TID-0001", "name": "Counter 1", "status": "idle", "mode": "geidea_web_ecr"}
        ]
        created = _start(client, 1250, "a-1")
        assert created.status_code == 201
        final = _final(client, created.json()["id"])
        assert final["status"] == "approved"
        assert (final["terminal_reference"], final["auth_code"]) == ("412345678901", "A1B2C3")
        assert (final["masked_card"], final["card_scheme"]) == ("411111******1111", "VISA")
        sale = sim.sale_requests[0]
        assert sale == {
            "Operation": "PURCHASE", "Amount": "12.50", "Currency": "SAR", "TerminalId": "GD-TID-0001",
            "ECRNumber": final["ecr_reference"],
        }  # fmt: skip
        assert re.fullmatch(r"[A-Z0-9]{16}", sale["ECRNumber"])

        kwd = _final(client, _start(client, 12_350, "a-2", currency="KWD").json()["id"])
        assert sim.sale_requests[1]["Amount"] == "12.350"
        assert kwd["status"] == "approved"

        declined = _final(client, _start(client, 1001, "a-3").json()["id"])
        assert declined["status"] == "declined"

        busy = _start(client, 1003, "a-4")
        assert (busy.status_code, busy.json()["error"]["code"]) == (409, "terminal_busy")

        waiting = _start(client, 1002, "a-5").json()
        cancelled = client.post(f"/payment/{waiting['id']}/cancel", headers=headers())
        assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")


def test_contract_file_adjusts_paths_and_fields(
    paybridge_server: ServerFactory, tls: Tls, tmp_path: Path
) -> None:
    """An integrator's Web ECR build with other paths and field names works by editing one JSON file."""
    sim = WebEcrSimulator(
        paths={"health": "/ecr/ping", "terminals": "/ecr/devices", "sale": "/ecr/v2/sale",
               "status": "/ecr/v2/sale/{ecr_reference}", "cancel": "/ecr/v2/sale/{ecr_reference}/abort"},
        status_field="Result",
    )  # fmt: skip
    contract = {
        "health": {"path": "/ecr/ping"},
        "terminals": {"path": "/ecr/devices"},
        "sale": {"path": "/ecr/v2/sale"},
        "status": {"path": "/ecr/v2/sale/{ecr_reference}"},
        "cancel": {"path": "/ecr/v2/sale/{ecr_reference}/abort"},
        "response_fields": {"status": "Result"},
    }
    contract_file = tmp_path / "web-ecr-contract.json"
    contract_file.write_text(json.dumps(contract))
    with serve_in_thread(sim.app()) as ecr_url:
        with (
            paybridge_server(**_web_ecr(sim, ecr_url)) as (url, _app),
            httpx.Client(base_url=url, verify=tls.client_context()) as client,
        ):
            failed = _final(client, _start(client, 1000, "c-1").json()["id"])
            assert failed["status"] == "failed"
            assert "contract" in failed["message"]
        with (
            paybridge_server(**_web_ecr(sim, ecr_url, web_ecr_contract=contract_file)) as (url, _app),
            httpx.Client(base_url=url, verify=tls.client_context()) as client,
        ):
            assert _final(client, _start(client, 1000, "c-2").json()["id"])["status"] == "approved"
            assert (
                client.get("/v1/terminals", headers=headers()).json()["terminals"][0]["name"] == "Counter 1"
            )


def test_web_ecr_not_running(paybridge_server: ServerFactory, tls: Tls) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    sim = WebEcrSimulator()
    with (
        paybridge_server(**_web_ecr(sim, f"http://127.0.0.1:{closed_port}")) as (url, _app),
        httpx.Client(base_url=url, verify=tls.client_context()) as client,
    ):
        assert client.get("/v1/terminals", headers=headers()).json()["terminals"][0]["status"] == "offline"
        created = _start(client, 1000, "down-1")
        assert created.status_code == 201
        final = _final(client, created.json()["id"])
        assert (final["status"], final["failure_reason"]) == ("failed", "terminal_unreachable")
        assert "not reachable" in final["message"]


def test_contract_validation_and_nested_fields(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"sael": {"path": "/x"}}))
    with pytest.raises(ContractError, match="unknown key 'sael'"):
        load_contract(bad)
    bad.write_text(json.dumps({"status_values": {"OK": "paid"}}))
    with pytest.raises(ContractError, match="status_values"):
        load_contract(bad)
    # Some Geidea bridges wrap the result as a JSON string (JsonResult); dotted paths walk into it.
    reply = {"Event": "OnDataReceive", "JsonResult": json.dumps({"TransactionResponseEnglish": "APPROVED"})}
    assert get_field(reply, "JsonResult.TransactionResponseEnglish") == "APPROVED"
    assert get_field(reply, "JsonResult.Missing") is None
