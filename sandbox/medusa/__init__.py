"""Loopback MarqaSouq/Medusa backend speaking the `/odoo/*` API of seed 002.

from sandbox.medusa import serve_medusa
with serve_medusa(api_key="k", port=0) as m:
    m.url, m.state.products, m.faults.configure(error_rate=0.1)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sandbox.medusa.faults import Faults
from sandbox.medusa.server import MedusaHTTPServer, WriteHook
from sandbox.medusa.state import MedusaState, RequestLogEntry

__all__ = ["Faults", "MedusaSandbox", "MedusaState", "RequestLogEntry", "serve_medusa"]


@dataclass
class MedusaSandbox:
    """A running sandbox: its URL, state, fault switches and API key."""

    url: str
    state: MedusaState
    faults: Faults
    api_key: str
    server: MedusaHTTPServer

    def on_write(self, hook: WriteHook) -> None:
        """Call `hook(method, path)` after each applied write, before the answer goes out."""
        self.server.after_write.append(hook)


@contextmanager
def serve_medusa(
    api_key: str = "sandbox-medusa-key",
    port: int = 0,
    host: str = "127.0.0.1",
    state: MedusaState | None = None,
    faults: Faults | None = None,
) -> Iterator[MedusaSandbox]:
    """Serve the sandbox in a background thread for the duration of the block."""
    if not api_key:
        raise ValueError("api_key must not be empty")
    server = MedusaHTTPServer((host, port), api_key, state or MedusaState(), faults or Faults())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="medusa-sandbox", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    try:
        yield MedusaSandbox(
            f"http://{bound_host!s}:{bound_port}", server.state, server.faults, api_key, server
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
