"""The three wire protocols of Odoo's external API over one keep-alive HTTP connection each.

- XML-RPC: ``/xmlrpc/2/common`` and ``/xmlrpc/2/object`` (every Odoo version).
- JSON-RPC: ``/jsonrpc`` with ``{"service", "method", "args"}`` (every Odoo version).
- JSON-2: ``/json/2/<model>/<method>`` with named parameters and ``Authorization: bearer <api key>``
  (Odoo 19+).
"""

from __future__ import annotations

import contextvars
import email.utils
import http.client
import json
import threading
import time
import typing as t
from urllib.parse import urlsplit

from tap_odoo.errors import (
    OdooAuthError,
    OdooFault,
    OdooHTTPError,
    OdooTransportError,
    last_line,
    split_exception_line,
)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
USER_AGENT = "tap-odoo (odoo-hub)"


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# False while a call that must not run twice is sent (a create): a dropped keep-alive connection is then not
# re-sent at once, since the server may have applied the call before it hung up (see OdooClient.execute_kw).
RESEND_STALE: contextvars.ContextVar[bool] = contextvars.ContextVar("RESEND_STALE", default=True)


class HttpConnection:
    """One keep-alive HTTP(S) connection, reopened when the server drops it. Thread-safe."""

    def __init__(self, base_url: str, timeout: float, headers: dict[str, str] | None = None):
        parts = urlsplit(base_url)
        self.scheme = parts.scheme
        self.host = parts.hostname or ""
        self.port = parts.port
        self.prefix = parts.path.rstrip("/")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.headers = {"User-Agent": USER_AGENT, **(headers or {})}
        self._conn: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()
        self.requests = 0

    def _connect(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def close(self) -> None:
        """Close the connection (it reopens on the next request)."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes, str]:
        """Send one request; return (status, body, content type). Raise on retriable failures."""
        url = self.prefix + path
        all_headers = {**self.headers, **headers}
        with self._lock:
            for attempt in (1, 2):
                reused = self._conn is not None
                conn = self._conn or self._connect()
                self._conn = conn
                try:
                    conn.request(method, url, body=body, headers=all_headers)
                    response = conn.getresponse()
                    data = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    self._conn = None
                    stale = isinstance(
                        exc, (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)
                    )
                    if reused and stale and attempt == 1 and RESEND_STALE.get():
                        continue  # the server closed an idle keep-alive connection: reopen at once
                    raise OdooTransportError(
                        f"connection to {self.base_url} failed: {type(exc).__name__}: {exc}"
                    ) from exc
                self.requests += 1
                if getattr(response, "will_close", False):
                    conn.close()
                    self._conn = None
                status = response.status
                content_type = response.getheader("Content-Type") or ""
                if 300 <= status < 400:
                    location = response.getheader("Location") or "?"
                    raise OdooHTTPError(
                        f"{self.base_url}{path} redirects (HTTP {status}) to {location}: "
                        "set url to the server's final address (e.g. https:// instead of http://)",
                        status=status,
                    )
                if status in RETRY_STATUSES:
                    raise OdooTransportError(
                        f"{self.base_url}{path} answered HTTP {status}",
                        status=status,
                        retry_after=_retry_after(response.getheader("Retry-After")),
                    )
                return status, data, content_type
        raise AssertionError("unreachable")  # pragma: no cover


class Transport(t.Protocol):
    """What the client needs from a wire protocol."""

    name: str
    http: HttpConnection

    def version(self) -> dict[str, t.Any]: ...

    def authenticate(self, database: str, login: str, secret: str) -> int | None: ...

    def execute_kw(
        self,
        database: str,
        uid: int,
        secret: str,
        model: str,
        method: str,
        args: t.Sequence[t.Any],
        kwargs: dict[str, t.Any],
    ) -> t.Any: ...


def _http_error(path: str, status: int, data: bytes, base_url: str) -> OdooHTTPError:
    snippet = data[:200].decode("utf-8", "replace").strip()
    return OdooHTTPError(f"{base_url}{path} answered HTTP {status}: {snippet}", status=status)


class _RpcTransport:
    """XML-RPC and JSON-RPC: the same ``common`` and ``object`` services; only ``_call`` differs."""

    name = ""

    def __init__(self, http: HttpConnection):
        self.http = http

    def _call(self, service: str, method: str, args: list[t.Any], model: str = "", call: str = "") -> t.Any:
        """``service.method(*args)`` on the wire; ``model`` and ``call`` name an ORM call in faults."""
        raise NotImplementedError

    def version(self) -> dict[str, t.Any]:
        return t.cast(dict[str, t.Any], self._call("common", "version", []))

    def authenticate(self, database: str, login: str, secret: str) -> int | None:
        uid = self._call("common", "authenticate", [database, login, secret, {}])
        return int(uid) if uid else None

    def execute_kw(
        self,
        database: str,
        uid: int,
        secret: str,
        model: str,
        method: str,
        args: t.Sequence[t.Any],
        kwargs: dict[str, t.Any],
    ) -> t.Any:
        call_args: list[t.Any] = [database, uid, secret, model, method, list(args)]
        if kwargs:
            call_args.append(kwargs)
        return self._call("object", "execute_kw", call_args, model=model, call=method)


class XmlRpcTransport(_RpcTransport):
    """XML-RPC on ``/xmlrpc/2/<service>``."""

    name = "xmlrpc"

    def _call(self, service: str, method: str, args: list[t.Any], model: str = "", call: str = "") -> t.Any:
        import xmlrpc.client  # here: a JSON-RPC or JSON-2 run never loads it (start-up)

        from tap_odoo import xmlrpc_fast

        body = xmlrpc.client.dumps(tuple(args), method, allow_none=True).encode("utf-8")
        path = f"/xmlrpc/2/{service}"
        status, data, _ = self.http.request("POST", path, body, {"Content-Type": "text/xml"})
        if status != 200:
            raise _http_error(path, status, data, self.http.base_url)
        try:
            result = xmlrpc_fast.loads(data)
        except xmlrpc.client.Fault as fault:
            line = last_line(str(fault.faultString))
            name, message = split_exception_line(line)
            raise OdooFault(
                message, code=fault.faultCode, name=name, model=model, method=call or method
            ) from None
        except Exception as exc:  # expat errors on a truncated or non-XML answer
            raise OdooTransportError(
                f"{self.http.base_url}{path} answered something that is not XML-RPC: {exc}"
            ) from exc
        return result


class JsonRpcTransport(_RpcTransport):
    """JSON-RPC 2.0 on ``/jsonrpc``."""

    name = "jsonrpc"

    def __init__(self, http: HttpConnection):
        super().__init__(http)
        self._ids = 0

    def _call(self, service: str, method: str, args: list[t.Any], model: str = "", call: str = "") -> t.Any:
        self._ids += 1
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": self._ids,
            "params": {"service": service, "method": method, "args": args},
        }
        body = json.dumps(payload).encode("utf-8")
        status, data, _ = self.http.request("POST", "/jsonrpc", body, {"Content-Type": "application/json"})
        if status != 200:
            raise _http_error("/jsonrpc", status, data, self.http.base_url)
        try:
            answer = json.loads(data)
        except ValueError as exc:
            raise OdooTransportError(
                f"{self.http.base_url}/jsonrpc answered something that is not JSON: {exc}"
            ) from exc
        if "error" in answer:
            error = answer["error"] or {}
            details = error.get("data") or {}
            message = details.get("message") or error.get("message") or "unknown error"
            name = str(details.get("name") or "")
            code = 3 if name.endswith("AccessDenied") else error.get("code")
            raise OdooFault(message, code=code, name=name, model=model, method=call or method)
        return answer.get("result")


# Names of the positional parameters of the ORM methods the tap calls, for JSON-2's named bodies.
POSITIONAL_NAMES: dict[str, tuple[str, ...]] = {
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search": ("domain", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "read": ("ids", "fields"),
    "fields_get": ("allfields", "attributes"),
    "read_group": ("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"),
    "name_search": ("name", "domain", "operator", "limit"),
    "create": ("vals_list",),
    "write": ("ids", "vals"),
    "unlink": ("ids",),
    "context_get": (),
}


class Json2Transport:
    """Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>``, API key as bearer token."""

    name = "json2"

    def __init__(self, http: HttpConnection):
        self.http = http

    def _headers(self, database: str, secret: str) -> dict[str, str]:
        headers = {"Content-Type": "application/json; charset=utf-8", "Authorization": f"bearer {secret}"}
        if database:
            headers["X-Odoo-Database"] = database
        return headers

    def version(self) -> dict[str, t.Any]:
        status, data, _ = self.http.request("GET", "/web/version", None, {})
        if status != 200:
            raise _http_error("/web/version", status, data, self.http.base_url)
        answer = json.loads(data)
        info = answer.get("version_info") or []
        return {
            "server_version": answer.get("version", ""),
            "server_version_info": info,
            "server_serie": ".".join(str(part) for part in info[:2]) if info else answer.get("version", ""),
            "protocol_version": 1,
        }

    def authenticate(self, database: str, login: str, secret: str) -> int | None:
        try:
            context = self.execute_kw(database, 0, secret, "res.users", "context_get", [], {})
        except OdooAuthError:
            return None
        except OdooFault:
            context = None  # servers without context_get over JSON-2: look the login up instead
        uid = context.get("uid") if isinstance(context, dict) else None
        if uid:
            return int(uid)
        found = self.execute_kw(
            database, 0, secret, "res.users", "search", [[["login", "=", login]]], {"limit": 1}
        )
        return int(found[0]) if found else None

    def execute_kw(
        self,
        database: str,
        uid: int,
        secret: str,
        model: str,
        method: str,
        args: t.Sequence[t.Any],
        kwargs: dict[str, t.Any],
    ) -> t.Any:
        names = POSITIONAL_NAMES.get(method)
        body: dict[str, t.Any] = {}
        if names is None:
            if args:
                body["ids"] = args[0]
                if len(args) > 1:
                    raise OdooFault(
                        f"JSON-2 needs named parameters for {method}; pass them in kwargs",
                        model=model,
                        method=method,
                    )
        else:
            body.update(zip(names, args, strict=False))
        body.update(kwargs)
        path = f"/json/2/{model}/{method}"
        status, data, _ = self.http.request(
            "POST", path, json.dumps(body).encode("utf-8"), self._headers(database, secret)
        )
        if status == 200:
            return json.loads(data) if data else None
        try:
            error = json.loads(data)
        except ValueError:
            raise _http_error(path, status, data, self.http.base_url) from None
        if status == 401:
            raise OdooAuthError(f"{self.http.base_url} refused the API key (HTTP 401)")
        if status == 404 and not isinstance(error, dict):
            raise _http_error(path, status, data, self.http.base_url)
        if isinstance(error, dict):
            message = str(error.get("message") or error)
            name = str(error.get("name") or "")
        else:
            message, name = str(error), ""
        if status == 404 and model not in message:
            message = f"Object {model} doesn't exist ({message})"
        raise OdooFault(message, code=status, name=name, model=model, method=method)
