"""Payments and their status history in SQLite (WAL, synchronous=FULL).

Every write is one ``BEGIN IMMEDIATE`` transaction, so the idempotency check, the terminal-busy check and the
insert are atomic even if two processes share the file. A final status is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .models import IN_FLIGHT, PENDING, Payment

SCHEMA = """
CREATE TABLE IF NOT EXISTS payments (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    order_reference TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    ecr_reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    terminal_reference TEXT,
    auth_code TEXT,
    masked_card TEXT,
    card_scheme TEXT,
    failure_reason TEXT,
    message TEXT,
    odoo_session_hash TEXT
);
CREATE INDEX IF NOT EXISTS payments_in_flight ON payments (terminal_id, status);
CREATE TABLE IF NOT EXISTS payment_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payment_events_by_payment ON payment_events (payment_id, seq);
"""

_PAYMENT_COLUMNS = [f.name for f in fields(Payment)]
_UPDATABLE = {
    "status", "terminal_reference", "auth_code", "masked_card", "card_scheme", "failure_reason", "message",
}  # fmt: skip


class IdempotencyConflict(Exception):
    """The key was used before for a different amount, currency, order or terminal."""

    def __init__(self, payment: Payment) -> None:
        self.payment = payment
        super().__init__(f"idempotency key already used by payment {payment.id} with different parameters")


class TerminalBusy(Exception):
    """Another payment is still in flight on the same terminal."""

    def __init__(self, payment: Payment) -> None:
        self.payment = payment
        super().__init__(f"terminal {payment.terminal_id} is busy with payment {payment.id}")


@dataclass
class Event:
    seq: int
    payment_id: str
    status: str
    at: str
    detail: dict[str, Any]
    payment: dict[str, Any] | None = None

    def public(self) -> dict[str, Any]:
        return {
            "type": "payment.status",
            "seq": self.seq,
            "payment_id": self.payment_id,
            "status": self.status,
            "at": self.at,
            "detail": self.detail,
            "payment": self.payment,
        }


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def request_hash(amount_minor: int, currency: str, order_reference: str, terminal_id: str) -> str:
    text = json.dumps([amount_minor, currency, order_reference, terminal_id])
    return hashlib.sha256(text.encode()).hexdigest()


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @staticmethod
    def _payment(row: sqlite3.Row) -> Payment:
        return Payment(**{name: row[name] for name in _PAYMENT_COLUMNS})

    def _add_event(self, db: sqlite3.Connection, payment: Payment, detail: dict[str, Any]) -> Event:
        cursor = db.execute(
            "INSERT INTO payment_events (payment_id, status, at, detail) VALUES (?, ?, ?, ?)",
            (payment.id, payment.status, payment.updated_at, json.dumps(detail)),
        )
        return Event(
            int(cursor.lastrowid or 0),
            payment.id,
            payment.status,
            payment.updated_at,
            detail,
            payment.public(),
        )

    def create_or_get(
        self,
        *,
        idempotency_key: str,
        amount_minor: int,
        currency: str,
        order_reference: str,
        terminal_id: str,
        odoo_session_hash: str | None,
    ) -> tuple[Payment, Event | None]:
        """Return ``(payment, event)``; ``event`` is None when the key was seen before (a replay)."""
        digest = request_hash(amount_minor, currency, order_reference, terminal_id)
        with self._write() as db:
            row = db.execute(
                "SELECT * FROM payments WHERE idempotency_key = ?", (idempotency_key,)
            ).fetchone()
            if row is not None:
                if row["request_hash"] != digest:
                    raise IdempotencyConflict(self._payment(row))
                return self._payment(row), None
            placeholders = ",".join("?" * len(IN_FLIGHT))
            busy = db.execute(
                f"SELECT * FROM payments WHERE terminal_id = ? AND status IN ({placeholders}) "  # noqa: S608
                "ORDER BY created_at LIMIT 1",
                (terminal_id, *sorted(IN_FLIGHT)),
            ).fetchone()
            if busy is not None:
                raise TerminalBusy(self._payment(busy))
            ident = uuid.uuid4().hex
            stamp = now()
            payment = Payment(
                id=f"pay_{ident}",
                idempotency_key=idempotency_key,
                amount_minor=amount_minor,
                currency=currency,
                order_reference=order_reference,
                terminal_id=terminal_id,
                ecr_reference=f"PB{ident[:14].upper()}",
                status=PENDING,
                created_at=stamp,
                updated_at=stamp,
                odoo_session_hash=odoo_session_hash,
            )
            values = [getattr(payment, name) for name in _PAYMENT_COLUMNS]
            db.execute(
                f"INSERT INTO payments ({','.join(_PAYMENT_COLUMNS)}, request_hash) "  # noqa: S608
                f"VALUES ({','.join('?' * len(values))}, ?)",
                (*values, digest),
            )
            return payment, self._add_event(db, payment, {"reason": "created"})

    def transition(
        self, payment_id: str, status: str, detail: dict[str, Any] | None = None, **changes: Any
    ) -> Event | None:
        """Move an in-flight payment to ``status``; None if it is already final (first final answer wins)."""
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"cannot update payment fields {sorted(unknown)}")
        with self._write() as db:
            row = db.execute("SELECT * FROM payments WHERE id = ?", (payment_id,)).fetchone()
            if row is None:
                raise KeyError(payment_id)
            payment = self._payment(row)
            if payment.is_final or (payment.status == status and not changes):
                return None
            payment.status = status
            payment.updated_at = now()
            for name, value in changes.items():
                if value is not None:
                    setattr(payment, name, value)
            db.execute(
                "UPDATE payments SET status=?, updated_at=?, terminal_reference=?, auth_code=?, "
                "masked_card=?, card_scheme=?, failure_reason=?, message=? WHERE id=?",
                (
                    payment.status, payment.updated_at, payment.terminal_reference, payment.auth_code,
                    payment.masked_card, payment.card_scheme, payment.failure_reason, payment.message,
                    payment.id,
                ),
            )  # fmt: skip
            return self._add_event(db, payment, detail or {})

    def get(self, payment_id: str) -> Payment | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM payments WHERE id = ?", (payment_id,)).fetchone()
        return None if row is None else self._payment(row)

    def history(self, payment_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, status, at, detail FROM payment_events WHERE payment_id = ? ORDER BY seq",
                (payment_id,),
            ).fetchall()
        return [
            {"seq": r["seq"], "status": r["status"], "at": r["at"], "detail": json.loads(r["detail"])}
            for r in rows
        ]

    def in_flight(self) -> list[Payment]:
        placeholders = ",".join("?" * len(IN_FLIGHT))
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM payments WHERE status IN ({placeholders}) ORDER BY created_at",  # noqa: S608
                tuple(sorted(IN_FLIGHT)),
            ).fetchall()
        return [self._payment(r) for r in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM payments").fetchone()[0])

    def events_since(self, seq: int, limit: int = 500) -> list[Event]:
        with self._lock:
            rows = self._db.execute(
                "SELECT e.seq, e.payment_id, e.status, e.at, e.detail FROM payment_events e WHERE e.seq > ? "
                "ORDER BY e.seq LIMIT ?",
                (seq, limit),
            ).fetchall()
        return [Event(r["seq"], r["payment_id"], r["status"], r["at"], json.loads(r["detail"])) for r in rows]
