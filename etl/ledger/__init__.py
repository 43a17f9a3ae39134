"""The sync ledger: bindings, run history, per-record events and dead letters (SQLAlchemy Core)."""

from etl.ledger.schema import SCHEMA_VERSION
from etl.ledger.scrub import scrub
from etl.ledger.store import (
    Accepted,
    Binding,
    ClaimResult,
    DeadLetter,
    Ledger,
    Run,
    default_ledger_url,
    payload_hash,
)

__all__ = [
    "SCHEMA_VERSION",
    "Accepted",
    "Binding",
    "ClaimResult",
    "DeadLetter",
    "Ledger",
    "Run",
    "default_ledger_url",
    "payload_hash",
    "scrub",
]
