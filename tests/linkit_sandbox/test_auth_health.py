"""Credentials (G1), health, /auth/credentials (G2), X-Organization-ID, suspended account, error body (G3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox.linkit import LinkitSandbox, serve_linkit

from .conftest import TOKEN, Api
from .helpers import product

ROUTES = [
    ("GET", "/auth/credentials"),
    ("GET", "/branches"),
    ("POST", "/branches/bulk"),
    ("GET", "/products"),
    ("POST", "/products/bulk"),
    ("GET", "/skus"),
    ("POST", "/skus/bulk"),
    ("GET", "/orders"),
    ("POST", "/orders/bulk"),
    ("PATCH", "/orders/bulk/status"),
    ("GET", "/customers"),
    ("POST", "/customers"),
    ("GET", "/offers"),
    ("POST", "/offers"),
    ("POST", "/offers/bulk"),
    ("DELETE", "/offers/x"),
    ("GET", "/no/such/route"),
]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_the_bearer_token(linkit: LinkitSandbox, method: str, path: str) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": TOKEN},
        {"Authorization": "Basic x"},
    ):
        answer = requests.request(method, linkit.api_url + path, json={}, headers=headers, timeout=5)
        assert answer.status_code == 401
        assert answer.json() == {"success": False, "message": "Missing or invalid credentials"}
    assert linkit.state.write_count() == 0


def _status(url: str, header: str) -> int:
    return requests.get(url + "/branches", headers={"Authorization": header}, timeout=5).status_code


@pytest.mark.parametrize(
    ("scheme", "bearer", "raw"), [("bearer", 200, 401), ("raw", 401, 200), ("either", 200, 200)]
)
def test_auth_scheme_switch(scheme: str, bearer: int, raw: int) -> None:
    with serve_linkit(api_token=TOKEN, auth_scheme=scheme) as linkit:  # type: ignore[arg-type]
        assert _status(linkit.api_url, f"Bearer {TOKEN}") == bearer
        assert _status(linkit.api_url, f"bearer {TOKEN}") == bearer
        assert _status(linkit.api_url, TOKEN) == raw
        assert _status(linkit.api_url, "nope") == 401


def test_unknown_auth_scheme_refused() -> None:
    with pytest.raises(ValueError, match="auth_scheme"), serve_linkit(auth_scheme="jwt"):  # type: ignore[arg-type]
        pass


def test_health_and_ping_need_no_token(linkit: LinkitSandbox) -> None:
    health = requests.get(linkit.api_url + "/health", timeout=5)
    assert health.status_code == 200
    assert set(health.json()) == {"status", "version", "environment", "timestamp"}
    assert health.json()["status"] == "healthy"
    ping = requests.get(linkit.api_url + "/ping", timeout=5).json()
    assert set(ping) == {"message", "timestamp"} and ping["message"] == "pong"
    linkit.state.health_status = "degraded"
    assert requests.get(linkit.api_url + "/health", timeout=5).status_code == 200
    linkit.state.health_status = "unhealthy"
    answer = requests.get(linkit.api_url + "/health", timeout=5)
    assert answer.status_code == 503 and answer.json()["status"] == "unhealthy"


def test_credentials_minimal_answer(linkit: LinkitSandbox, api: Api) -> None:
    body = api.get("/auth/credentials").json()
    assert set(body) == {"checked_at", "user", "service_operational", "billing"}
    assert set(body["user"]) == {"id", "email", "name", "type"}
    assert body["service_operational"] is True and body["billing"] == {"status": "active"}
    assert TOKEN not in str(body)


def test_rich_credentials_add_organization_and_wallet() -> None:
    with serve_linkit(api_token=TOKEN, answers="rich") as linkit:
        body = requests.get(
            linkit.api_url + "/auth/credentials", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
        ).json()
        assert body["organization"]["id"] == linkit.state.organization_id and "wallet" in body


def test_suspended_account_is_403_except_health_and_credentials(linkit: LinkitSandbox, api: Api) -> None:
    linkit.state.suspended = True
    for method, path in ROUTES[1:-1]:
        answer = api.request(method, path, json={"mode": "upsert", "products": [product("P1")]})
        assert answer.status_code == 403, path
        assert answer.json() == {"success": False, "message": "Account suspended: billing overdue"}
    credentials = api.get("/auth/credentials")
    assert credentials.status_code == 200 and credentials.json()["billing"]["status"] == "suspended"
    assert requests.get(linkit.api_url + "/health", timeout=5).status_code == 200
    assert linkit.state.write_count() == 0
    linkit.state.suspended = False
    assert api.get("/products").status_code == 200


def test_organization_header(linkit: LinkitSandbox, api: Api) -> None:
    # [cust]: X-Organization-ID is required on GET /customers; elsewhere optional.
    assert api.get("/customers").status_code == 400
    org = {"X-Organization-ID": linkit.state.organization_id}
    assert api.get("/customers", headers=org).status_code == 200
    assert api.get("/products").status_code == 200
    assert api.get("/products", headers={"X-Organization-ID": "org_other"}).status_code == 403


def test_malformed_json_and_unknown_route(linkit: LinkitSandbox, api: Api) -> None:
    bad = api.post("/products/bulk", data=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and set(bad.json()) == {"success", "message"}
    assert api.get("/products/P1").status_code == 404  # G8: unpublished single-record path
    assert api.request("PUT", "/products/bulk", json={}).status_code == 404
    assert requests.get(linkit.url + "/other", timeout=5).status_code == 404


@pytest.fixture
def rich() -> Iterator[LinkitSandbox]:
    with serve_linkit(api_token=TOKEN, answers="rich") as sandbox:
        yield sandbox


def test_rich_errors_carry_a_code(rich: LinkitSandbox) -> None:
    answer = requests.get(rich.api_url + "/products", timeout=5)
    assert answer.json() == {
        "success": False,
        "message": "Missing or invalid credentials",
        "code": "unauthorized",
    }
