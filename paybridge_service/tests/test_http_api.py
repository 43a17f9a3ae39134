"""The HTTP API over real TLS: authentication, CORS, limits, validation and the mock terminal's outcomes."""

from __future__ import annotations

import ssl
import time
from typing import Any

import httpx
import pytest

from .conftest import ALLOWED_ORIGIN, API_KEY, ServerFactory, Tls, headers

PAY_ID = "pay_" + "0" * 32


def start_body(amount: int = 1000, key: str = "k-1", **extra: Any) -> dict[str, Any]:
    return {"amount_minor": amount, "currency": "SAR", "order_reference": "Order 00001-001-0001",
            "idempotency_key": key, **extra}  # fmt: skip


def wait_final(client: httpx.Client, payment_id: str, timeout: float = 5) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"/payment/{payment_id}", headers=headers()).json()
        if body["status"] not in ("pending", "processing"):
            return dict(body)
        time.sleep(0.02)
    raise AssertionError(f"payment {payment_id} still in flight: {body}")


def test_https_with_the_generated_certificate(paybridge_server: ServerFactory, tls: Tls) -> None:
    with paybridge_server() as (url, _app):
        response = httpx.get(f"{url}/healthz", verify=tls.client_context())
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "mode": "mock", "version": "0.1.0"}
        # A client that does not trust the dev CA is refused by TLS, and plain HTTP does not get an answer.
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{url}/healthz", verify=ssl.create_default_context())
        with pytest.raises(httpx.HTTPError):
            httpx.get(url.replace("https://", "http://") + "/healthz", timeout=3)


ROUTES = [
    ("GET", "/v1/terminals"),
    ("POST", "/v1/events/ticket"),
    ("POST", "/payment/start"),
    ("GET", f"/payment/{PAY_ID}"),
    ("POST", f"/payment/{PAY_ID}/cancel"),
    ("GET", "/openapi.json"),
    ("GET", "/no/such/route"),
]


