"""Wrong settings fail at start, naming the setting, before a single request reaches the server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import typing as t
from pathlib import Path

import pytest
from singer_sdk.exceptions import ConfigValidationError

from tap_odoo.tap import TapOdoo, resolve_models

SECRET = "s3cr3t-never-printed"


class ConnectionCounter:
    """A TCP listener on 127.0.0.1:0 that only counts the connections it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.count = 0
        self._stop = False
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.count += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> t.Iterator[ConnectionCounter]:
    counter = ConnectionCounter()
    yield counter
    counter.close()


def _config(base: str, **extra: t.Any) -> dict[str, t.Any]:
    config = {"url": base, "database": "demo17", "username": "admin", "password": SECRET}
    config.update(extra)
    return config


@pytest.mark.parametrize(
    ("extra", "setting"),
    [
        ({"url": "odoo.example.com"}, "url"),
        ({"url": "ftp://odoo.example.com"}, "url"),
        ({"lang": "english"}, "lang"),
        ({"lang": "EN_us"}, "lang"),
        ({"page_size": -5}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"protocol": "soap"}, "protocol"),
        ({"active_records": "some"}, "active_records"),
        ({"pagination": "cursor"}, "pagination"),
        ({"max_tries": 0}, "max_tries"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"models": ["Product Product"]}, "models"),
        ({"domains": {"sale.order": "state = sale"}}, "domains.sale.order"),
        ({"password": None, "api_key": None}, "password / api_key"),
        ({"protocol": "json2"}, "json2 needs api_key"),
    ],
)
def test_bad_setting_fails_before_any_request(
    listener: ConnectionCounter, extra: dict[str, t.Any], setting: str
) -> None:
    config = _config(listener.url, **extra)
    with pytest.raises(ConfigValidationError) as err:
        TapOdoo(config=config)
    messages = "\n".join(err.value.errors)
    assert setting in messages
    assert SECRET not in messages
    assert listener.count == 0


def test_good_languages_pass() -> None:
    from tap_odoo.tap import config_errors

    for lang in ("en_US", "fr_BE", "ar_001", "sr@latin", "nl_NL"):
        assert config_errors(_config("http://127.0.0.1:1", lang=lang)) == []


def test_unknown_explicit_model_suggests_nearest_names() -> None:
    available = {"product.product", "product.template", "sale.order", "sale.order.line"}
    with pytest.raises(ConfigValidationError) as err:
        resolve_models(["product.prodcut", "sale.order"], available, lambda _msg: None)
    assert "product.prodcut" in err.value.errors[0]
    assert "did you mean product.product" in err.value.errors[0]


def test_patterns_and_missing_defaults() -> None:
    logged: list[str] = []
    available = {"product.product", "product.template", "sale.order", "res.partner"}
    assert resolve_models(["product.*"], available, logged.append) == ["product.product", "product.template"]
    defaults = resolve_models(None, available, logged.append)
    assert defaults == ["res.partner", "product.product", "product.template", "sale.order"]
    assert any("mrp.bom is not installed" in line for line in logged)


def test_cli_bad_config_exits_1_naming_setting(tmp_path: Path, listener: ConnectionCounter) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(_config(listener.url, lang="english", page_size=-1)))
    done = subprocess.run(
        [sys.executable, "-m", "tap_odoo", "--config", str(path), "--discover"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "lang" in done.stderr and "page_size" in done.stderr
    assert SECRET not in done.stderr + done.stdout
    assert listener.count == 0


def test_redirect_names_the_new_address() -> None:
    import http.server

    from tap_odoo.client import OdooClient
    from tap_odoo.errors import OdooHTTPError

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.send_response(301)
            self.send_header("Location", "https://odoo.example.com" + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: t.Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = OdooClient(
            url=f"http://127.0.0.1:{server.server_address[1]}",
            database="db",
            username="u",
            password=SECRET,
            max_tries=1,
        )
        with pytest.raises(OdooHTTPError) as err:
            client.check()
        assert "https://odoo.example.com/" in str(err.value) and "set url" in str(err.value)
        assert SECRET not in str(err.value)
    finally:
        server.shutdown()
        server.server_close()
