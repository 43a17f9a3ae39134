"""``mock`` mode: a pretend terminal with deterministic outcomes chosen by the amount's last two digits.

| amount ends in | outcome |
| --- | --- |
| 01 | declined (card shown, issuer says no) |
| 02 | no card presented: stays processing until cancelled or the payment timeout (``timed_out``) |
| 03 | terminal busy: 409, nothing charged |
| 04 | terminal error: ``failed`` |
| anything else | approved |

The terminal acknowledges after a tenth of ``PAYBRIDGE_MOCK_DELAY_MS`` and decides after the full delay.
Its memory is the process: after a restart it knows no sale, so in-flight payments become ``unknown``.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass
from typing import Any

from .models import APPROVED, CANCELLED, DECLINED, FAILED, TerminalResult
from .terminal import T_BUSY, T_NOT_FOUND, T_PROCESSING, Terminal

OUTCOMES = {1: DECLINED, 2: "never", 3: T_BUSY, 4: FAILED}


@dataclass
class _Sale:
    ecr_reference: str
    outcome: str
    decide_at: float
    cancelled: bool = False


class MockTerminal(Terminal):
    mode = "mock"

    def __init__(self, terminal_id: str, delay_ms: int) -> None:
        self.terminal_id = terminal_id
        self.delay_s = delay_ms / 1000
        self.sales: dict[str, _Sale] = {}
        self.starts = 0  # how many sale requests reached the terminal (tests read it)

    def _known(self, terminal_id: str) -> bool:
        return terminal_id == self.terminal_id

    def _active(self) -> _Sale | None:
        for sale in self.sales.values():
            if self._result(sale).status == T_PROCESSING:
                return sale
        return None

    async def list_terminals(self) -> list[dict[str, Any]]:
        status = "busy" if self._active() else "idle"
        return [
            {"id": self.terminal_id, "name": "Paybridge mock terminal", "status": status, "mode": self.mode}
        ]

    async def start_sale(
        self, *, terminal_id: str, ecr_reference: str, amount_minor: int, currency: str
    ) -> TerminalResult:
        await asyncio.sleep(self.delay_s / 10)
        if not self._known(terminal_id):
            return TerminalResult(FAILED, message=f"no terminal {terminal_id!r} in mock mode")
        outcome = OUTCOMES.get(amount_minor % 100, APPROVED)
        if outcome == T_BUSY or self._active() is not None:
            return TerminalResult(T_BUSY, message="terminal is busy with another transaction")
        self.starts += 1
        sale = _Sale(ecr_reference, outcome, time.monotonic() + self.delay_s * 0.9)
        self.sales[ecr_reference] = sale
        return self._result(sale)

    def _result(self, sale: _Sale) -> TerminalResult:
        if sale.cancelled:
            return TerminalResult(CANCELLED, message="cancelled on the terminal")
        if sale.outcome == "never" or time.monotonic() < sale.decide_at:
            return TerminalResult(T_PROCESSING, message="present card")
        digest = hashlib.sha256(sale.ecr_reference.encode()).hexdigest()
        card: dict[str, Any] = {"masked_card": "411111******1111", "card_scheme": "VISA"}
        rrn = str(int(digest[:12], 16))[:12].rjust(12, "0")
        if sale.outcome == APPROVED:
            return TerminalResult(
                APPROVED,
                terminal_reference=rrn,
                auth_code=str(int(digest[12:20], 16))[-6:],
                message="APPROVED",
                **card,
            )
        if sale.outcome == DECLINED:
            return TerminalResult(DECLINED, terminal_reference=rrn, message="DECLINED", **card)
        return TerminalResult(FAILED, message="terminal error (mock amount ending in 04)")

    async def status(self, *, terminal_id: str, ecr_reference: str) -> TerminalResult:
        sale = self.sales.get(ecr_reference)
        if sale is None:
            return TerminalResult(T_NOT_FOUND, message="the mock terminal has no record of this sale")
        return self._result(sale)

    async def cancel(self, *, terminal_id: str, ecr_reference: str) -> TerminalResult:
        sale = self.sales.get(ecr_reference)
        if sale is None:
            return TerminalResult(T_NOT_FOUND, message="the mock terminal has no record of this sale")
        if self._result(sale).status == T_PROCESSING:
            sale.cancelled = True
        return self._result(sale)