def test_every_route_but_healthz_refuses_missing_or_wrong_key(
    paybridge_server: ServerFactory, tls: Tls
) -> None:
    with paybridge_server() as (url, app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        for method, path in ROUTES:
            for sent in ({}, {"X-Api-Key": "wrong"}, {"X-Api-Key": API_KEY[:-1]}, {"X-Api-Key": ""}):
                response = client.request(method, path, headers=sent, json=start_body())
                assert response.status_code == 401, (method, path, sent)
                assert response.json()["error"]["code"] == "unauthorized"
                assert API_KEY not in response.text
        assert app.state.service.store.count() == 0  # nothing started by a refused request
        assert client.get("/healthz").status_code == 200
        assert client.get("/v1/terminals", headers=headers()).json() == {
            "terminals": [
                {"id": "MOCK-0001", "name": "Paybridge mock terminal", "status": "idle", "mode": "mock"}
            ]
        }
        assert client.get("/openapi.json", headers=headers()).json()["openapi"].startswith("3.")


def test_cors_preflight_allowed_and_refused_origin(paybridge_server: ServerFactory, tls: Tls) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-api-key, content-type",
        "Access-Control-Request-Private-Network": "true",
    }
    with paybridge_server() as (url, _app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        allowed = client.options("/payment/start", headers={"Origin": ALLOWED_ORIGIN, **preflight})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        assert "x-api-key" in allowed.headers["access-control-allow-headers"].lower()
        assert allowed.headers["access-control-allow-private-network"] == "true"

        refused = client.options("/payment/start", headers={"Origin": "https://evil.example", **preflight})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers

        simple_ok = client.get("/v1/terminals", headers=headers(Origin=ALLOWED_ORIGIN))
        assert simple_ok.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
        simple_bad = client.get("/v1/terminals", headers=headers(Origin="https://evil.example"))
        assert "access-control-allow-origin" not in simple_bad.headers


def test_odoo_session_required_on_payment_routes_when_configured(
    paybridge_server: ServerFactory, tls: Tls
) -> None:
    with (
        paybridge_server(require_odoo_session=True) as (url, _app),
        httpx.Client(base_url=url, verify=tls.client_context()) as client,
    ):
        refused = client.post("/payment/start", headers=headers(), json=start_body())
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "odoo_session_required"
        assert client.get("/v1/terminals", headers=headers()).status_code == 200  # not a payment route
        ok = client.post("/payment/start", headers=headers(**{"X-Odoo-Session": "abc123"}), json=start_body())
        assert ok.status_code == 201
        assert "abc123" not in ok.text


def test_size_limit_bad_json_and_field_errors(paybridge_server: ServerFactory, tls: Tls) -> None:
    with paybridge_server() as (url, app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        big = client.post("/payment/start", headers=headers(), json=start_body(order_reference="x" * 20000))
        assert big.status_code == 413

        def chunks() -> Any:  # no Content-Length: the limit must hold for a streamed body too
            yield b'{"pad": "'
            for _ in range(40):
                yield b"x" * 1024
            yield b'"}'

        streamed = client.post("/payment/start", headers=headers(), content=chunks())
        assert streamed.status_code == 413
        bad_json = client.post("/payment/start", headers=headers(), content=b"{not json")
        assert (bad_json.status_code, bad_json.json()["error"]["code"]) == (400, "invalid_json")
        cases = {
            "amount_minor": start_body(amount=0),
            "currency": start_body(currency="sar"),
            "order_reference": start_body(order_reference=""),
            "idempotency_key": {k: v for k, v in start_body().items() if k != "idempotency_key"},
            "terminal_id": start_body(terminal_id="bad id with spaces"),
        }
        for field, body in cases.items():
            response = client.post("/payment/start", headers=headers(), json=body)
            assert response.status_code == 422, field
            assert response.json()["error"]["field"] == field
        assert client.get("/payment/not-an-id", headers=headers()).status_code == 404
        assert app.state.service.store.count() == 0


@pytest.mark.parametrize(
    ("amount", "status", "has_auth"),
    [(1000, "approved", True), (1001, "declined", False), (1004, "failed", False)],
)
def test_mock_outcomes_by_last_digits(
    paybridge_server: ServerFactory, tls: Tls, amount: int, status: str, has_auth: bool
) -> None:
    with paybridge_server() as (url, _app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        created = client.post("/payment/start", headers=headers(), json=start_body(amount))
        assert created.status_code == 201
        assert created.headers["idempotent-replayed"] == "false"
        assert created.json()["status"] in ("processing", "pending")
        final = wait_final(client, created.json()["id"])
        assert final["status"] == status
        assert (final["auth_code"] is not None) is has_auth
        if status != "failed":
            assert final["masked_card"] == "411111******1111"
            assert final["terminal_reference"]
        assert [h["status"] for h in final["history"]] == ["pending", "processing", status]


def test_terminal_busy_is_409_and_nothing_is_charged_twice(paybridge_server: ServerFactory, tls: Tls) -> None:
    with paybridge_server() as (url, app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        busy = client.post("/payment/start", headers=headers(), json=start_body(1003, "busy-1"))
        assert busy.status_code == 409
        assert busy.json()["error"]["code"] == "terminal_busy"
        assert busy.json()["payment"]["status"] == "failed"

        first = client.post("/payment/start", headers=headers(), json=start_body(1002, "slow-1")).json()
        second = client.post("/payment/start", headers=headers(), json=start_body(500, "other-2"))
        assert second.status_code == 409
        assert second.json()["error"]["code"] == "terminal_busy"
        assert first["id"] in second.json()["error"]["message"]
        assert app.state.service.terminal.starts == 1  # the second sale never reached the terminal

        cancelled = client.post(f"/payment/{first['id']}/cancel", headers=headers())
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        again = client.post(f"/payment/{first['id']}/cancel", headers=headers())
        assert again.status_code == 200
        third = client.post("/payment/start", headers=headers(), json=start_body(500, "other-3"))
        assert third.status_code == 201
        assert wait_final(client, third.json()["id"])["status"] == "approved"
        not_cancellable = client.post(f"/payment/{third.json()['id']}/cancel", headers=headers())
        assert (not_cancellable.status_code, not_cancellable.json()["error"]["code"]) == (
            409,
            "not_cancellable",
        )


def test_no_answer_from_the_card_times_out(paybridge_server: ServerFactory, tls: Tls) -> None:
    with (
        paybridge_server(payment_timeout_s=0.4) as (url, _app),
        httpx.Client(base_url=url, verify=tls.client_context()) as client,
    ):
        created = client.post("/payment/start", headers=headers(), json=start_body(702)).json()
        final = wait_final(client, created["id"])
        assert final["status"] == "timed_out"
        assert final["failure_reason"] == "timeout"


def test_idempotency_replay_and_conflict(paybridge_server: ServerFactory, tls: Tls) -> None:
    with paybridge_server() as (url, app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        first = client.post("/payment/start", headers=headers(), json=start_body(1000, "same"))
        replay = client.post("/payment/start", headers=headers(), json=start_body(1000, "same"))
        assert (first.status_code, replay.status_code) == (201, 200)
        assert replay.headers["idempotent-replayed"] == "true"
        assert replay.json()["id"] == first.json()["id"]
        conflict = client.post("/payment/start", headers=headers(), json=start_body(2000, "same"))
        assert (conflict.status_code, conflict.json()["error"]["code"]) == (409, "idempotency_conflict")
        by_header = client.post(
            "/payment/start", headers=headers(**{"Idempotency-Key": "same"}),
            json={k: v for k, v in start_body(1000).items() if k != "idempotency_key"},
        )  # fmt: skip
        assert by_header.json()["id"] == first.json()["id"]
        assert app.state.service.store.count() == 1
        assert app.state.service.terminal.starts == 1
