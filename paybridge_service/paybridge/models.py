"""Payment statuses, the payment record and what a terminal answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .currencies import currency_exponent

PENDING = "pending"
PROCESSING = "processing"
APPROVED = "approved"
DECLINED = "declined"
CANCELLED = "cancelled"
FAILED = "failed"
TIMED_OUT = "timed_out"
UNKNOWN = "unknown"  # in flight when the service stopped and the terminal could not say: the cashier decides

IN_FLIGHT = frozenset({PENDING, PROCESSING})
FINAL = frozenset({APPROVED, DECLINED, CANCELLED, FAILED, TIMED_OUT, UNKNOWN})
ALL_STATUSES = (PENDING, PROCESSING, APPROVED, DECLINED, CANCELLED, FAILED, TIMED_OUT, UNKNOWN)


def major_amount(amount_minor: int, currency: str) -> str:
    """``1250, "SAR"`` → ``"12.50"``; ``1250, "KWD"`` → ``"1.250"``; ``1250, "JPY"`` → ``"1250"``.

    The exponent is ISO 4217's (paybridge/currencies.py); a code that is not a payable currency raises
    ``ValueError`` (``POST /payment/start`` refuses it before any sale is sent).
    """
    exponent = currency_exponent(currency)
    value = Decimal(amount_minor).scaleb(-exponent)
    return f"{value:.{exponent}f}"


@dataclass
class TerminalResult:
    """A terminal's answer about one transaction, already mapped to our statuses."""

    status: str  # processing | approved | declined | cancelled | failed | busy | not_found
    terminal_reference: str | None = None
    auth_code: str | None = None
    masked_card: str | None = None
    card_scheme: str | None = None
    message: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Payment:
    id: str
    idempotency_key: str
    amount_minor: int
    currency: str
    order_reference: str
    terminal_id: str
    ecr_reference: str
    status: str
    created_at: str
    updated_at: str
    terminal_reference: str | None = None
    auth_code: str | None = None
    masked_card: str | None = None
    card_scheme: str | None = None
    failure_reason: str | None = None
    message: str | None = None
    odoo_session_hash: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    def public(self) -> dict[str, Any]:
        """The JSON the API returns (the Odoo session is kept only as a hash, and not shown)."""
        return {
            "id": self.id,
            "status": self.status,
            "amount_minor": self.amount_minor,
            "currency": self.currency,
            "order_reference": self.order_reference,
            "terminal_id": self.terminal_id,
            "idempotency_key": self.idempotency_key,
            "ecr_reference": self.ecr_reference,
            "terminal_reference": self.terminal_reference,
            "auth_code": self.auth_code,
            "masked_card": self.masked_card,
            "card_scheme": self.card_scheme,
            "failure_reason": self.failure_reason,
            "message": self.message,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }
