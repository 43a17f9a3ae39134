"""Twenty concurrent starts with one idempotency key: one payment, one terminal start (mock and Web ECR)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from paybridge.config import Settings

from .conftest import ServerFactory, Tls, headers
from .servers import serve_in_thread
from .webecr_simulator import WebEcrSimulator


async def _twenty(url: str, tls: Tls) -> list[httpx.Response]:
    body = {
        "amount_minor": 4200,
        "currency": "SAR",
        "order_reference": "POS/0042",
        "idempotency_key": "dup-key",
    }
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(base_url=url, verify=tls.client_context(), limits=limits) as client:
        return list(
            await asyncio.gather(
                *(client.post("/payment/start", headers=headers(), json=body) for _ in range(20))
            )
        )


@pytest.mark.parametrize("mode", ["mock", "geidea_web_ecr"])
def test_twenty_concurrent_starts_one_payment(
    paybridge_server: ServerFactory, tls: Tls, settings: Settings, mode: str
) -> None:
    simulator = WebEcrSimulator()
    with serve_in_thread(simulator.app()) as ecr_url:
        overrides = (
            {"mode": mode, "terminal_id": simulator.terminal_id, "web_ecr_url": ecr_url}
            if mode != "mock"
            else {}
        )
        with paybridge_server(**overrides) as (url, app):
            responses = asyncio.run(_twenty(url, tls))
            assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
            assert len({r.json()["id"] for r in responses}) == 1
            assert app.state.service.store.count() == 1
            if mode == "mock":
                assert app.state.service.terminal.starts == 1
            else:
                assert len(simulator.sale_requests) == 1
