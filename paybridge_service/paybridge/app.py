"""The Starlette application: routes, middleware and the service's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from . import __version__
from .config import Settings
from .currencies import currency_problem
from .events import EventHub
from .models import CANCELLED
from .openapi import openapi_document
from .security import AccessLogMiddleware, ApiKeyMiddleware, BodyLimitMiddleware, TicketBook, key_matches
from .service import PaymentNotFound, PaymentService
from .store import IdempotencyConflict, Store, TerminalBusy
from .terminal import Terminal, TerminalError
from .terminal_mock import MockTerminal
from .terminal_web_ecr import WebEcrTerminal
from .web_ecr_contract import load_contract

CURRENCY = re.compile(r"^[A-Z]{3}$")
CURRENCY_FIX = (
    "send the sale's currency as its active ISO 4217 code, such as SAR, AED, KWD or EUR "
    "(in Odoo: the POS journal's or company's currency)"
)
TOKEN = re.compile(r"^[\x21-\x7e]{1,128}$")
TERMINAL = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
PAYMENT_ID = re.compile(r"^pay_[0-9a-f]{32}$")
MAX_AMOUNT_MINOR = 999_999_999


class BadField(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def error(
    status: int, code: str, message: str, *, field: str | None = None, payment: dict[str, Any] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if field is not None:
        body["error"]["field"] = field
    if payment is not None:
        body["payment"] = payment
    return JSONResponse(body, status_code=status)


def _shown(value: Any) -> str:
    """A request value for an error message: JSON, cut short."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def build_terminal(settings: Settings) -> Terminal:
    if settings.mode == "mock":
        return MockTerminal(settings.default_terminal_id, settings.mock_delay_ms)
    contract = load_contract(settings.web_ecr_contract)
    return WebEcrTerminal(settings.web_ecr_url, settings.terminal_id, contract, settings.web_ecr_timeout_s)


