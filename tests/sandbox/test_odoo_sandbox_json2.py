"""Odoo 19's JSON-2 API (bearer key, named arguments, JSON errors with HTTP status) and the version switch."""

from __future__ import annotations

import http.client
import json
import xmlrpc.client
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from odoo_sandbox_clients import execute, json2, post

from sandbox.odoo import OdooSandbox, serve_odoo


@pytest.fixture(scope="module")
def sb19() -> Iterator[OdooSandbox]:
    with serve_odoo(products=0, version="19.0") as sb:
        yield sb


def key(sb: OdooSandbox, login: str = "admin") -> str:
    return str(sb.users[login]["api_key"])


def get(url: str, path: str) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def test_search_read_matches_xmlrpc(sb19: OdooSandbox) -> None:
    body = {
        "domain": [["categ_id.name", "=", "Office"]],  # the 19 recordings' category
        "fields": ["name", "categ_id"],
        "order": "id asc",
        "limit": 5,
        "context": {"lang": "en_US"},
    }
    status, got = json2(sb19, "product.product", "search_read", body, key(sb19), sb19.db)
    assert status == 200 and len(got) == 5
    assert got == execute(
        sb19, "product.product", "search_read", body["domain"], fields=body["fields"], order="id asc", limit=5
    )


def test_ids_and_named_arguments(sb19: OdooSandbox) -> None:
    status, got = json2(sb19, "product.product", "read", {"ids": [1, 2], "fields": ["name"]}, key(sb19))
    assert status == 200 and got == [
        {"id": 1, "name": "Restaurant Expenses"},
        {"id": 2, "name": "Hotel Accommodation"},
    ]
    status, count = json2(
        sb19, "product.product", "search_count", {"domain": [], "context": {"active_test": False}}, key(sb19)
    )
    assert (status, count) == (200, 50)  # the 19 recordings
    status, pairs = json2(
        sb19, "res.partner", "name_search", {"name": "Gemini", "domain": [], "limit": 5}, key(sb19)
    )
    assert status == 200 and [10, "Gemini Furniture"] in pairs
    status, fields = json2(sb19, "res.country", "fields_get", {"attributes": ["type"]}, key(sb19))
    assert status == 200 and fields["name"] == {"type": "char"}


def test_create_write_unlink(sb19: OdooSandbox) -> None:
    status, new_ids = json2(sb19, "res.partner", "create", {"vals_list": [{"name": "JSON Two"}]}, key(sb19))
    assert status == 200 and isinstance(new_ids, list)
    status, ok = json2(sb19, "res.partner", "write", {"ids": new_ids, "vals": {"city": "Ghent"}}, key(sb19))
    assert (status, ok) == (200, True)
    assert (
        json2(sb19, "res.partner", "read", {"ids": new_ids, "fields": ["city"]}, key(sb19))[1][0]["city"]
        == "Ghent"
    )
    assert json2(sb19, "res.partner", "unlink", {"ids": new_ids}, key(sb19)) == (200, True)
    assert json2(sb19, "res.partner", "read", {"ids": new_ids, "fields": ["city"]}, key(sb19)) == (200, [])


