"""Payment lifecycle: idempotent start, driving the terminal, cancel, timeout, reconcile after a restart."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from typing import Any

from .config import Settings
from .events import EventHub
from .models import (
    APPROVED,
    CANCELLED,
    DECLINED,
    FAILED,
    PENDING,
    PROCESSING,
    TIMED_OUT,
    UNKNOWN,
    Payment,
    TerminalResult,
)  # fmt: skip
from .store import Event, Store
from .terminal import T_BUSY, T_NOT_FOUND, T_PROCESSING, Terminal, TerminalError

log = logging.getLogger("paybridge.service")
TERMINAL_FINALS = {APPROVED: APPROVED, DECLINED: DECLINED, CANCELLED: CANCELLED, FAILED: FAILED}


class PaymentNotFound(KeyError):
    pass


class PaymentService:
    def __init__(self, settings: Settings, store: Store, terminal: Terminal, hub: EventHub) -> None:
        self.settings = settings
        self.store = store
        self.terminal = terminal
        self.hub = hub
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._accepted: dict[str, asyncio.Event] = {}

    # -- state changes -------------------------------------------------------------------------------------
    def _publish(self, event: Event | None) -> None:
        if event is not None:
            self.hub.publish(event.public())

    def _set(self, payment_id: str, status: str, reason: str, **changes: Any) -> None:
        self._publish(self.store.transition(payment_id, status, {"reason": reason}, **changes))

    def _apply(self, payment_id: str, result: TerminalResult, reason: str) -> bool:
        """Record what the terminal said; True when the payment is now final."""
        details = {
            "terminal_reference": result.terminal_reference,
            "auth_code": result.auth_code,
            "masked_card": result.masked_card,
            "card_scheme": result.card_scheme,
            "message": result.message,
        }
        if result.status in TERMINAL_FINALS:
            failure = "terminal_error" if result.status == FAILED else None
            self._set(payment_id, TERMINAL_FINALS[result.status], reason, failure_reason=failure, **details)
            return True
        if result.status == T_PROCESSING:
            payment = self.store.get(payment_id)
            if payment is not None and payment.status == PENDING:
                self._set(payment_id, PROCESSING, reason, **details)
        return False

    # -- start ---------------------------------------------------------------------------------------------
    async def start(
        self, *, idempotency_key: str, amount_minor: int, currency: str, order_reference: str,
        terminal_id: str, odoo_session: str | None,
    ) -> tuple[Payment, bool]:  # fmt: skip
        """``(payment, created)``. Raises store.IdempotencyConflict / store.TerminalBusy."""
        session_hash = hashlib.sha256(odoo_session.encode()).hexdigest() if odoo_session else None
        payment, event = self.store.create_or_get(
            idempotency_key=idempotency_key, amount_minor=amount_minor, currency=currency,
            order_reference=order_reference, terminal_id=terminal_id, odoo_session_hash=session_hash,
        )  # fmt: skip
        if event is None:
            return payment, False
        self._publish(event)
        accepted = self._accepted[payment.id] = asyncio.Event()
        self._spawn(payment.id, self._drive(payment))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(accepted.wait(), self.settings.start_wait_s)
        return self.store.get(payment.id) or payment, True

    def _spawn(self, payment_id: str, work: Any) -> None:
        task = asyncio.create_task(work, name=f"paybridge-{payment_id}")
        self._tasks[payment_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(payment_id, None))

    def _deadline(self) -> float:
        return asyncio.get_running_loop().time() + self.settings.payment_timeout_s

    async def _drive(self, payment: Payment) -> None:
        deadline = self._deadline()
        accepted = self._accepted.get(payment.id)
        try:
            try:
                result = await self.terminal.start_sale(
                    terminal_id=payment.terminal_id, ecr_reference=payment.ecr_reference,
                    amount_minor=payment.amount_minor, currency=payment.currency,
                )  # fmt: skip
            except TerminalError as exc:
                if not exc.maybe_started:
                    self._set(
                        payment.id,
                        FAILED,
                        "terminal_unreachable",
                        failure_reason="terminal_unreachable",
                        message=str(exc),
                    )
                    return
                log.warning("payment %s: %s; watching the terminal for the outcome", payment.id, exc)
                result = TerminalResult(T_PROCESSING, message=str(exc))
            if result.status == T_BUSY:
                self._set(
                    payment.id,
                    FAILED,
                    "terminal_busy",
                    failure_reason="terminal_busy",
                    message=result.message,
                )
                return
            if result.status == T_NOT_FOUND:
                message = "the Web ECR sale endpoint answered 'not found': check the contract's sale path"
                self._set(
                    payment.id, FAILED, "terminal_error", failure_reason="terminal_error", message=message
                )
                return
            if self._apply(payment.id, result, "terminal_started"):
                return
        finally:
            if accepted is not None:
                accepted.set()
            self._accepted.pop(payment.id, None)
        await self._watch(payment, deadline)

    async def _watch(self, payment: Payment, deadline: float) -> None:
        loop = asyncio.get_running_loop()
        while loop.time() < deadline:
            await asyncio.sleep(min(self.settings.poll_interval_s, max(0.0, deadline - loop.time())))
            current = self.store.get(payment.id)
            if current is None or current.is_final:
                return
            try:
                result = await self.terminal.status(
                    terminal_id=payment.terminal_id, ecr_reference=payment.ecr_reference
                )
            except TerminalError as exc:
                log.warning("payment %s: status query failed (%s); retrying", payment.id, exc)
                continue
            if self._apply(payment.id, result, "terminal_result"):
                return
        await self._expire(payment)

    async def _expire(self, payment: Payment) -> None:
        """Timeout: cancel on the terminal, then believe only what the terminal says."""
        try:
            result = await self.terminal.cancel(
                terminal_id=payment.terminal_id, ecr_reference=payment.ecr_reference
            )
        except TerminalError as exc:
            result = TerminalResult(T_PROCESSING, message=str(exc))
        if result.status in (CANCELLED, T_NOT_FOUND):
            message = f"no result within {self.settings.payment_timeout_s:g}s; cancelled on the terminal"
            self._set(payment.id, TIMED_OUT, "timeout", failure_reason="timeout", message=message)
        elif not self._apply(payment.id, result, "terminal_result_at_timeout"):
            message = (
                "no result within the timeout and the terminal did not confirm a cancel: check the terminal"
            )
            self._set(
                payment.id,
                UNKNOWN,
                "timeout_unconfirmed",
                failure_reason="timeout_unconfirmed",
                message=message,
            )

    # -- cancel --------------------------------------------------------------------------------------------
    async def cancel(self, payment_id: str) -> Payment:
        payment = self.store.get(payment_id)
        if payment is None:
            raise PaymentNotFound(payment_id)
        if payment.is_final:
            return payment
        accepted = self._accepted.get(payment_id)
        if accepted is not None:  # the sale request is still on its way: cancel after it lands
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(accepted.wait(), self.settings.web_ecr_timeout_s + 1)
        result = await self.terminal.cancel(
            terminal_id=payment.terminal_id, ecr_reference=payment.ecr_reference
        )
        if result.status == T_NOT_FOUND:
            current = self.store.get(payment_id)
            if current is not None and current.status == PENDING and payment_id not in self._tasks:
                self._set(
                    payment_id,
                    CANCELLED,
                    "cancel_requested",
                    message="cancelled before it reached the terminal",
                )
        else:
            self._apply(payment_id, result, "cancel_requested")
        return self.store.get(payment_id) or payment

    # -- restart -------------------------------------------------------------------------------------------
    async def reconcile(self) -> None:
        """Payments in flight when the service stopped: ask the terminal, else mark ``unknown``."""
        for payment in self.store.in_flight():
            try:
                result: TerminalResult | None = await self.terminal.status(
                    terminal_id=payment.terminal_id, ecr_reference=payment.ecr_reference
                )
            except TerminalError as exc:
                log.warning("reconcile %s: %s", payment.id, exc)
                result = None
            if result is not None and self._apply(payment.id, result, "reconciled_after_restart"):
                log.info("reconciled %s after restart: %s", payment.id, result.status)
                continue
            if result is not None and result.status == T_PROCESSING:
                if payment.status == PROCESSING:
                    self._publish(
                        self.store.transition(
                            payment.id,
                            PROCESSING,
                            {"reason": "reconciled_after_restart"},
                            message="still on the terminal",
                        )
                    )
                self._spawn(payment.id, self._watch(payment, self._deadline()))
                continue
            message = (
                "Paybridge stopped while this payment was in flight and the terminal has no answer for it: "
                "check the terminal's last receipt before taking the payment again"
            )
            self._set(
                payment.id, UNKNOWN, "reconciled_after_restart", failure_reason="interrupted", message=message
            )

    async def shutdown(self) -> None:
        """Stop watching; payments still in flight stay so in the database and are reconciled on start."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