def _start_fields(body: Any, header_key: str | None, default_terminal: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadField("body", "the body must be a JSON object")
    amount = body.get("amount_minor")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT_MINOR:
        raise BadField(
            "amount_minor",
            f"amount_minor must be a whole number of minor units (fils, halalas, cents) "
            f"from 1 to {MAX_AMOUNT_MINOR}",
        )
    currency = body.get("currency")
    if not isinstance(currency, str) or not CURRENCY.fullmatch(currency.upper()):
        raise BadField(
            "currency",
            f"currency {_shown(currency)} is not a 3-letter ISO 4217 code: {CURRENCY_FIX}",
        )
    problem = currency_problem(currency)
    if problem is not None:
        raise BadField("currency", f"currency {_shown(currency)} is refused: {problem}; {CURRENCY_FIX}")
    order = body.get("order_reference")
    if not isinstance(order, str) or not 1 <= len(order) <= 64 or not order.isprintable():
        raise BadField(
            "order_reference", "order_reference must be 1-64 printable characters (the POS order name)"
        )
    terminal = body.get("terminal_id") or default_terminal
    if not isinstance(terminal, str) or not TERMINAL.match(terminal):
        raise BadField(
            "terminal_id",
            "terminal_id must be 1-64 letters, digits or _.:- (or omit it for the default terminal)",
        )
    key = body.get("idempotency_key", header_key)
    if not isinstance(key, str) or not TOKEN.match(key):
        raise BadField(
            "idempotency_key",
            "idempotency_key must be 1-128 visible ASCII characters, new for each payment attempt",
        )
    if header_key is not None and header_key != key:
        raise BadField("idempotency_key", "the Idempotency-Key header and the body's idempotency_key differ")
    return {
        "amount_minor": amount,
        "currency": currency,
        "order_reference": order,
        "terminal_id": terminal,
        "idempotency_key": key,
    }


def create_app(settings: Settings, terminal: Terminal | None = None) -> Starlette:
    hub = EventHub()
    tickets = TicketBook(settings.ticket_ttl_s)
    state: dict[str, Any] = {}

    def service() -> PaymentService:
        service: PaymentService = state["service"]
        return service

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = Store(settings.db_path)
        term = terminal or build_terminal(settings)
        svc = PaymentService(settings, store, term, hub)
        state["service"] = app.state.service = svc
        await svc.reconcile()
        try:
            yield
        finally:
            hub.close_all()
            await svc.shutdown()
            await term.close()
            store.close()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "mode": settings.mode, "version": __version__})

    async def terminals(request: Request) -> JSONResponse:
        return JSONResponse({"terminals": await service().terminal.list_terminals()})

    async def start(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return error(400, "invalid_json", "the body is not valid JSON", field="body")
        try:
            fields = _start_fields(body, request.headers.get("idempotency-key"), settings.default_terminal_id)
        except BadField as exc:
            return error(422, "invalid_field", str(exc), field=exc.field)
        try:
            payment, created = await service().start(
                odoo_session=request.headers.get("x-odoo-session"), **fields
            )
        except IdempotencyConflict as exc:
            return error(
                409, "idempotency_conflict",
                "this idempotency_key was already used for a different amount, currency, order or terminal: "
                "use a new key for a new payment", field="idempotency_key", payment=exc.payment.public(),
            )  # fmt: skip
        except TerminalBusy as exc:
            return error(
                409, "terminal_busy",
                f"terminal {exc.payment.terminal_id} is busy with payment {exc.payment.id} "
                f"({exc.payment.status}); finish or cancel it first", payment=exc.payment.public(),
            )  # fmt: skip
        if payment.failure_reason == "terminal_busy":
            message = (
                f"terminal {payment.terminal_id} reports it is busy with another sale; nothing was charged"
            )
            return error(409, "terminal_busy", message, payment=payment.public())
        return JSONResponse(
            payment.public(),
            status_code=201 if created else 200,
            headers={"Idempotent-Replayed": str(not created).lower()},
        )

    def _payment_id(request: Request) -> str | None:
        ident = str(request.path_params["payment_id"])
        return ident if PAYMENT_ID.match(ident) else None

    async def get_payment(request: Request) -> JSONResponse:
        ident = _payment_id(request)
        payment = service().store.get(ident) if ident else None
        if payment is None:
            return error(404, "not_found", "no payment with this id", field="payment_id")
        return JSONResponse({**payment.public(), "history": service().store.history(payment.id)})

    async def cancel(request: Request) -> JSONResponse:
        ident = _payment_id(request)
        if ident is None:
            return error(404, "not_found", "no payment with this id", field="payment_id")
        try:
            payment = await service().cancel(ident)
        except PaymentNotFound:
            return error(404, "not_found", "no payment with this id", field="payment_id")
        except TerminalError as exc:
            return error(502, "terminal_unreachable", f"could not ask the terminal to cancel: {exc}")
        if payment.status == CANCELLED:
            return JSONResponse(payment.public())
        message = (
            f"payment is already {payment.status}; it cannot be cancelled here"
            if payment.is_final
            else "the terminal refused the cancel (card in progress?): try again or cancel on the terminal"
        )
        return error(409, "not_cancellable", message, payment=payment.public())

    async def ticket(request: Request) -> JSONResponse:
        return JSONResponse({"ticket": tickets.issue(), "expires_in": settings.ticket_ttl_s})

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(openapi_document(__version__))

    async def events(websocket: WebSocket) -> None:
        origin = websocket.headers.get("origin")
        if origin is not None and origin.lower() not in settings.cors_origins:
            await websocket.close(code=1008, reason="origin not allowed")
            return
        ticket_value = websocket.query_params.get("ticket")
        allowed = (
            tickets.redeem(ticket_value)
            if ticket_value
            else key_matches(websocket.headers.get("x-api-key"), settings.api_key)
        )
        if not allowed:
            await websocket.close(code=1008, reason="missing or wrong ticket")
            return
        since_text = websocket.query_params.get("since", "")
        svc = service()
        queue = hub.subscribe()
        await websocket.accept()
        reader = asyncio.create_task(_watch_disconnect(websocket, queue))
        try:
            last = -1
            if since_text.isdigit():
                for old in svc.store.events_since(int(since_text)):
                    await websocket.send_json({**old.public(), "replayed": True})
                    last = old.seq
            await websocket.send_json({"type": "hello", "mode": settings.mode, "last_replayed_seq": last})
            while (item := await queue.get()) is not None:
                if item.get("seq", 0) > last:
                    await websocket.send_json(item)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            hub.unsubscribe(queue)
            reader.cancel()
            with contextlib.suppress(Exception):
                await websocket.close()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/v1/terminals", terminals, methods=["GET"]),
        Route("/v1/events/ticket", ticket, methods=["POST"]),
        Route("/payment/start", start, methods=["POST"]),
        Route("/payment/{payment_id}", get_payment, methods=["GET"]),
        Route("/payment/{payment_id}/cancel", cancel, methods=["POST"]),
        WebSocketRoute("/events", events),
    ]
    middleware = [
        Middleware(AccessLogMiddleware),
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["X-Api-Key", "X-Odoo-Session", "Content-Type", "Idempotency-Key"],
            expose_headers=["Idempotent-Replayed"],
            allow_private_network=True,
            max_age=600,
        ),
        Middleware(BodyLimitMiddleware, limit=settings.max_body_bytes),
        Middleware(
            ApiKeyMiddleware, api_key=settings.api_key, require_odoo_session=settings.require_odoo_session
        ),
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_exception},
        lifespan=lifespan,
    )


HTTP_ERROR_CODES = {404: "not_found", 405: "method_not_allowed"}


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 (no such route) and 405 (wrong method) in the same JSON envelope as every error."""
    assert isinstance(exc, HTTPException)
    method, path = request.method, request.url.path[:200]
    if exc.status_code == 404:
        message = f"no route {method} {path}: the routes are listed by GET /openapi.json"
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        message = f"{method} is not allowed on {path}; use {allowed}"
    else:
        message = str(exc.detail)
    response = error(exc.status_code, HTTP_ERROR_CODES.get(exc.status_code, "http_error"), message)
    response.headers.update(exc.headers or {})
    return response


async def _watch_disconnect(websocket: WebSocket, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
    """Read (and ignore) client frames; on disconnect wake the sender so it unsubscribes."""
    with contextlib.suppress(Exception):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
    with contextlib.suppress(asyncio.QueueFull):
        queue.put_nowait(None)
