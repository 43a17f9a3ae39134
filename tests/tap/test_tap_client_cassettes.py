"""OdooClient against vcrpy cassettes of a real Odoo 17 server (XML-RPC and JSON-RPC).

The cassettes replay the raw HTTP the real server sent; the body matcher compares the parsed call
(XML-RPC method + params, JSON-RPC ``params`` without the request ``id``) so that how our client
orders keyword arguments does not matter, and an ``offset`` of 0 counts as no offset.
"""

from __future__ import annotations

import json
import typing as t
import xmlrpc.client
from pathlib import Path

import pytest
import vcr

from tap_odoo.client import OdooClient
from tap_odoo.errors import OdooAuthError, OdooFault

CASSETTES = Path(__file__).resolve().parents[1] / "fixtures" / "cassettes"
URL = "http://127.0.0.1:8069"


def _drop_zero_offset(value: t.Any) -> t.Any:
    if isinstance(value, dict):
        return {k: _drop_zero_offset(v) for k, v in value.items() if not (k == "offset" and v == 0)}
    if isinstance(value, list | tuple):
        return [_drop_zero_offset(v) for v in value]
    return value


def _parsed_body(body: bytes | str | None) -> t.Any:
    if body is None:
        return None
    text = body.decode() if isinstance(body, bytes) else body
    if text.lstrip().startswith("<?xml"):
        params, method = xmlrpc.client.loads(text)
        return method, _drop_zero_offset(params)
    payload = json.loads(text)
    return payload.get("method"), _drop_zero_offset(payload.get("params"))


def _rpc_body(r1: t.Any, r2: t.Any) -> None:
    assert _parsed_body(r1.body) == _parsed_body(r2.body)


def _vcr() -> vcr.VCR:
    recorder = vcr.VCR(record_mode="none", match_on=["method", "uri", "rpc_body"])
    recorder.register_matcher("rpc_body", _rpc_body)
    return recorder


PRODUCT_FIELDS = [
    "id",
    "name",
    "default_code",
    "barcode",
    "list_price",
    "standard_price",
    "weight",
    "categ_id",
    "active",
    "write_date",
    "create_date",
    "product_tmpl_id",
    "type",
    "uom_id",
    "company_id",
    "seller_ids",
    "taxes_id",
]


def _client(protocol: str, password: str = "admin") -> OdooClient:  # noqa: S107
    return OdooClient(
        url=URL, database="demo17", username="admin", password=password, protocol=protocol, max_tries=1
    )


def test_xmlrpc_check_fields_get_and_paging() -> None:
    with _vcr().use_cassette(str(CASSETTES / "xmlrpc_session.yaml"), allow_playback_repeats=True):
        client = _client("xmlrpc")
        info = client.check()
        assert info["server_version"] == "17.0"
        assert info["uid"] == 2
        assert info["database"] == "demo17"
        assert info["protocol"] == "xmlrpc"

        fields = client.fields_get(
            "product.product",
            ["string", "type", "relation", "required", "readonly", "store", "selection", "related"],
        )
        assert fields["categ_id"]["type"] == "many2one"
        assert fields["categ_id"]["relation"] == "product.category"
        assert client.search_count("product.product", [], context={"active_test": False}) == 72

        context = {"active_test": False, "lang": "en_US"}
        rows: list[dict[str, t.Any]] = []
        for offset in (0, 40):
            rows += client.search_read(
                "product.product",
                [],
                PRODUCT_FIELDS,
                offset=offset,
                limit=40,
                order="id asc",
                context=context,
            )
        assert len(rows) == 72
        assert len({row["id"] for row in rows}) == 72
        first = rows[0]
        assert first["categ_id"] == [3, "All / Expenses"]  # many2one as [id, display name]
        assert first["default_code"] is False  # Odoo's False for empty
        assert isinstance(first["list_price"], float)

        by_date = client.search_read(
            "product.product",
            [["write_date", ">=", "2000-01-01 00:00:00"]],
            PRODUCT_FIELDS,
            limit=40,
            order="write_date asc, id asc",
        )
        keys = [(row["write_date"], row["id"]) for row in by_date]
        assert keys == sorted(keys)

        levels = client.read(
            "product.product",
            [1, 2, 3],
            ["qty_available", "virtual_available", "free_qty"],
            context={"warehouse": 1},
        )
        assert [row["id"] for row in levels] == [1, 2, 3]