@pytest.mark.parametrize(
    ("model", "method", "body", "login", "status", "name", "message"),
    [
        (
            "product.product",
            "search_read",
            {},
            None,
            401,
            "werkzeug.exceptions.Unauthorized",
            "Invalid apikey",
        ),
        (
            "product.product",
            "search_read",
            {},
            "wrong",
            401,
            "werkzeug.exceptions.Unauthorized",
            "Invalid apikey",
        ),
        (
            "no.such.model",
            "search_read",
            {},
            "admin",
            404,
            "werkzeug.exceptions.NotFound",
            "the model 'no.such.model' does not exist",
        ),
        (
            "product.product",
            "no_such_method",
            {},
            "admin",
            404,
            "builtins.AttributeError",
            "The method 'product.product.no_such_method' does not exist",
        ),
        (
            "product.product",
            "search_read",
            {"domain": [["name", "like2", "x"]]},
            "admin",
            500,
            "builtins.ValueError",
            "Invalid operator in condition ('name', 'like2', 'x')",
        ),
        (
            "product.product",
            "search_read",
            {"fields": ["no_such_field"]},
            "admin",
            500,
            "builtins.ValueError",
            "Invalid field 'no_such_field' on 'product.product'",
        ),
        (
            "product.product",
            "write",
            {"ids": [1], "vals": {"name": "x"}},
            "demo",
            403,
            "odoo.exceptions.AccessError",
            None,
        ),
        (
            "product.product",
            "write",
            {"ids": [999999], "vals": {"name": "x"}},
            "admin",
            404,
            "odoo.exceptions.MissingError",
            None,
        ),
        (
            "product.product",
            "_compute_display_name",
            {"ids": [1]},
            "admin",
            403,
            "odoo.exceptions.AccessError",
            "Private methods (such as 'product.product._compute_display_name') cannot be called remotely.",
        ),
    ],
)
def test_errors_are_json_with_http_status(
    sb19: OdooSandbox,
    model: str,
    method: str,
    body: dict[str, object],
    login: str | None,
    status: int,
    name: str,
    message: str | None,
) -> None:
    api_key = None if login is None else ("0" * 40 if login == "wrong" else key(sb19, login))
    got_status, got = json2(sb19, model, method, body, api_key)
    assert got_status == status
    assert set(got) == {"name", "message", "arguments", "context", "debug"}
    assert got["name"] == name and got["arguments"][0] == got["message"]
    assert got["debug"].startswith("Traceback (most recent call last):\n")
    if message is not None:
        assert got["message"] == message
    if status == 401:
        assert got["arguments"] == ["Invalid apikey", 401]


def test_wrong_database_and_bad_json(sb19: OdooSandbox) -> None:
    status, got = json2(sb19, "product.product", "search_count", {}, key(sb19), db="nope")
    assert status == 404 and b"No database is selected" in got  # an HTML page, as a real 19 answers
    status, _, raw = post(
        sb19.url,
        "/json/2/product.product/search_count",
        b"{not json",
        {"Authorization": f"bearer {key(sb19)}", "Content-Type": "application/json"},
    )
    assert status == 400 and json.loads(raw)["name"] == "werkzeug.exceptions.BadRequest"


def test_error_context_is_the_request_context(sb19: OdooSandbox) -> None:
    body = {"domain": [["nope", "=", 1]], "context": {"lang": "en_US"}}
    status, got = json2(sb19, "product.product", "search", body, key(sb19))
    assert status == 500 and got["context"] == {"lang": "en_US"}


def test_web_version_and_reported_version(sb19: OdooSandbox) -> None:
    status, raw = get(sb19.url, "/web/version")
    assert status == 200 and json.loads(raw) == {
        "version": "19.0",
        "version_info": [19, 0, 0, "final", 0, ""],
    }
    common = xmlrpc.client.ServerProxy(f"{sb19.url}/xmlrpc/2/common")
    info: Any = common.version()
    assert info["server_version_info"] == [19, 0, 0, "final", 0, ""]


def test_json2_and_web_version_are_404_before_19(odoo_sandbox: OdooSandbox) -> None:
    status, _ = json2(odoo_sandbox, "product.product", "search_read", {}, key(odoo_sandbox))
    assert status == 404
    assert get(odoo_sandbox.url, "/web/version")[0] == 404


@pytest.mark.parametrize("version", ["15.0", "16.0", "18.0"])
def test_configurable_version(version: str) -> None:
    with serve_odoo(version=version) as sb:
        common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
        info: Any = common.version()
        assert info["server_version"] == info["server_serie"] == version
        assert info["server_version_info"][0] == int(version[:2])


def test_unsupported_version_fails_at_start() -> None:
    with pytest.raises(ValueError, match="version must be one of"), serve_odoo(version="20.0"):
        pass


def test_unknown_named_argument_is_a_clear_error(sb19: OdooSandbox) -> None:
    status, got = json2(sb19, "product.product", "search_read", {"domian": []}, key(sb19))
    assert status == 500 and got["name"] == "builtins.TypeError" and "domian" in got["message"]
