"""HTTP/1.1 keep-alive server for the Linkit sandbox (threaded, loopback)."""

from __future__ import annotations

import contextlib
import hmac
import json
import socket
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sandbox.linkit.app import AUTH_SCHEMES, ApiError, AuthScheme, Call, LinkitApp, Settings
from sandbox.linkit.faults import Faults
from sandbox.linkit.state import LinkitState, RequestLogEntry

WriteHook = Callable[[str, str], None]
PREFIX = "/api/v1"
# Routes that need no credential and stay up while billing is suspended [health][cred].
OPEN_PATHS = {f"{PREFIX}/health", f"{PREFIX}/ping"}


class LinkitHTTPServer(ThreadingHTTPServer):
    """Holds the app, the token, the auth scheme, the fault switches and the after-write hooks."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        api_token: str,
        state: LinkitState,
        faults: Faults,
        settings: Settings,
        auth_scheme: AuthScheme = "bearer",
    ) -> None:
        if auth_scheme not in AUTH_SCHEMES:
            raise ValueError(f"auth_scheme must be one of {', '.join(AUTH_SCHEMES)} (got {auth_scheme!r})")
        app = LinkitApp(state, settings)  # checks the settings before the port is bound
        super().__init__(address, LinkitHandler)
        self.api_token = api_token
        self.auth_scheme: AuthScheme = auth_scheme
        self.state = state
        self.faults = faults
        self.app = app
        self.after_write: list[WriteHook] = []

    def authorized(self, header: str) -> bool:
        """G1: "bearer" accepts `Bearer <token>` only, "raw" the bare `<token>` only, "either" both."""
        # ASSUMPTION (Linkit silent, G1): [auth] sends API keys raw, [cred] and the Odoo addon send the
        # dashboard token as `Bearer`. Default "bearer" (the reference integration); the scheme word is
        # case-insensitive; "raw" and "either" are constructor switches. Any other header is 401.
        token = self.api_token.encode()
        bearer = header[7:] if header[:7].lower() == "bearer " else None
        ok_bearer = bearer is not None and hmac.compare_digest(bearer.strip().encode(), token)
        ok_raw = hmac.compare_digest(header.strip().encode(), token)
        if self.auth_scheme == "bearer":
            return ok_bearer
        if self.auth_scheme == "raw":
            return ok_raw
        return ok_bearer or ok_raw


class LinkitHandler(BaseHTTPRequestHandler):
    """Parse, inject faults, authenticate, route, answer JSON."""

    protocol_version = "HTTP/1.1"
    server: LinkitHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = dict(parse_qsl(parts.query))
        srv = self.server
        fault = srv.faults.decide() if path.startswith(PREFIX) else None
        if fault == "drop":
            self._drop(method, path, query)
            return
        if fault and fault.isdigit():
            status = int(fault)
            # ASSUMPTION (Linkit silent, G3/G5): an injected 429/503 answers the G3 error body; `Retry-After`
            # (seconds) is sent unless the switch retry_after is None. Linkit publishes only the 429 status.
            headers = {} if srv.faults.retry_after is None else {"Retry-After": f"{srv.faults.retry_after:g}"}
            message = "Rate limit exceeded" if status == 429 else "Service unavailable"
            self._log(method, path, status, fault, query)
            self._send(
                status, ApiError(status, message, "injected").envelope(srv.app.settings.answers), headers
            )
            return
        status, body = self._dispatch(method, path, query, raw)
        if status < 400 and method != "GET":
            for hook in list(srv.after_write):
                hook(method, path)
        if fault == "drop_after":
            self._drop(method, path, query)
            return
        self._log(method, path, status, None, query)
        self._send(status, body)

    def _dispatch(
        self, method: str, path: str, query: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any] | None]:
        srv = self.server
        app = srv.app
        try:
            if method == "GET" and path == f"{PREFIX}/health":
                with srv.state.lock:
                    return app.health()
            if method == "GET" and path == f"{PREFIX}/ping":
                return 200, {"message": "pong", "timestamp": _now()}
            if not path.startswith(PREFIX + "/"):
                raise ApiError(404, f"No route {method} {path}", "not_found")
            # ASSUMPTION (Linkit silent, G3): the credential is checked before the route, so any /api/v1 path
            # (known or not) without the right `Authorization` header is 401.
            if not srv.authorized(self.headers.get("Authorization") or ""):
                raise ApiError(401, "Missing or invalid credentials", "unauthorized")
            organization = self.headers.get("X-Organization-ID")
            # ASSUMPTION (Linkit silent, G2): an X-Organization-ID other than the token's organization is 403.
            if organization and organization != srv.state.organization_id:
                raise ApiError(403, "Not a member of this organization", "forbidden")
            # [cred]: while billing is suspended every route but the credentials check answers 403.
            if srv.state.suspended and path != f"{PREFIX}/auth/credentials":
                raise ApiError(403, "Account suspended: billing overdue", "billing_suspended")
            handler, args = app.route(method, path)
            body: Any = None
            if method in ("POST", "PUT", "PATCH"):
                try:
                    body = json.loads(raw or b"null")
                except ValueError as exc:
                    # ASSUMPTION (Linkit silent, G3): a body that is not JSON is 400.
                    raise ApiError(400, f"Body is not valid JSON: {exc}", "bad_request") from exc
            call = Call(method, path, query, body, organization, args)
            with srv.state.lock:
                return handler(call)
        except ApiError as exc:
            return exc.status, exc.envelope(app.settings.answers)
        except Exception as exc:
            # ASSUMPTION (Linkit silent, G3): a sandbox bug is a 500 with the G3 body.
            return 500, ApiError(500, repr(exc), "internal").envelope(app.settings.answers)

    def _drop(self, method: str, path: str, query: dict[str, str]) -> None:
        self._log(method, path, 0, "drop", query)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _log(self, method: str, path: str, status: int, fault: str | None, query: dict[str, str]) -> None:
        with self.server.state.lock:
            self.server.state.requests.append(RequestLogEntry(method, path, status, fault, dict(query)))

    def _send(self, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if body is None:  # 204
            self.end_headers()
            return
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _now() -> str:
    from sandbox.linkit.state import now_iso

    return now_iso()
