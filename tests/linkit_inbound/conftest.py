"""The Linkit inbound service under real uvicorn on 127.0.0.1, port 0, against Odoo sandboxes.

A real socket, not Starlette's TestClient: what is tested is what a Linkit app meets (headers through a
real HTTP stack, the thread pool the blocking writer runs in, uvicorn's lifespan). `read_service` serves
over the session's read-only `odoo_sandbox` (auth matrix, feeds, refused bodies: nothing there writes);
`write_service` gets an Odoo sandbox of its own per test (writes change it).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import uvicorn

from linkit_inbound.app import create_app
from linkit_inbound.settings import Settings
from sandbox.odoo import OdooSandbox, serve_odoo

ERP_KEY = "erp-test-key-5f0c2e9a71d44b3c"
POS_KEY = "pos-test-key-8b1d6a3f20e94c57"
WRONG_KEY = "not-the-key-0000000000000000"
WRITES = ("create", "write", "unlink", "action_apply_inventory")


@dataclass
class Service:
    url: str
    settings: Settings
    odoo: OdooSandbox

    def call(
        self, method: str, path: str, key: str | None = ERP_KEY, *, bearer: bool = False, **kw: Any
    ) -> requests.Response:
        headers = dict(kw.pop("headers", {}))
        if key is not None:
            headers.update({"Authorization": f"Bearer {key}"} if bearer else {"X-Linkit-Plugin-Key": key})
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kw)

    def writes(self) -> int:
        return sum(n for (_model, method), n in self.odoo.calls.items() if method in WRITES)


def settings_for(odoo: OdooSandbox, tmp: Path, **over: Any) -> Settings:
    fields: dict[str, Any] = {
        "odoo": {
            "url": odoo.url,
            "database": odoo.db,
            "username": "admin",
            "password": "admin",
            "max_tries": 2,
            "backoff_factor": 0.01,
            "timeout": 20,
        },
        "erp_plugin_key": ERP_KEY,
        "pos_plugin_key": POS_KEY,
        "port": 0,
        "ledger_url": f"sqlite:///{tmp}/ledger.sqlite",
    }
    fields.update(over)
    return Settings(**fields)


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Base URL while uvicorn serves ``app`` in a thread, on a loopback port the OS picks."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@contextmanager
def service_on(odoo: OdooSandbox, tmp: Path, **over: Any) -> Iterator[Service]:
    settings = settings_for(odoo, tmp, **over)
    with served(create_app(settings)) as url:
        yield Service(url, settings, odoo)


@pytest.fixture(scope="module")
def read_service(odoo_sandbox: OdooSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Over the shared read-only sandbox: only requests that write nothing go here."""
    with service_on(odoo_sandbox, tmp_path_factory.mktemp("inbound-read")) as service:
        yield service


@pytest.fixture
def odoo() -> Iterator[OdooSandbox]:
    with serve_odoo(port=0) as sandbox:
        yield sandbox


ServiceFactory = Callable[..., AbstractContextManager[Service]]


@pytest.fixture
def write_service(odoo: OdooSandbox, tmp_path: Path) -> ServiceFactory:
    """``with write_service(**settings) as svc:`` over this test's own Odoo sandbox."""

    def make(**over: Any) -> AbstractContextManager[Service]:
        return service_on(odoo, tmp_path, **over)

    return make
