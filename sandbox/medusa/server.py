"""HTTP/1.1 keep-alive server for the Medusa sandbox (threaded, loopback)."""

from __future__ import annotations

import contextlib
import hmac
import json
import socket
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sandbox.medusa.app import Answers, ApiError, MedusaApp
from sandbox.medusa.faults import Faults
from sandbox.medusa.state import MedusaState, RequestLogEntry

WriteHook = Callable[[str, str], None]


class MedusaHTTPServer(ThreadingHTTPServer):
    """Holds the app, the API key, the fault switches and the after-write hooks."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        api_key: str,
        state: MedusaState,
        faults: Faults,
        answers: Answers = "seed",
    ) -> None:
        app = MedusaApp(state, answers)  # checks `answers` before the port is bound
        super().__init__(address, MedusaHandler)
        self.api_key = api_key
        self.state = state
        self.faults = faults
        self.app = app
        self.after_write: list[WriteHook] = []


class MedusaHandler(BaseHTTPRequestHandler):
    """Parse, authenticate, inject faults, route, answer JSON."""

    protocol_version = "HTTP/1.1"
    server: MedusaHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = dict(parse_qsl(parts.query))
        srv = self.server
        fault = srv.faults.decide() if path.startswith("/odoo") else None
        if fault == "drop":
            self._drop(method, path, query)
            return
        if fault and fault.isdigit():
            # ASSUMPTION (seed 002 silent): §9 has no code for 429 / 503; an injected one answers the §9
            # envelope with code RATE_LIMITED / SERVICE_UNAVAILABLE and `Retry-After` (unless switched off).
            # A client should go by the status and Retry-After, not the code.
            status = int(fault)
            code = "RATE_LIMITED" if status == 429 else "SERVICE_UNAVAILABLE"
            headers = {} if srv.faults.retry_after is None else {"Retry-After": f"{srv.faults.retry_after:g}"}
            self._log(method, path, status, fault, query)
            self._send(
                status,
                {"success": False, "error": {"code": code, "message": "Injected fault", "details": {}}},
                headers,
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
    ) -> tuple[int, dict[str, Any]]:
        srv = self.server
        try:
            key = self.headers.get("x-odoo-api-key") or ""
            # ASSUMPTION (seed 002 silent): the key is checked before the route, so any /odoo/* request
            # without the right key (even to an unknown route) is UNAUTHORIZED (401); a path outside /odoo
            # is NOT_FOUND (404).
            if not path.startswith("/odoo") or not hmac.compare_digest(key.encode(), srv.api_key.encode()):
                if path.startswith("/odoo"):
                    raise ApiError(401, "UNAUTHORIZED", "Invalid or missing API key (header x-odoo-api-key)")
                raise ApiError(404, "NOT_FOUND", f"No route {method} {path}")
            handler, args = srv.app.route(method, path)
            body: Any = None
            if method in ("POST", "PUT"):
                try:
                    body = json.loads(raw or b"null")
                except ValueError as exc:
                    # ASSUMPTION (seed 002 silent): a body that is not JSON is VALIDATION_ERROR (400).
                    raise ApiError(
                        400, "VALIDATION_ERROR", f"Body is not valid JSON: {exc}", {"field": "body"}
                    ) from exc
            return handler(body, query, *args)
        except ApiError as exc:
            return exc.status, exc.envelope(srv.app.answers)
        except Exception as exc:
            # ASSUMPTION (seed 002 silent): an unexpected failure (a sandbox bug) answers §9's SYNC_FAILED
            # (500) in the envelope.
            return 500, {
                "success": False,
                "error": {"code": "SYNC_FAILED", "message": repr(exc), "details": {}},
            }

    def _drop(self, method: str, path: str, query: dict[str, str]) -> None:
        self._log(method, path, 0, "drop", query)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _log(self, method: str, path: str, status: int, fault: str | None, query: dict[str, str]) -> None:
        with self.server.state.lock:
            self.server.state.requests.append(RequestLogEntry(method, path, status, fault, dict(query)))

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
