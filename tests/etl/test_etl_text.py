"""No credentials and no megabyte values in logs, errors, the ledger or `odoo-hub` output (etl.text)."""

from __future__ import annotations

import contextlib
import json
import logging
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from etl_shop import ShopServer
from test_etl_cli import ODOO_HUB, base_env
from test_etl_sink import engine

from etl.http import HttpClient, HttpError
from etl.ledger import Accepted, ClaimResult, Ledger
from etl.text import short_key, shorten, strip_userinfo
from etl.validation import PayloadInvalid, PayloadValidator

MB = 1_000_000


# ---------------------------------------------------------------- the functions


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "http://user:secret@127.0.0.1:8069/odoo/products?x=1#f",
            "http://127.0.0.1:8069/odoo/products?x=1#f",
        ),
        ("https://user@host/p", "https://host/p"),
        ("https://a:p%40ss@word@host:1/", "https://host:1/"),
        ("postgresql+psycopg://odoo:pw@db.internal:5432/hub", "postgresql+psycopg://db.internal:5432/hub"),
        ("http://host/path@not-userinfo", "http://host/path@not-userinfo"),
        ("http://host:9000", "http://host:9000"),
        (
            "POST http://u:p@a.example/x failed; see https://k:v@b.example/y and mail me@example.com",
            "POST http://a.example/x failed; see https://b.example/y and mail me@example.com",
        ),
        ("no url here", "no url here"),
    ],
)
def test_strip_userinfo(given: str, expected: str) -> None:
    assert strip_userinfo(given) == expected


def test_shorten_says_how_much_was_left_out() -> None:
    assert shorten("short") == "short"
    assert shorten("x" * 200) == "x" * 200
    cut = shorten("A" * MB)
    assert len(cut) <= 200 and cut.startswith("AAAA") and cut.endswith(f"…[+{MB - cut.index('…'):,} chars]")
    assert shorten("B" * 50, limit=30) == "B" * (30 - len("…[+XX chars]")) + f"…[+{50 - 18} chars]"
    assert len(shorten("C" * 50, limit=30)) == 30
    assert shorten(12345678901234567890, limit=15) == "123…[+17 chars]"  # any value, as text


def test_short_key_is_stable_bounded_and_keeps_long_keys_apart() -> None:
    assert short_key("GEN-000001") == "GEN-000001"
    assert short_key("K" * 200) == "K" * 200
    one, two = "S" * MB + "1", "S" * MB + "2"
    assert len(short_key(one)) == 200 and short_key(one) == short_key(one)
    assert short_key(one) != short_key(two)
    assert short_key(short_key(one)) == short_key(one)
    assert short_key(one).startswith("S" * 100) and "…" in short_key(one)


# ---------------------------------------------------------------- HTTP: no credentials in logs / errors


class Unavailable(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        out = json.dumps({"error": {"code": "BUSY", "message": "try later " + "z" * 5000}}).encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)


@pytest.fixture
def unavailable() -> Iterator[str]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    srv.daemon_threads = True
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()


def test_retry_lines_errors_and_events_carry_no_credentials(
    unavailable: str, ledger: Ledger, caplog: pytest.LogCaptureFixture
) -> None:
    base = unavailable.replace("http://", "http://user:secret@")
    http = HttpClient(base, max_retries=2, ledger=ledger, platform="p", sleep=lambda _s: None)
    with caplog.at_level(logging.INFO, logger="etl.http"), pytest.raises(HttpError) as err:
        http.post("/odoo/products", json={"sku": "A"}, entity="product", key="A")
    retries = [r.getMessage() for r in caplog.records if r.name == "etl.http" and "retry" in r.getMessage()]
    assert len(retries) == 2
    for line in retries:
        assert "secret" not in line and "user:" not in line and "user@" not in line
        assert f"{unavailable}/odoo/products" in line  # scheme, host, port and path stay
        assert len(line) < 500  # the 5 kB error body is cut in the log line
    assert "secret" not in str(err.value) and "user:" not in err.value.url
    assert err.value.url == f"{unavailable}/odoo/products"
    assert "secret" not in repr(http)
    events = ledger.events(limit=10)
    assert events and all(e["url"] == f"{unavailable}/odoo/products" for e in events)
    assert "secret" not in json.dumps(events, default=str)


def test_transport_errors_name_no_credentials(caplog: pytest.LogCaptureFixture) -> None:
    http = HttpClient(
        "http://user:secret@127.0.0.1:9/", max_retries=1, max_retry_time=5, sleep=lambda _s: None
    )
    with caplog.at_level(logging.INFO, logger="etl.http"), pytest.raises(Exception) as err:
        http.post("/x", json={})
    assert "secret" not in str(err.value) and "user:" not in str(err.value)
    assert all("secret" not in r.getMessage() for r in caplog.records)


