"""Shared fixtures: a development certificate made by scripts/gen-dev-tls.sh, settings, a live TLS server."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from paybridge.app import create_app
from paybridge.config import Settings
from paybridge.terminal import Terminal

from .servers import serve_in_thread

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "gen-dev-tls.sh"
API_KEY = "test-key-0123456789abcdef"
ALLOWED_ORIGIN = "https://odoo.example.com"


@dataclass(frozen=True)
class Tls:
    cert: Path
    key: Path
    ca: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed: it is needed to make the test certificate")
    out = tmp_path_factory.mktemp("certs")
    subprocess.run(["bash", str(SCRIPT), str(out)], check=True, capture_output=True, timeout=30)
    return Tls(out / "paybridge-local.pem", out / "paybridge-local-key.pem", out / "paybridge-local-ca.pem")


@pytest.fixture
def settings(tls: Tls, tmp_path: Path) -> Settings:
    return Settings(
        api_key=API_KEY,
        tls_cert=tls.cert,
        tls_key=tls.key,
        db_path=tmp_path / "paybridge.sqlite3",
        port=0,
        cors_origins=(ALLOWED_ORIGIN, "http://localhost:8069"),
        mock_delay_ms=200,
        poll_interval_s=0.02,
        payment_timeout_s=5,
        start_wait_s=2,
    )


ServerFactory = Callable[..., AbstractContextManager[tuple[str, Any]]]


@pytest.fixture
def paybridge_server(tls: Tls, settings: Settings) -> ServerFactory:
    """``with paybridge_server(**overrides) as (url, app): ...`` serves Paybridge over real TLS."""

    @contextmanager
    def run(terminal: Terminal | None = None, **overrides: Any) -> Iterator[tuple[str, Any]]:
        app = create_app(replace(settings, **overrides), terminal=terminal)
        with serve_in_thread(app, certfile=tls.cert, keyfile=tls.key) as url:
            yield url, app

    return run


def headers(**extra: str) -> dict[str, str]:
    return {"X-Api-Key": API_KEY, **extra}