def test_xmlrpc_faults_are_parsed_and_not_retried() -> None:
    with _vcr().use_cassette(str(CASSETTES / "xmlrpc_session.yaml"), allow_playback_repeats=True) as tape:
        client = _client("xmlrpc")
        client.max_tries = 5  # a fault must not be retried even when retries are allowed
        with pytest.raises(OdooFault) as unknown_model:
            client.execute_kw("no.such.model", "search_read", [[]], {"limit": 1})
        assert unknown_model.value.is_unknown_model
        assert unknown_model.value.code == 2

        with pytest.raises(OdooFault) as unknown_field:
            client.search_read("product.product", [], ["no_such_field"], limit=1)
        assert unknown_field.value.refused_fields() == ["no_such_field"]
        assert unknown_field.value.name == "ValueError"
        assert "Traceback" not in str(unknown_field.value)

        with pytest.raises(OdooFault, match="Invalid leaf"):
            client.search_read("product.product", [["name", "like2", "x"]], None, limit=1)
        # one login + each fault asked once: no retry of an Odoo fault
        assert tape.play_count == 1 + 3


def test_xmlrpc_wrong_password_names_url_db_user_not_secret() -> None:
    with _vcr().use_cassette(str(CASSETTES / "xmlrpc_session.yaml"), allow_playback_repeats=True):
        client = _client("xmlrpc", password="wrong")
        with pytest.raises(OdooAuthError) as err:
            client.check()
        message = str(err.value)
        assert URL in message and "demo17" in message and "'admin'" in message
        assert "wrong" not in message


def test_xmlrpc_access_denied_on_call_is_auth_error() -> None:
    with _vcr().use_cassette(str(CASSETTES / "xmlrpc_session.yaml"), allow_playback_repeats=True):
        client = _client("xmlrpc", password="wrong")
        client._uid = 2  # a session whose password was changed after login
        with pytest.raises(OdooAuthError) as err:
            client.search_read("product.product", [], None, limit=1)
        assert "wrong" not in str(err.value)


def test_jsonrpc_session_and_error_envelopes() -> None:
    with _vcr().use_cassette(str(CASSETTES / "jsonrpc_session.yaml"), allow_playback_repeats=True):
        client = _client("jsonrpc")
        info = client.check()
        assert info == {
            "server_version": "17.0",
            "server_serie": "17.0",
            "uid": 2,
            "database": "demo17",
            "protocol": "jsonrpc",
            "username": "admin",
            "url": URL,
        }
        rows = client.search_read(
            "product.product", [], PRODUCT_FIELDS, limit=40, order="id asc", context={"active_test": False}
        )
        assert len(rows) == 40
        assert rows[0]["categ_id"] == [3, "All / Expenses"]

        with pytest.raises(OdooFault) as unknown_model:
            client.execute_kw("no.such.model", "search_read", [[]], {"limit": 1})
        assert unknown_model.value.is_unknown_model
        assert unknown_model.value.name == "odoo.exceptions.UserError"

        with pytest.raises(OdooFault) as unknown_field:
            client.search_read("product.product", [], ["no_such_field"], limit=1)
        assert unknown_field.value.refused_fields() == ["no_such_field"]


def test_auto_protocol_picks_jsonrpc_below_19() -> None:
    with _vcr().use_cassette(str(CASSETTES / "jsonrpc_session.yaml"), allow_playback_repeats=True):
        client = OdooClient(url=URL, database="demo17", username="admin", password="admin", api_key=None)
        assert client.check()["protocol"] == "jsonrpc"


def test_fast_xmlrpc_parser_matches_xmlrpc_client_on_every_recorded_answer() -> None:
    import yaml

    from tap_odoo import xmlrpc_fast

    tape = yaml.safe_load((CASSETTES / "xmlrpc_session.yaml").read_text())
    checked = 0
    for interaction in tape["interactions"]:
        body = interaction["response"]["body"]["string"]
        data = body.encode() if isinstance(body, str) else body
        try:
            expected: t.Any = xmlrpc.client.loads(data, use_builtin_types=True)[0][0]
        except xmlrpc.client.Fault as fault:
            with pytest.raises(xmlrpc.client.Fault) as got:
                xmlrpc_fast.loads(data)
            assert (got.value.faultCode, got.value.faultString) == (fault.faultCode, fault.faultString)
        else:
            assert xmlrpc_fast.loads(data) == expected
        checked += 1
    assert checked == 15
    odd = xmlrpc.client.dumps(
        (
            {
                "n": None,
                "b": b"\x00\x01",
                "i": 2**31 - 1,
                "f": 1.5,
                "t": True,
                "s": "x<y",
                "l": [1, [2]],
                "e": "",
            },
        ),
        methodresponse=True,
        allow_none=True,
    ).encode()
    assert xmlrpc_fast.loads(odd) == xmlrpc.client.loads(odd, use_builtin_types=True)[0][0]
    with pytest.raises(ValueError, match="DOCTYPE"):
        xmlrpc_fast.loads(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><methodResponse/>')
