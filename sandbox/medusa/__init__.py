"""Loopback MarqaSouq/Medusa backend speaking the `/odoo/*` API of seed 002.

from sandbox.medusa import serve_medusa
with serve_medusa(api_key="k", port=0) as m:
    m.url, m.state.products, m.faults.configure(error_rate=0.1)

By default (`answers="seed"`) every answer has exactly the shape seed 002 shows, or, where the seed shows
none, the most minimal one its examples allow (each such choice is marked `ASSUMPTION (seed 002 silent)` in
`sandbox/medusa/app.py`). `answers="rich"` gives the sandbox's older, more detailed answers (bulk `errors`
with index/sku, order metadata flags, ...): not the contract, never what a client may rely on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sandbox.medusa.app import ANSWERS, Answers
from sandbox.medusa.faults import Faults
from sandbox.medusa.server import MedusaHTTPServer, WriteHook
from sandbox.medusa.state import MedusaState, RequestLogEntry

__all__ = ["ANSWERS", "Answers", "Faults", "MedusaSandbox", "MedusaState", "RequestLogEntry", "serve_medusa"]


@dataclass
class MedusaSandbox:
    """A running sandbox: its URL, state, fault switches and API key."""

    url: str
    state: MedusaState
    faults: Faults
    api_key: str
    server: MedusaHTTPServer

    @property
    def answers(self) -> Answers:
        """Which answers it gives: "seed" (seed 002's shapes, the default) or "rich" (not the contract)."""
        return self.server.app.answers

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
    answers: Answers = "seed",
) -> Iterator[MedusaSandbox]:
    """Serve the sandbox in a background thread for the duration of the block.

    `answers="seed"` (default): answers exactly as seed 002 shows; `"rich"`: the richer, non-contract answers.
    """
    if not api_key:
        raise ValueError("api_key must not be empty")
    server = MedusaHTTPServer((host, port), api_key, state or MedusaState(), faults or Faults(), answers)
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
