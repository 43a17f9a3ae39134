"""Every route of seed 000 x {right key, wrong key, the other plugin's key, no key}, in both header forms.

The right key on a POST route is shown with a malformed body: it gets past the key check to the body check
(422), which writes nothing, so the whole matrix runs over the shared read-only Odoo sandbox.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests
from conftest import ERP_KEY, POS_KEY, WRONG_KEY, Service, service_on

from sandbox.odoo import OdooSandbox

ERP = [
    ("GET", "/health"),
    ("POST", "/inventory"),
    ("GET", "/orders"),
    ("GET", "/products"),
    ("POST", "/offers"),
    ("POST", "/customers"),
    ("POST", "/branches/working-hours"),
    ("POST", "/branches/working-hours/bulk"),
]
POS = [
    ("GET", "/health"),
    ("POST", "/inventory"),
    ("GET", "/orders"),
    ("POST", "/customers"),
    ("POST", "/branches/working-hours"),
    ("POST", "/branches/working-hours/bulk"),
]
# (method, path, the plugin's key, the other plugin's key): the legacy aliases take the ERP key
ROUTES = (
    [(m, "/linkit/erp" + p, ERP_KEY, POS_KEY) for m, p in ERP]
    + [(m, "/api/linkit" + p, ERP_KEY, POS_KEY) for m, p in ERP]
    + [(m, "/linkit/pos" + p, POS_KEY, ERP_KEY) for m, p in POS]
)
IDS = [f"{m} {p}" for m, p, _, _ in ROUTES]
MALFORMED = b'{"branches": [ {"branch_iv_id": "WH1",'  # cut off: not JSON


def _call(
    svc: Service, method: str, path: str, key: str | None, *, bearer: bool = False
) -> requests.Response:
    data = MALFORMED if method == "POST" else None
    return svc.call(method, path, key, bearer=bearer, data=data, headers={"Content-Type": "application/json"})


def _no_secret(text: str) -> None:
    assert ERP_KEY not in text and POS_KEY not in text and WRONG_KEY not in text


@pytest.mark.parametrize(("method", "path", "key", "other"), ROUTES, ids=IDS)
def test_route_by_key(read_service: Service, method: str, path: str, key: str, other: str) -> None:
    before = read_service.writes()
    for bearer in (False, True):
        right = _call(read_service, method, path, key, bearer=bearer)
        if method == "GET":
            assert right.status_code == 200, right.text
        else:  # past the key check: the body is looked at, and refused naming it
            assert right.status_code == 422, right.text
            assert right.json()["error"]["field"] == "body"
            assert "nothing was applied" in right.json()["message"]
        for wrong in (WRONG_KEY, other, None):
            got = _call(read_service, method, path, wrong, bearer=bearer)
            assert got.status_code == 401, (wrong, got.text)
            assert got.json()["success"] is False
            assert got.headers["WWW-Authenticate"].startswith("Bearer")
            _no_secret(got.text)
        refused = _call(read_service, method, path, other, bearer=bearer).json()["error"]
        assert refused["code"] == "wrong_plugin"
        _no_secret(right.text)
    assert read_service.writes() == before


def test_plugin_key_header_wins_over_bearer(read_service: Service) -> None:
    both = {"X-Linkit-Plugin-Key": WRONG_KEY, "Authorization": f"Bearer {ERP_KEY}"}
    assert read_service.call("GET", "/linkit/erp/health", None, headers=both).status_code == 401
    lower = {"authorization": f"bearer {ERP_KEY}"}
    assert read_service.call("GET", "/linkit/erp/health", None, headers=lower).status_code == 200
    raw = {"Authorization": ERP_KEY}  # Linkit's raw API-key form is not what the addon's routes take
    assert read_service.call("GET", "/linkit/erp/health", None, headers=raw).status_code == 401


def test_a_plugin_without_a_key_answers_503_naming_the_setting(
    odoo_sandbox: OdooSandbox, tmp_path: Path
) -> None:
    with service_on(odoo_sandbox, tmp_path, pos_plugin_key=None) as svc:
        got = svc.call("GET", "/linkit/pos/orders", POS_KEY)
        assert got.status_code == 503
        assert "pos_plugin_key" in got.json()["message"] and "LINKIT_POS_PLUGIN_KEY" in got.json()["message"]
        _no_secret(got.text)
        assert svc.call("GET", "/linkit/erp/health", ERP_KEY).status_code == 200


def test_unknown_route_and_wrong_method(read_service: Service) -> None:
    assert read_service.call("GET", "/linkit/erp/nothing").status_code == 404
    got = read_service.call("GET", "/linkit/erp/inventory")
    assert got.status_code == 405 and "POST" in got.json()["message"]


def test_no_key_reaches_a_log_line(read_service: Service, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for key in (ERP_KEY, POS_KEY, WRONG_KEY, None):
        for bearer in (False, True):
            read_service.call("GET", f"/linkit/erp/products?limit=1&key={key}", key, bearer=bearer)
            read_service.call("POST", "/linkit/pos/customers", key, bearer=bearer, json={"id": key})
    served = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith("urllib3")
    )  # the client's
    assert "GET /linkit/erp/products 200" in served and "GET /linkit/erp/products 401" in served
    _no_secret(served)
