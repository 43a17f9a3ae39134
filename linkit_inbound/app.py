"""The Starlette app: seed 000's inbound routes, each behind its plugin's key.

ERP key: `/linkit/erp/*` and the legacy `/api/linkit/*` (same handlers); POS key: `/linkit/pos/*`. Answers
are JSON; an error is `{"success": false, "message", "error": {"code", "message", "field"?, "issues"?}}`.
Odoo work (apply, feeds, health) runs in Starlette's thread pool: the writer and the client are blocking.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from etl.errors import StopRun
from linkit_inbound import SERVICE, __version__
from linkit_inbound.apply import Applier, Report
from linkit_inbound.auth import refusal
from linkit_inbound.bodies import KINDS, BodyInvalid, Issue, parse_json, read_items
from linkit_inbound.feeds import Feeds, QueryInvalid
from linkit_inbound.settings import Settings
from tap_odoo.client import OdooClient
from tap_odoo.errors import OdooAuthError, OdooError, OdooFault

LOG = logging.getLogger("linkit_inbound")
ACCESS = logging.getLogger("linkit_inbound.access")
Handler = Callable[[Request], Awaitable[Response]]
# (path under the plugin's prefix, method, what) ; what = health | feed:<name> | body:<kind>
ERP_ROUTES = [
    ("/health", "GET", "health"),
    ("/inventory", "POST", "body:inventory"),
    ("/orders", "GET", "feed:sale_orders"),
    ("/products", "GET", "feed:products"),
    ("/offers", "POST", "body:offers"),
    ("/customers", "POST", "body:customers"),
    ("/branches/working-hours", "POST", "body:hours"),
    ("/branches/working-hours/bulk", "POST", "body:hours_bulk"),
]
POS_ROUTES = [
    ("/health", "GET", "health"),
    ("/inventory", "POST", "body:inventory"),
    ("/orders", "GET", "feed:pos_orders"),
    ("/customers", "POST", "body:customers"),
    ("/branches/working-hours", "POST", "body:hours"),
    ("/branches/working-hours/bulk", "POST", "body:hours_bulk"),
]
PREFIXES = [
    ("/linkit/erp", "erp", ERP_ROUTES),
    ("/api/linkit", "erp", ERP_ROUTES),
    ("/linkit/pos", "pos", POS_ROUTES),
]


def error(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    detail: dict[str, Any] = {"code": code, "message": message}
    detail.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse({"success": False, "message": message, "error": detail}, status, headers=headers)


def odoo_error(exc: Exception) -> JSONResponse:
    """An Odoo that cannot be reached or refuses the service's login is 503 (try again later); a fault
    Odoo answered is 502 with its first line. No message carries a secret (tap-odoo's errors never do)."""
    if isinstance(exc, OdooFault):
        first = (exc.message.strip().splitlines() or ["?"])[-1][:300]
        return error(502, "odoo_error", f"Odoo answered an error: {first}")
    code = "odoo_login_refused" if isinstance(exc, OdooAuthError) else "odoo_unavailable"
    return error(503, code, str(exc)[:500], headers={"Retry-After": "30"})


def _invalid(issues: list[Issue]) -> JSONResponse:
    first = issues[0]
    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
    return error(
        422,
        "invalid_body",
        f"{first}{more}; nothing was applied",
        field=first.field,
        index=first.index,
        issues=[i.as_dict() for i in issues[:100]],
    )


def _answer(report: Report, kind: str, atomic: bool) -> JSONResponse:
    counts = {
        s: report.count(s) for s in ("applied", "unchanged", "filtered", "failed", "invalid", "not_applied")
    }
    what = KINDS[kind].what
    shown = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n)
    body: dict[str, Any] = {
        "success": report.refused == 0,
        "message": f"{len(report.outcomes)} {what} item(s): {shown}",
        "run_id": report.run_id,
        **counts,
        "results": [o.as_dict() for o in report.outcomes],
    }
    if report.stopped:
        body["error"] = {"code": "odoo_unavailable", "message": report.stopped}
        return JSONResponse(body, 503, headers={"Retry-After": "30"})
    if atomic and report.refused:
        body["error"] = {
            "code": "refused_by_odoo",
            "message": "Odoo refused some items after the checks; the others were applied (see results); "
            "the refused ones are dead letters (`ODOO_HUB_SOURCE=linkit odoo-hub retry --target odoo` once "
            "fixed in Odoo)",
        }
        return JSONResponse(body, 409)
    return JSONResponse(body, 200)


