"""ISO 4217 currency check on POST /payment/start; 404/405 in the JSON error envelope (real TLS server)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from paybridge.currencies import EXPONENTS, NOT_PAYABLE, currency_exponent
from paybridge.models import major_amount

from .conftest import API_KEY, ServerFactory, Tls, headers
from .servers import serve_in_thread
from .webecr_simulator import WebEcrSimulator

REFUSED = [
    ("ZZZ", "not an active ISO 4217"),
    ("XXX", "no currency"),
    ("XTS", "testing"),
    ("XAU", "precious-metal"),
    ("XDR", "unit of account"),
    ("CLF", "fund code"),
    ("BGN", "replaced by EUR"),
    ("sar", "upper case (SAR)"),
    ("SAR\n", "3-letter"),
    ("SARS", "3-letter"),
    (840, "3-letter"),
    (None, "3-letter"),
]


def _body(currency: Any, key: str, amount: int = 1250) -> dict[str, Any]:
    return {
        "amount_minor": amount,
        "currency": currency,
        "order_reference": "POS/cur",
        "idempotency_key": key,
    }


def _assert_refused(response: httpx.Response, currency: Any, why: str) -> None:
    assert response.status_code == 422, (currency, response.text)
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert set(response.json()) == {"error"}
    assert (error["code"], error["field"]) == ("invalid_field", "currency")
    assert json.dumps(currency) in error["message"]  # the value sent, as JSON
    assert why in error["message"]
    assert "send the sale's currency as its active ISO 4217 code" in error["message"]  # the fix


def test_non_iso_currency_is_refused_and_the_mock_terminal_gets_no_sale(
    paybridge_server: ServerFactory, tls: Tls
) -> None:
    with paybridge_server() as (url, app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        for n, (currency, why) in enumerate(REFUSED):
            response = client.post("/payment/start", headers=headers(), json=_body(currency, f"c{n}"))
            _assert_refused(response, currency, why)
        assert app.state.service.terminal.starts == 0  # no sale reached the terminal
        assert app.state.service.store.count() == 0  # and no payment was recorded
        ok = client.post("/payment/start", headers=headers(), json=_body("SAR", "ok-1"))
        assert (ok.status_code, ok.json()["currency"]) == (201, "SAR")
        assert app.state.service.terminal.starts == 1


def test_non_iso_currency_never_reaches_the_web_ecr_service(
    paybridge_server: ServerFactory, tls: Tls
) -> None:
    sim = WebEcrSimulator(decide_after=0.05)
    with (
        serve_in_thread(sim.app()) as ecr_url,
        paybridge_server(mode="geidea_web_ecr", terminal_id=sim.terminal_id, web_ecr_url=ecr_url) as (
            url,
            app,
        ),
        httpx.Client(base_url=url, verify=tls.client_context()) as client,
    ):
        for currency, key in (("ZZZ", "w-1"), ("XXX", "w-2")):
            response = client.post("/payment/start", headers=headers(), json=_body(currency, key))
            _assert_refused(response, currency, "ISO 4217")
        assert sim.sale_requests == []
        assert app.state.service.store.count() == 0
        # An exponent-0 currency: 1250 minor units of PYG are 1250 guaraní, not 12.50.
        pyg = client.post("/payment/start", headers=headers(), json=_body("PYG", "w-3"))
        assert pyg.status_code == 201
        assert [(s["Currency"], s["Amount"]) for s in sim.sale_requests] == [("PYG", "1250")]


def test_currency_table_is_iso_4217_payable_codes() -> None:
    assert len(EXPONENTS) == 155
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in EXPONENTS)
    assert set(EXPONENTS.values()) == {0, 2, 3}
    assert not set(EXPONENTS) & set(NOT_PAYABLE)
    for code in ("XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA"):
        assert code in NOT_PAYABLE and code not in EXPONENTS
    assert {c: EXPONENTS[c] for c in ("SAR", "AED", "EUR", "KWD", "BHD", "OMR", "JPY", "XOF", "PYG")} == {
        "SAR": 2, "AED": 2, "EUR": 2, "KWD": 3, "BHD": 3, "OMR": 3, "JPY": 0, "XOF": 0, "PYG": 0,
    }  # fmt: skip
    assert (major_amount(1250, "SAR"), major_amount(1250, "KWD"), major_amount(1250, "JPY")) == (
        "12.50",
        "1.250",
        "1250",
    )
    with pytest.raises(ValueError, match="no currency"):
        currency_exponent("XXX")


@pytest.mark.parametrize(
    ("method", "path", "status", "code", "allow"),
    [
        ("GET", "/no/such/route", 404, "not_found", None),
        ("POST", "/v2/payment/start", 404, "not_found", None),
        ("GET", "/events", 404, "not_found", None),  # a WebSocket route asked over plain HTTP
        ("GET", "/payment/start", 404, "not_found", None),  # read as a payment id: no such payment
        ("GET", "/v1/events/ticket", 405, "method_not_allowed", "POST"),
        ("DELETE", "/payment/start", 405, "method_not_allowed", "POST"),
        ("PUT", "/v1/terminals", 405, "method_not_allowed", "GET, HEAD"),
        ("POST", "/healthz", 405, "method_not_allowed", "GET, HEAD"),
    ],
)
def test_unknown_route_and_wrong_method_answer_the_json_error_envelope(
    paybridge_server: ServerFactory,
    tls: Tls,
    method: str,
    path: str,
    status: int,
    code: str,
    allow: str | None,
) -> None:
    with paybridge_server() as (url, app), httpx.Client(base_url=url, verify=tls.client_context()) as client:
        response = client.request(method, path, headers=headers())
        assert response.status_code == status
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == {"error"}
        assert body["error"]["code"] == code
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
        if allow is not None:
            allowed = {m.strip() for m in response.headers["allow"].split(",")}
            assert allowed == set(allow.split(", "))
            assert all(m in body["error"]["message"] for m in allowed)
        # Without the key it is still 401 first: an unknown path tells a stranger nothing.
        refused = client.request(method, path) if path != "/healthz" else None
        if refused is not None:
            assert (refused.status_code, refused.json()["error"]["code"]) == (401, "unauthorized")
        assert API_KEY not in response.text
        assert app.state.service.store.count() == 0