# ---------------------------------------------------------------- the ledger: 1 MB keys


def test_megabyte_keys_become_stable_short_keys_in_the_ledger(ledger_url: str) -> None:
    """On SQLite and PostgreSQL (whose key columns hold 255 characters)."""
    ledger = Ledger(ledger_url)
    run = ledger.start_run("f", "p")
    one, two = "S" * MB + "1", "S" * MB + "2"
    for key in (one, two, one):
        ledger.add_dead_letter(
            run_id=run, platform="p", entity="product", key=key, record={"k": key}, reason="r"
        )
    letters = ledger.dead_letters("p")
    assert len(letters) == 2 and all(len(d.key) <= 260 for d in letters)
    assert {d.key for d in letters} == {short_key(one), short_key(two)}
    assert {d.key: d.attempts for d in letters}[short_key(one)] == 2  # upsert per key still meets
    assert letters[0].record["k"] in (one, two)  # the record itself is kept whole, for retry

    ledger.record_event(run_id=run, platform="p", entity="product", key=one, outcome="failed")
    assert ledger.events(run)[0]["key"] == short_key(one)

    assert ledger.claim_many("p", "product", {one: "h1", two: "h2"}, run_id=run) == {
        one: ClaimResult.CLAIMED,
        two: ClaimResult.CLAIMED,
    }
    ledger.record_many("p", [Accepted("product", one, "h1", sku=one, odoo_id=7)], run)
    assert ledger.hashes("p", "product", [one, two]) == {one: "h1"}  # answered under the key asked
    binding = ledger.get_binding("p", "product", one)
    assert binding is not None and binding.key == short_key(one) and binding.sku == short_key(one)
    assert [d.key for d in ledger.dead_letters("p")] == [short_key(two)]  # the accepted one is resolved
    assert ledger.claim("p", "product", one, "h1", run_id=run) is ClaimResult.UNCHANGED
    ledger.record_success(platform="p", entity="product", key=two, payload_hash="h2", run_id=run)
    assert ledger.dead_letters("p") == []


def test_megabyte_skus_through_the_engine_and_odoo_hub(shop: ShopServer, tmp_path: Path) -> None:
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    one, two = "S" * MB + "1", "S" * MB + "2"
    shop.blocked = {one, two}
    records = [
        {"id": i, "default_code": sku, "name": "Desk", "list_price": 2, "sale_ok": True}
        for i, sku in enumerate((one, two, "OK-1"), start=1)
    ]
    for _ in range(2):
        eng = engine(shop, ledger, tmp_path)
        for rec in records:
            eng.process("product_template", rec)
        summary = eng.finish()
        assert summary.failed == 2
    letters = ledger.dead_letters("shop")
    assert sorted(len(d.key) for d in letters) == [200, 200] and len({d.key for d in letters}) == 2
    assert [d.attempts for d in letters] == [2, 2]

    env = {**base_env(tmp_path), "ODOO_HUB_LEDGER_URL": ledger.url}
    out = subprocess.run([ODOO_HUB, "dead-letters"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert len(lines) == 4 and max(len(line) for line in lines) < 250, lines
    assert "…" in lines[2] and "chars]" in lines[2]
    listed = subprocess.run(
        [ODOO_HUB, "dead-letters", "--json"], env=env, capture_output=True, text=True, timeout=120
    )
    assert sorted(d["key"] for d in json.loads(listed.stdout)) == sorted(d.key for d in letters)

    shop.blocked = set()
    eng = engine(shop, ledger, tmp_path)
    for rec in records:
        eng.process("product_template", rec)
    assert eng.finish().sent == 2  # the two fixed ones, under their short keys; OK-1 unchanged
    assert ledger.dead_letters("shop") == []


def test_a_megabyte_value_is_cut_in_validation_reasons() -> None:
    validator = PayloadValidator("medusa")
    payload = {"sku": "A", "title": "Desk", "price": "9" * MB, "category_handle": "Not A Slug " * 100_000}
    issues = {i.path: i.reason for i in validator.issues("product", payload)}
    assert set(issues) == {"$.price", "$.category_handle"}
    assert all(len(reason) <= 300 for reason in issues.values())
    assert "is not of type 'integer'" in issues["$.price"] and "chars]" in issues["$.price"]
    with pytest.raises(PayloadInvalid) as err:
        validator.check("product", payload, key="A")
    assert len(str(err.value)) < 1000
