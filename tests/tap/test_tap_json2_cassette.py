"""OdooClient over JSON-2 against the vcrpy cassette of a real Odoo 19.0 (a copy of shared/fixtures/odoo19's):
the version and login, quantities per warehouse under the context key tap_odoo.stock sends for 19 (and what
17's key gets there: company-wide totals), and 19's faults recognised. Bodies are compared parsed (JSON)."""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest
import vcr

from tap_odoo.client import OdooClient
from tap_odoo.errors import OdooAuthError, OdooFault
from tap_odoo.stock import warehouse_context

CASSETTE = Path(__file__).resolve().parents[2] / "sandbox/odoo/recordings19/cassettes/json2_session.yaml"
URL = "http://127.0.0.1:8071"
QTY = ["qty_available", "virtual_available", "free_qty"]


def _json_body(r1: t.Any, r2: t.Any) -> None:
    def parsed(body: bytes | str | None) -> t.Any:
        return json.loads(body) if body else None

    assert parsed(r1.body) == parsed(r2.body)


def _client(key: str = "<admin-api-key>") -> OdooClient:
    return OdooClient(URL, "demo19", "admin", api_key=key, protocol="json2", max_tries=1)


def test_json2_session_of_a_real_19() -> None:
    recorder = vcr.VCR(record_mode="none", match_on=["method", "uri", "json_body"])
    recorder.register_matcher("json_body", _json_body)
    with recorder.use_cassette(str(CASSETTE), allow_playback_repeats=True):  # two logins
        client = _client()
        checked = client.check()
        assert (checked["server_version"], checked["uid"], checked["protocol"]) == ("19.0", 2, "json2")
        assert "notice" not in checked  # JSON-2: nothing deprecated

        def qty(context: dict[str, t.Any]) -> list[float]:
            rows = client.read("product.product", [8, 13, 14], QTY, context=context)
            return [row["qty_available"] for row in rows]

        total = qty(warehouse_context(1, 19))  # warehouse 1 holds all of demo19's stock
        assert qty(warehouse_context(2, 19)) == [0.0, 0.0, 0.0]  # what the tap asks a 19
        assert qty(warehouse_context(2, 17)) == total  # 17's key on 19: company-wide totals

        with pytest.raises(OdooFault) as unknown:
            client.search_read("no.such.model", [], None, limit=1)
        assert unknown.value.is_unknown_model
        with pytest.raises(OdooFault) as refused:
            client.search_read("product.product", [], ["no_such_field"], limit=1)
        assert refused.value.refused_fields() == ["no_such_field"]
        with pytest.raises(OdooAuthError) as wrong_key:
            _client("a-wrong-key").execute_kw(
                "product.product", "search_read", [[]], {"fields": ["id"], "limit": 1}
            )
        assert "a-wrong-key" not in str(wrong_key.value)
