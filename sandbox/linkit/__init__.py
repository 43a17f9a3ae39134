"""Loopback Linkit middleware `/api/v1` (the contract in `../shared/research/linkit-api.md`).

from sandbox.linkit import serve_linkit
with serve_linkit(api_token="t", port=0) as l:
    l.url + "/api/v1", l.state.skus, l.faults.configure(error_rate=0.1), l.state.suspended = True

Default answers are the most minimal the published contract allows; every answer the research file does not
show is marked `ASSUMPTION (Linkit silent, Gn)` in `sandbox/linkit/app.py` and listed in
`docs/sandbox-linkit.md`. Richer answers are switches, never the default.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from sandbox.linkit.app import ANSWERS, AUTH_SCHEMES, ORDER_SHAPES, Answers, AuthScheme, OrderShape, Settings
from sandbox.linkit.faults import Faults
from sandbox.linkit.server import LinkitHTTPServer, WriteHook
from sandbox.linkit.state import LinkitState, RequestLogEntry

__all__ = [
    "ANSWERS",
    "AUTH_SCHEMES",
    "ORDER_SHAPES",
    "Answers",
    "AuthScheme",
    "Faults",
    "LinkitSandbox",
    "LinkitState",
    "OrderShape",
    "RequestLogEntry",
    "Settings",
    "serve_linkit",
]


@dataclass
class LinkitSandbox:
    """A running sandbox: its URL (without `/api/v1`), state, fault switches, token and settings."""

    url: str
    state: LinkitState
    faults: Faults
    api_token: str
    server: LinkitHTTPServer

    @property
    def api_url(self) -> str:
        return self.url + "/api/v1"

    @property
    def settings(self) -> Settings:
        return self.server.app.settings

    def on_write(self, hook: WriteHook) -> None:
        """Call `hook(method, path)` after each applied write, before the answer goes out."""
        self.server.after_write.append(hook)


@contextmanager
def serve_linkit(
    api_token: str = "sandbox-linkit-token",  # noqa: S107 (a loopback sandbox's default)
    port: int = 0,
    host: str = "127.0.0.1",
    state: LinkitState | None = None,
    faults: Faults | None = None,
    *,
    auth_scheme: AuthScheme = "bearer",
    answers: Answers = "minimal",
    order_shape: OrderShape = "unified",
    sku_id_rule: Literal["strict", "free"] = "strict",
    offer_remote_id_visible: bool = False,
    allow_overnight: bool = False,
    sort_fields: tuple[str, ...] = ("created", "name_en"),
) -> Iterator[LinkitSandbox]:
    """Serve the sandbox in a background thread for the duration of the block.

    `auth_scheme` (G1): "bearer" (default, what the Odoo addon sends), "raw" (`Authorization: <key>`) or
    "either". The other keywords are the answer switches described in `docs/sandbox-linkit.md`.
    """
    if not api_token:
        raise ValueError("api_token must not be empty")
    settings = Settings(
        answers=answers,
        order_shape=order_shape,
        sku_id_rule=sku_id_rule,
        offer_remote_id_visible=offer_remote_id_visible,
        allow_overnight=allow_overnight,
        sort_fields=tuple(sort_fields),
    )
    server = LinkitHTTPServer(
        (host, port), api_token, state or LinkitState(), faults or Faults(), settings, auth_scheme
    )
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="linkit-sandbox", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    try:
        yield LinkitSandbox(
            f"http://{bound_host!s}:{bound_port}", server.state, server.faults, api_token, server
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
