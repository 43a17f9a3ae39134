"""OdooClient: one interface over XML-RPC, JSON-RPC and JSON-2, with login, retries and faults.

>>> client = OdooClient.from_config({"url": ..., "database": ..., "username": ..., "password": ...})
>>> client.check()  # {"server_version": "17.0", "uid": 2, "database": ..., "protocol": "jsonrpc", ...}
"""

from __future__ import annotations

import logging
import threading
import typing as t
import weakref
from collections.abc import Generator, Mapping, Sequence

import backoff

from tap_odoo.errors import (
    OdooAuthError,
    OdooConfigError,
    OdooError,
    OdooFault,
    OdooHTTPError,
    OdooTransportError,
)
from tap_odoo.transports import (
    RESEND_STALE,
    HttpConnection,
    Json2Transport,
    JsonRpcTransport,
    Transport,
    XmlRpcTransport,
)

LOGGER = logging.getLogger("tap_odoo.client")
PROTOCOLS = ("auto", "xmlrpc", "jsonrpc", "json2")
_NOTICES_LOGGED: set[str] = set()


def _wait_expo_or_retry_after(factor: float = 3.0) -> Generator[float, t.Any, None]:
    """Exponential waits (factor * 2**n) that honour a server's Retry-After when it asks for longer."""
    exc = yield 0.0
    delay = factor
    while True:
        retry_after = getattr(exc, "retry_after", None) or 0.0
        exc = yield max(delay, retry_after)
        delay *= 2


def _log_backoff(details: t.Any) -> None:
    exc = details.get("exception")
    LOGGER.warning(
        "Odoo call failed (%s); try %s, retrying in %.1fs", exc, details.get("tries"), details.get("wait", 0)
    )


def _version_major(version: Mapping[str, t.Any]) -> int:
    info = version.get("server_version_info") or []
    if info and isinstance(info[0], int):
        return info[0]
    serie = str(version.get("server_serie") or version.get("server_version") or "0")
    digits = "".join(ch for ch in serie.split(".")[0] if ch.isdigit())
    return int(digits or 0)


def _only_set(**kwargs: t.Any) -> dict[str, t.Any]:
    """Keyword arguments of an ORM call without the ones left unset (None)."""
    return {name: value for name, value in kwargs.items() if value is not None}


def _close_transports(transports: Mapping[str, Transport]) -> None:
    for transport in transports.values():
        transport.http.close()


