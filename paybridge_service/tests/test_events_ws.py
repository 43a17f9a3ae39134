"""``/events`` over real TLS with a real WebSocket client (the ``websockets`` package)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from .conftest import ALLOWED_ORIGIN, API_KEY, ServerFactory, Tls, headers


async def _ticket(client: httpx.AsyncClient) -> str:
    response = await client.post("/v1/events/ticket", headers=headers())
    assert response.status_code == 200
    return str(response.json()["ticket"])


async def _events_until(ws: Any, payment_id: str, final: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if event.get("payment_id") == payment_id:
            seen.append(event)
            if event["status"] == final:
                return seen


def test_browser_receives_every_status_change(paybridge_server: ServerFactory, tls: Tls) -> None:
    async def scenario(url: str) -> None:
        wss = url.replace("https://", "wss://")
        async with httpx.AsyncClient(base_url=url, verify=tls.client_context()) as client:
            ticket = await _ticket(client)
            async with connect(
                f"{wss}/events?ticket={ticket}", ssl=tls.client_context(), origin=Origin(ALLOWED_ORIGIN)
            ) as ws:
                hello = json.loads(await ws.recv())
                assert hello["type"] == "hello"
                body = {
                    "amount_minor": 1250,
                    "currency": "SAR",
                    "order_reference": "POS/0001",
                    "idempotency_key": "ws-1",
                }
                created = (await client.post("/payment/start", headers=headers(), json=body)).json()
                events = await _events_until(ws, created["id"], "approved")
                assert [e["status"] for e in events] == ["pending", "processing", "approved"]
                assert events[-1]["payment"]["auth_code"]
                assert events[-1]["payment"]["masked_card"] == "411111******1111"
                assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
                first_seq = events[0]["seq"]

            # A ticket works once.
            with pytest.raises(InvalidStatus) as reused:
                async with connect(f"{wss}/events?ticket={ticket}", ssl=tls.client_context()):
                    pass
            assert reused.value.response.status_code == 403

            # A reconnecting client replays what it missed with ?since=<last seq it saw>.
            ticket = await _ticket(client)
            async with connect(
                f"{wss}/events?ticket={ticket}&since={first_seq}", ssl=tls.client_context()
            ) as ws:
                replayed = [json.loads(await ws.recv()) for _ in range(3)]
                assert [e["status"] for e in replayed[:2]] == ["processing", "approved"]
                assert all(e["replayed"] for e in replayed[:2])
                assert replayed[2]["type"] == "hello"

    with paybridge_server() as (url, _app):
        asyncio.run(scenario(url))


def test_websocket_refuses_missing_ticket_wrong_origin_and_wrong_key(
    paybridge_server: ServerFactory, tls: Tls
) -> None:
    async def refused(url: str, **kwargs: Any) -> int:
        with pytest.raises(InvalidStatus) as exc:
            async with connect(url, ssl=tls.client_context(), **kwargs):
                pass
        return int(exc.value.response.status_code)

    async def scenario(url: str) -> None:
        wss = url.replace("https://", "wss://") + "/events"
        async with httpx.AsyncClient(base_url=url, verify=tls.client_context()) as client:
            assert await refused(wss) == 403
            assert await refused(f"{wss}?ticket=made-up") == 403
            assert await refused(wss, additional_headers={"X-Api-Key": "wrong"}) == 403
            good = await _ticket(client)
            assert await refused(f"{wss}?ticket={good}", origin=Origin("https://evil.example")) == 403
            # Non-browser clients (no Origin) may send the key as a header instead of a ticket.
            async with connect(
                wss, ssl=tls.client_context(), additional_headers={"X-Api-Key": API_KEY}
            ) as ws:
                assert json.loads(await ws.recv())["type"] == "hello"

    with paybridge_server() as (url, _app):
        asyncio.run(scenario(url))
