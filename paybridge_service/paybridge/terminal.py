"""The small interface every terminal transport implements (``mock`` and ``geidea_web_ecr``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from .models import TerminalResult

# Statuses a terminal may answer besides our final payment statuses.
T_PROCESSING = "processing"
T_BUSY = "busy"
T_NOT_FOUND = "not_found"


class TerminalError(Exception):
    """The terminal (or its Web ECR service) could not be reached or answered nonsense.

    ``maybe_started`` is True when a sale request may have reached the terminal before the failure
    (a timeout after sending): the payment must then be watched, never started again.
    """

    def __init__(self, message: str, *, maybe_started: bool = False) -> None:
        super().__init__(message)
        self.maybe_started = maybe_started


class Terminal(ABC):
    mode: str = ""

    @abstractmethod
    async def list_terminals(self) -> list[dict[str, Any]]:
        """``[{"id", "name", "status", "mode"}]``; status is idle | busy | offline | unknown."""

    @abstractmethod
    async def start_sale(
        self, *, terminal_id: str, ecr_reference: str, amount_minor: int, currency: str
    ) -> TerminalResult:
        """Ask the terminal to take the card. Answers processing, busy, or a final status."""

    @abstractmethod
    async def status(self, *, terminal_id: str, ecr_reference: str) -> TerminalResult:
        """What the terminal knows about one sale; ``not_found`` when it has no record of it."""

    @abstractmethod
    async def cancel(self, *, terminal_id: str, ecr_reference: str) -> TerminalResult:
        """Try to abort a sale; answers cancelled, or the status it had already reached."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