class OdooClient:
    """Talks to one Odoo database as one user."""

    def __init__(
        self,
        url: str,
        database: str,
        username: str,
        password: str | None = None,
        api_key: str | None = None,
        protocol: str = "auto",
        timeout: float = 120.0,
        max_tries: int = 8,
        backoff_factor: float = 3.0,
    ):
        if protocol not in PROTOCOLS:
            raise OdooConfigError(f"protocol: {protocol!r} is not one of {', '.join(PROTOCOLS)}")
        if not (password or api_key):
            raise OdooConfigError("password or api_key: one of them is required")
        if protocol == "json2" and not api_key:
            raise OdooConfigError("protocol: json2 authenticates with an API key; set api_key")
        self.url = url.rstrip("/")
        self.database = database
        self.username = username
        self._secret = api_key or password or ""
        self.has_api_key = bool(api_key)
        self.requested_protocol = protocol
        self.timeout = float(timeout)
        self.max_tries = int(max_tries)
        self.backoff_factor = float(backoff_factor)
        self._transports: dict[str, Transport] = {}
        self._transport: Transport | None = None
        self._uid: int | None = None
        self._version: dict[str, t.Any] | None = None
        self._login_lock = threading.Lock()
        self._notice_logged = False
        self.calls = 0
        # Closes the sockets when the client is collected or the interpreter exits, whichever comes
        # first, so that no path (sync, discovery, --test, an error) leaves one for the GC to warn about.
        weakref.finalize(self, _close_transports, self._transports)

    def __repr__(self) -> str:
        return f"OdooClient(url={self.url!r}, database={self.database!r}, username={self.username!r})"

    @classmethod
    def from_config(cls, config: Mapping[str, t.Any]) -> OdooClient:
        """Build a client from the tap's config keys."""
        return cls(
            url=str(config.get("url") or ""),
            database=str(config.get("database") or ""),
            username=str(config.get("username") or ""),
            password=config.get("password"),
            api_key=config.get("api_key"),
            protocol=str(config.get("protocol") or "auto"),
            timeout=float(config.get("timeout", 120)),
            max_tries=int(config.get("max_tries", 8)),
            backoff_factor=float(config.get("backoff_factor", 3)),
        )

    # transports -------------------------------------------------------------------------------

    def _get_transport(self, name: str) -> Transport:
        if name not in self._transports:
            http = HttpConnection(self.url, self.timeout)
            transports: dict[str, t.Callable[[HttpConnection], Transport]] = {
                "xmlrpc": XmlRpcTransport,
                "jsonrpc": JsonRpcTransport,
                "json2": Json2Transport,
            }
            self._transports[name] = transports[name](http)
        return self._transports[name]

    def _retrying(self, func: t.Callable[[], t.Any]) -> t.Any:
        wrapped = backoff.on_exception(
            _wait_expo_or_retry_after,
            OdooTransportError,
            max_tries=self.max_tries,
            jitter=None,
            on_backoff=_log_backoff,
            factor=self.backoff_factor,
        )(func)
        return wrapped()

    @property
    def transport(self) -> Transport:
        """The transport in use, chosen on first use (``auto``: JSON-2 on 19+ with an API key)."""
        if self._transport is None:
            self._transport = self._choose_transport()
        return self._transport

    @property
    def protocol(self) -> str:
        """Name of the protocol in use."""
        return self.transport.name

    def _choose_transport(self) -> Transport:
        if self.requested_protocol != "auto":
            return self._get_transport(self.requested_protocol)
        try:
            version = self._retrying(self._get_transport("jsonrpc").version)
            chosen = "jsonrpc"
        except (OdooHTTPError, OdooFault):
            version = self._retrying(self._get_transport("xmlrpc").version)
            chosen = "xmlrpc"
        self._version = version
        if _version_major(version) >= 19 and self.has_api_key:
            chosen = "json2"
        return self._get_transport(chosen)

    # login ---------------------------------------------------------------------------------------

    def _auth_error(self, detail: str = "") -> OdooAuthError:
        secret_kind = "API key" if self.has_api_key else "password"
        extra = f" ({detail})" if detail else ""
        return OdooAuthError(
            f"Odoo at {self.url} refused the login of user {self.username!r} on database "
            f"{self.database!r}{extra}: check url, database, username and the {secret_kind}"
        )

    def version(self) -> dict[str, t.Any]:
        """``common.version()`` of the server."""
        if self._version is None:
            self._version = self._retrying(self.transport.version)
            self._warn_deprecated()
        return self._version

    @property
    def uid(self) -> int:
        """The user id, logging in on first use; wrong credentials raise OdooAuthError."""
        if self._uid is None:
            with self._login_lock:
                if self._uid is None:
                    self._uid = self._login()
        return self._uid

    def _login(self) -> int:
        transport = self.transport
        try:
            uid = self._retrying(lambda: transport.authenticate(self.database, self.username, self._secret))
        except OdooHTTPError as exc:
            if transport.name == "json2" and exc.status == 404:
                raise self._json2_not_served() from None
            raise
        except OdooFault as fault:
            raise self._auth_error(fault.message.splitlines()[0][:200]) from None
        except OdooAuthError:
            raise self._auth_error() from None
        if not uid:
            raise self._auth_error()
        self._warn_deprecated()
        return int(uid)

    def _warn_deprecated(self) -> None:
        """Log the protocol notice once, as soon as both the protocol and the server version are known
        (after the login with ``auto``; at the first version() otherwise): no call is made for it."""
        if self._notice_logged or self._transport is None or self._version is None:
            return
        self._notice_logged = True
        notice = self.protocol_notice()
        if notice and notice not in _NOTICES_LOGGED:  # once per process (--test makes two clients)
            _NOTICES_LOGGED.add(notice)
            LOGGER.warning("%s", notice)

    def _json2_not_served(self) -> OdooConfigError:
        """JSON-2 answered 404 (an HTML page): an Odoo before 19, or a database the server does not hold."""
        try:
            version = self._retrying(self._get_transport("jsonrpc").version)
        except OdooError:
            version = {}
        found = str(version.get("server_version") or "")
        if found and _version_major(version) < 19:
            return OdooConfigError(
                f"protocol: json2 needs Odoo 19 or later, and {self.url} runs Odoo {found}: set protocol "
                "to auto (or jsonrpc / xmlrpc); the api_key works there as the password"
            )
        return OdooConfigError(
            f"database: {self.url} answered HTTP 404 to JSON-2 for database {self.database!r} "
            "(no such database on this server?): check database"
        )

    def protocol_notice(self) -> str | None:
        """What to change when the protocol in use is deprecated on this server (JSON-RPC/XML-RPC on 19+)."""
        protocol = self.protocol
        if protocol == "json2" or self.server_major < 19:
            return None
        path = "/jsonrpc" if protocol == "jsonrpc" else "/xmlrpc"
        if self.has_api_key:
            fix = "set protocol to auto or json2 to use JSON-2 with your api_key"
        else:
            fix = (
                "create an API key (Preferences > Account Security > New API Key) and set api_key "
                "(odoo-hub: ODOO_API_KEY) to use JSON-2"
            )
        return (
            f"Odoo {self.version().get('server_version')} at {self.url}: {path} is deprecated in Odoo 19 and "
            f"removed in Odoo 20; {fix}"
        )

    def check(self) -> dict[str, t.Any]:
        """Connection check: server version, uid, database, protocol (``tap-odoo --test`` style)."""
        uid = self.uid
        version = self.version()
        return {
            "server_version": str(version.get("server_version", "")),
            "server_serie": str(version.get("server_serie", "")),
            "uid": uid,
            "database": self.database,
            "protocol": self.protocol,
            "username": self.username,
            "url": self.url,
            **({"notice": notice} if (notice := self.protocol_notice()) else {}),
        }

    @property
    def server_major(self) -> int:
        """Major version of the server (15..19)."""
        return _version_major(self.version())

    # calls -----------------------------------------------------------------------------------------

    def execute_kw(
        self,
        model: str,
        method: str,
        args: Sequence[t.Any] = (),
        kwargs: Mapping[str, t.Any] | None = None,
        *,
        retry: bool = True,
    ) -> t.Any:
        """Call ``model.method(*args, **kwargs)``; retries transport faults, never Odoo faults.

        ``retry=False`` sends a call that must not run twice (a write) once: a transport fault is raised
        as it is, since Odoo may have applied the call before the answer was lost; the caller finds out.
        """
        uid = self.uid
        transport = self.transport
        call_kwargs = dict(kwargs or {})
        self.calls += 1

        def send() -> t.Any:
            return transport.execute_kw(self.database, uid, self._secret, model, method, args, call_kwargs)

        token = None if retry else RESEND_STALE.set(False)
        try:
            return self._retrying(send) if retry else send()
        except OdooFault as fault:
            if fault.is_access_denied:
                raise self._auth_error(f"{model}.{method}: Access Denied") from None
            raise
        except OdooAuthError:
            raise self._auth_error(f"{model}.{method}") from None
        finally:
            if token is not None:
                RESEND_STALE.reset(token)

    def search_read(
        self,
        model: str,
        domain: Sequence[t.Any],
        fields: Sequence[str] | None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, t.Any] | None = None,
    ) -> list[dict[str, t.Any]]:
        """``search_read`` with only the keyword arguments that are set."""
        kwargs = _only_set(
            fields=None if fields is None else list(fields),
            offset=offset or None,
            limit=limit,
            order=order or None,
            context=dict(context) if context else None,
        )
        return t.cast(list[dict[str, t.Any]], self.execute_kw(model, "search_read", [list(domain)], kwargs))

    def read(
        self,
        model: str,
        ids: Sequence[int],
        fields: Sequence[str],
        context: Mapping[str, t.Any] | None = None,
    ) -> list[dict[str, t.Any]]:
        """``read`` of the given ids."""
        kwargs = _only_set(fields=list(fields), context=dict(context) if context else None)
        return t.cast(list[dict[str, t.Any]], self.execute_kw(model, "read", [list(ids)], kwargs))

    def search(
        self,
        model: str,
        domain: Sequence[t.Any],
        order: str | None = None,
        limit: int | None = None,
        context: Mapping[str, t.Any] | None = None,
    ) -> list[int]:
        """Ids matching a domain."""
        kwargs = _only_set(order=order or None, limit=limit, context=dict(context) if context else None)
        return [int(i) for i in self.execute_kw(model, "search", [list(domain)], kwargs)]

    def search_count(
        self, model: str, domain: Sequence[t.Any], context: Mapping[str, t.Any] | None = None
    ) -> int:
        """Number of records matching a domain."""
        kwargs = _only_set(context=dict(context) if context else None)
        return int(self.execute_kw(model, "search_count", [list(domain)], kwargs))

    def fields_get(self, model: str, attributes: Sequence[str] | None = None) -> dict[str, dict[str, t.Any]]:
        """``fields_get`` of a model, optionally limited to some attributes."""
        kwargs = {"attributes": list(attributes)} if attributes else {}
        return t.cast(dict[str, dict[str, t.Any]], self.execute_kw(model, "fields_get", [], kwargs))

    def close(self) -> None:
        """Close every open connection (a later call opens a new one)."""
        _close_transports(self._transports)

    def __enter__(self) -> OdooClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