async def read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than ``limit`` bytes (announced or streamed)."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class Service:
    """What the handlers share: settings, the applier (mapping, ledger), the feeds' Odoo client."""

    def __init__(self, settings: Settings, applier: Applier, client: OdooClient) -> None:
        self.settings = settings
        self.applier = applier
        self.client = client
        self.feeds = Feeds(client)

    def apply(self, kind: str, body: Any) -> JSONResponse:
        """Check the whole body, then apply it (blocking: run in the thread pool)."""
        atomic = self.settings.apply_mode == "atomic"
        try:
            items, issues = read_items(kind, body)
        except BodyInvalid as exc:
            return _invalid(exc.issues)
        stream = KINDS[kind].stream
        if not self.applier.mapped(stream):
            return error(
                501,
                "not_mapped",
                f"stream {stream} is not in target-odoo's Linkit mapping (target_odoo/mappings/linkit.json "
                "or the odoo.mapping_file setting): nothing was applied",
            )
        good = [i for i in items if i.index not in {x.index for x in issues}]
        planned, more = self.applier.plan(good)
        issues += more
        if atomic and issues:
            return _invalid(issues)
        api = self.applier.open_api()
        try:
            issues += self.applier.missing_refs(api, planned)
        except StopRun as exc:
            api.close()
            return error(503, "odoo_unavailable", str(exc), headers={"Retry-After": "30"})
        except OdooFault as exc:  # a lookup this database cannot answer (a model it lacks): nothing applied
            api.close()
            return odoo_error(exc)
        if atomic and issues:
            api.close()
            return _invalid(issues)
        bad = {i.index for i in issues}
        rejected = [
            (i, "; ".join(str(x) for x in issues if x.index == i.index)) for i in items if i.index in bad
        ]
        planned = [p for p in planned if p.item.index not in bad]
        return _answer(self.applier.apply(api, planned, rejected), kind, atomic)

    def health(self, plugin: str) -> JSONResponse:
        body: dict[str, Any] = {
            "status": "ok",
            "plugin": plugin,
            "service": SERVICE,
            "version": __version__,
            "streams": {
                KINDS[k].stream: self.applier.mapped(KINDS[k].stream)
                for k in ("hours", "inventory", "customers", "offers")
            },
        }
        try:
            self.client.search_count("res.company", [])  # reachable, and the service's login works
            body["odoo"] = {
                "reachable": True,
                "server_version": str(self.client.version().get("server_version")),
            }
        except OdooError as exc:
            body.update(status="unhealthy", odoo={"reachable": False, "error": str(exc)[:300]})
            return JSONResponse(body, 503)
        return JSONResponse(body)


def _handler(service: Service, plugin: str, what: str) -> Handler:
    kind = what.partition(":")[2]

    async def handle(request: Request) -> Response:
        refused = refusal(service.settings, plugin, request.headers)
        if refused is not None:
            headers = {"WWW-Authenticate": 'Bearer realm="linkit"'} if refused.status == 401 else None
            return error(refused.status, refused.code, refused.message, headers=headers)
        if what == "health":
            return await run_in_threadpool(service.health, plugin)
        if what.startswith("feed:"):
            feed = getattr(service.feeds, kind)
            try:
                return JSONResponse(await run_in_threadpool(feed, dict(request.query_params)))
            except QueryInvalid as exc:
                return error(422, "invalid_query", str(exc), field=exc.param)
            except OdooError as exc:
                return odoo_error(exc)
        raw = await read_body(request, service.settings.max_body_bytes)
        if raw is None:
            limit = service.settings.max_body_bytes
            return error(413, "too_large", f"the body is larger than {limit} bytes (setting max_body_bytes)")
        try:
            body = parse_json(raw)
        except BodyInvalid as exc:
            return _invalid(exc.issues)
        return await run_in_threadpool(service.apply, kind, body)

    return handle


class AccessLog:
    """One line a request: method, path (never the query string or a header), status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began, status = time.perf_counter(), [0]

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            millis = (time.perf_counter() - began) * 1000
            ACCESS.info("%s %s %s %.0fms", scope.get("method"), scope["path"][:200], status[0], millis)


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 / 405 in the service's error shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return error(405, "method_not_allowed", f"{request.method} is not allowed here; use {allowed}")
    return error(exc.status_code, "not_found", f"no route {request.method} {request.url.path[:200]}")


def create_app(
    settings: Settings, *, applier: Applier | None = None, client: OdooClient | None = None
) -> Starlette:
    """The app; the mapping and the ledger are opened here, so a wrong one fails before anything listens."""
    service = Service(
        settings,
        applier or Applier(settings),
        client or OdooClient.from_config(settings.odoo),
    )
    routes = [
        Route(prefix + path, _handler(service, plugin, what), methods=[method])
        for prefix, plugin, table in PREFIXES
        for path, method, what in table
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.client.close()
            service.applier.close()

    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_exception}, lifespan=lifespan)
    app.state.service = service
    app.add_middleware(AccessLog)
    return app


__all__ = ["Service", "create_app"]
