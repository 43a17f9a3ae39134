"""The sandbox's HTTP server: /xmlrpc/2/*, /jsonrpc, /json/2/<model>/<method>, /web/version on one port.

Stdlib `ThreadingHTTPServer` speaking HTTP/1.1 with keep-alive: one thread per connection, which is what a
client with a keep-alive session needs and costs nothing on two cores.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sandbox.odoo.business import XMLRPC_NONE_FAULT
from sandbox.odoo.errors import NotFound, OdooError, Unauthorized, UserError
from sandbox.odoo.generator import generate
from sandbox.odoo.recordings import load_json
from sandbox.odoo.rpc import VERSION_RE, Services
from sandbox.odoo.store import Store
from sandbox.odoo.switches import CallCounter, FaultSwitches

DB = "demo17"
# Fixed, documented demo API keys (40 hex characters like Odoo's). Loopback demo data only.
API_KEYS = {
    "admin": "5a4d1f0c0ffee0d00a5a4d1f0c0ffee0d00a5a4d",
    "demo": "de30de30de30de30de30de30de30de30de30de30",
}
USERS = {  # login: (uid as recorded, password, may write)
    "admin": (2, "admin", True),
    "demo": (6, "demo", False),
}


Hook = Callable[[str, str, list[Any], dict[str, Any]], None]


def _no_none(value: Any) -> Any:
    """Odoo marshals None as False on XML-RPC."""
    if value is None:
        return False
    if isinstance(value, dict):
        return {str(k): _no_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_none(v) for v in value]
    return value


class OdooSandbox:
    """A running (or ready to run) sandbox: its store, switches, users and the URL once served."""

    def __init__(self, products: int = 0, version: str = "17.0", seed: int = 1, db: str = DB) -> None:
        if not VERSION_RE.match(version):
            raise ValueError(f"version must be one of 15.0, 16.0, 17.0, 18.0, 19.0 (got {version!r})")
        if products < 0:
            raise ValueError(f"products must be >= 0 (got {products})")
        self.version = version
        self.db = db
        self.url = ""
        self.store = Store(db, self.major)
        self.store.load_recordings()
        for login, (uid, password, can_write) in USERS.items():
            self.store.users[uid] = {
                "login": login,
                "password": password,
                "api_key": API_KEYS[login],
                "write": can_write,
                "company_ids": [1, 2],
            }
        generate(self.store, products, seed)
        self.faults = FaultSwitches()
        self.calls = CallCounter()
        self.on_call: Hook | None = None
        self.services = Services(self)

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        return {
            login: {"uid": uid, "password": password, "api_key": API_KEYS[login]}
            for login, (uid, password, _) in USERS.items()
        }

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sandbox: OdooSandbox

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.open_connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.open_connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up mid-answer is normal under fault tests: no traceback on stderr."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    def stop(self) -> None:
        """Stop accepting, then close idle keep-alive connections too (a stopped Odoo answers nothing)."""
        self.shutdown()
        with self.connections_lock:
            for conn in list(self.open_connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    """Routes one request; applies the fault switches first."""

    protocol_version = "HTTP/1.1"
    server_version = "Werkzeug/2.0.2"
    timeout = 60  # idle keep-alive connections give their thread back
    disable_nagle_algorithm = True  # headers and body are two writes: without this, 40 ms delayed-ACK stalls
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines could be noisy under load; nothing with secrets is ever logged."""

    @property
    def sb(self) -> OdooSandbox:
        return self.server.sandbox

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _switches(self) -> bool:
        """Apply latency / drop / 429-503; True when the request was already handled."""
        decision = self.sb.faults.decide()
        if decision.latency:
            time.sleep(decision.latency)
        if decision.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if decision.status:
            reason = {429: "Too Many Requests", 503: "Service Unavailable"}.get(decision.status, "Error")
            body = f"<h1>{decision.status} {reason}</h1>".encode()
            self._send(
                decision.status, body, "text/html; charset=utf-8", {"Retry-After": str(decision.retry_after)}
            )
            return True
        return False

    def _not_found(self) -> None:
        body = b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>"
        self._send(404, body, "text/html; charset=utf-8")

    def do_GET(self) -> None:
        if self._switches():
            return
        if self.path.split("?")[0] == "/web/version" and self.sb.major >= 18:
            info = {"version": self.sb.version, "version_info": [self.sb.major, 0, 0, "final", 0, ""]}
            self._send(200, json.dumps(info).encode(), "application/json; charset=utf-8")
        elif self.path.startswith("/json/2/") and self.sb.major >= 19:
            self._send(405, b"<h1>405 Method Not Allowed</h1>", "text/html; charset=utf-8", {"Allow": "POST"})
        else:
            self._not_found()

    def do_POST(self) -> None:
        body = self._body()
        if self._switches():
            return
        path = self.path.split("?")[0]
        if path in (
            "/xmlrpc/2/common",
            "/xmlrpc/2/object",
            "/xmlrpc/2/db",
            "/xmlrpc/common",
            "/xmlrpc/object",
        ):
            self._xmlrpc(path.rsplit("/", 1)[1], body)
        elif path == "/jsonrpc":
            self._jsonrpc(body)
        elif path.startswith("/json/2/") and self.sb.major >= 19:
            self._json2(path, body)
        else:
            self._not_found()

    def _xmlrpc(self, service: str, body: bytes) -> None:
        try:
            params, method = xmlrpc.client.loads(body, use_builtin_types=True)
            result = self.sb.services.dispatch(service, method or "", list(params))
            if (
                result is None
            ):  # Odoo marshals with allow_none=False: a fault, the call committed (as recorded)
                fault = xmlrpc.client.Fault(1, XMLRPC_NONE_FAULT)
                payload = xmlrpc.client.dumps(fault, methodresponse=True, allow_none=False)
            else:
                payload = xmlrpc.client.dumps((_no_none(result),), methodresponse=True, allow_none=False)
        except OdooError as exc:
            payload = xmlrpc.client.dumps(exc.fault(), methodresponse=True, allow_none=False)
        except Exception as exc:
            payload = xmlrpc.client.dumps(
                OdooError(f"{type(exc).__name__}: {exc}", "xmlrpc_2").fault(), methodresponse=True
            )
        self._send(200, payload.encode(), "text/xml; charset=utf-8")

    def _jsonrpc(self, body: bytes) -> None:
        request_id: Any = None
        answer: dict[str, Any]
        try:
            call = json.loads(body or b"{}")
            request_id = call.get("id")
            params = call.get("params") or {}
            result = self.sb.services.dispatch(
                str(params.get("service")), str(params.get("method")), list(params.get("args") or [])
            )
            answer = {"jsonrpc": "2.0", "id": request_id}
            if result is not None:  # Odoo leaves `result` out when the method returned None (as recorded)
                answer["result"] = result
        except OdooError as exc:
            answer = {"jsonrpc": "2.0", "id": request_id, "error": exc.jsonrpc_error()}
        except (ValueError, AttributeError, TypeError) as exc:
            err = OdooError(f"Invalid JSON-RPC request: {exc}", "jsonrpc")
            err.name = "werkzeug.exceptions.BadRequest"
            answer = {"jsonrpc": "2.0", "id": request_id, "error": err.jsonrpc_error()}
        except Exception as exc:  # e.g. raised by a test's on_call hook: still one answer, as Odoo would
            err = OdooError(str(exc), "jsonrpc")
            err.name = f"builtins.{type(exc).__name__}"
            answer = {"jsonrpc": "2.0", "id": request_id, "error": err.jsonrpc_error()}
        self._send(200, json.dumps(answer).encode(), "application/json; charset=utf-8")

    def _json2(self, path: str, body: bytes) -> None:
        context: dict[str, Any] = {}
        try:
            parts = path[len("/json/2/") :].strip("/").split("/")
            if len(parts) != 2:
                raise NotFound("Expected /json/2/<model>/<method>", "json2")
            model, method = parts
            auth = self.headers.get("Authorization") or ""
            scheme, _, key = auth.partition(" ")
            uid = self.sb.services.uid_for_key(key.strip()) if scheme.lower() == "bearer" else None
            if uid is None:
                raise Unauthorized("Invalid apikey", "_auth_method_bearer")
            database = self.headers.get("X-Odoo-Database")
            if database is not None and database != self.sb.db:
                page = load_json("faults.json", 19)["unknown_database"]["body_text"]  # as a 19 answers
                self._send(404, page.encode(), "text/html; charset=utf-8")
                return
            try:
                payload = json.loads(body or b"{}")
            except ValueError as exc:
                raise _bad_request(f"Invalid JSON body: {exc}") from exc
            if not isinstance(payload, dict):
                raise _bad_request("The body must be a JSON object of named arguments")
            context = payload.get("context") or {}
            if model not in self.sb.store.tables:
                raise NotFound(f"the model '{model}' does not exist", "web_json_2_rpc")
            result = self.sb.services.json2(uid, model, method, payload)
            self._send(200, json.dumps(result).encode(), "application/json; charset=utf-8")
        except OdooError as exc:
            data = exc.data(context if isinstance(context, dict) else {})
            self._send(exc.status, json.dumps(data).encode(), "application/json; charset=utf-8")
        except Exception as exc:  # anything else is a 500 with the same JSON shape
            err = OdooError(str(exc), "json2")
            err.name = f"builtins.{type(exc).__name__}"
            self._send(500, json.dumps(err.data()).encode(), "application/json; charset=utf-8")


def _bad_request(message: str) -> OdooError:
    err = UserError(message, "json2")
    err.name = "werkzeug.exceptions.BadRequest"
    err.status = 400
    return err


def start(sb: OdooSandbox, host: str = "127.0.0.1", port: int = 0) -> tuple[_Server, threading.Thread]:
    """Bind, set `sb.url` and serve in a daemon thread; returns once the socket accepts connections."""
    server = _Server((host, port), Handler)
    server.sandbox = sb
    sb.url = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    return server, thread


@contextlib.contextmanager
def serve_odoo(
    products: int = 0, version: str = "17.0", seed: int = 1, host: str = "127.0.0.1", port: int = 0
) -> Iterator[OdooSandbox]:
    """Serve a fresh sandbox for the `with` block (see docs/sandbox-odoo.md)."""
    sb = OdooSandbox(products=products, version=version, seed=seed)
    server, thread = start(sb, host, port)
    try:
        yield sb
    finally:
        server.stop()
        thread.join(timeout=5)
