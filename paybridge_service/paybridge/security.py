"""API key and Odoo-session checks, request size limit, access log without secrets, WebSocket tickets."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("paybridge.access")
OPEN_PATHS = frozenset({"/healthz"})
MAX_SESSION_HEADER = 512


def key_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison (the length of ``given`` is the only thing that can leak)."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def send_error(
    send: Send, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class ApiKeyMiddleware:
    """``X-Api-Key`` on every HTTP route but /healthz; ``X-Odoo-Session`` on /payment routes when required.

    WebSocket scopes pass through: ``/events`` checks its ticket (or key) itself, as browsers cannot set
    headers on a WebSocket.
    """

    def __init__(self, app: ASGIApp, api_key: str, require_odoo_session: bool) -> None:
        self.app = app
        self.api_key = api_key
        self.require_odoo_session = require_odoo_session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if not key_matches(_header(scope, b"x-api-key"), self.api_key):
            await send_error(
                send, 401, "unauthorized", "missing or wrong X-Api-Key header (Odoo: Paybridge → API key)"
            )
            return
        if self.require_odoo_session and scope["path"].startswith("/payment"):
            session = (_header(scope, b"x-odoo-session") or "").strip()
            if not session or len(session) > MAX_SESSION_HEADER:
                await send_error(
                    send, 401, "odoo_session_required",
                    "X-Odoo-Session header is required on payment routes (PAYBRIDGE_REQUIRE_ODOO_SESSION=1)",
                )  # fmt: skip
                return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """413 for a request body over ``limit`` bytes, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"request body is larger than {self.limit} bytes"
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await send_error(send, 413, "too_large", message)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            incoming = await receive()
            seen += len(incoming.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return incoming

        async def tracking_send(outgoing: Message) -> None:
            nonlocal started
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await send_error(send, 413, "too_large", message)


class AccessLogMiddleware:
    """One line per request: method, path (never the query string or headers), status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        status: dict[str, Any] = {"code": "-"}

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            elif message["type"] == "websocket.accept":
                status["code"] = 101
            elif message["type"] == "websocket.close" and status["code"] == "-":
                status["code"] = 403
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            method = scope.get("method", "WS")
            millis = (time.perf_counter() - began) * 1000
            log.info("%s %s %s %.0fms", method, scope["path"], status["code"], millis)


class TicketBook:
    """One-time, short-lived tickets that let a browser open the ``/events`` WebSocket."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._tickets: dict[str, float] = {}

    def issue(self) -> str:
        now = time.monotonic()
        self._tickets = {t: exp for t, exp in self._tickets.items() if exp > now}
        ticket = secrets.token_urlsafe(24)
        self._tickets[ticket] = now + self.ttl_s
        return ticket

    def redeem(self, ticket: str | None) -> bool:
        if not ticket:
            return False
        expires = self._tickets.pop(ticket, None)
        return expires is not None and expires > time.monotonic()
