"""The ledger's bindings for one platform, read and written a batch at a time (etl's batched Ledger forms)."""

from __future__ import annotations

from collections.abc import Iterable

from etl.ledger import Accepted, Ledger

__all__ = ["Accepted", "Bindings"]


class Bindings:
    """Last accepted payload hash per (entity, key) of one platform."""

    def __init__(self, ledger: Ledger, platform: str) -> None:
        self.ledger = ledger
        self.platform = platform

    def hashes(self, entity: str, keys: Iterable[str]) -> dict[str, str | None]:
        """key -> payload hash of the last accepted payload, for the keys that have a binding."""
        return self.ledger.hashes(self.platform, entity, keys)

    def record(self, accepted: list[Accepted], run_id: int | None) -> None:
        """Upsert the bindings and resolve open dead letters of these keys, in one transaction."""
        self.ledger.record_many(self.platform, accepted, run_id)
