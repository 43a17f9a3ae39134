"""Our own writes coming back: a record read from a platform that is exactly what a flow of this house last
sent to that platform is an echo, not a change made there, and is not applied to Odoo.

Why: target-linkit pushes each SKU's qty as Odoo's stock summed over the branch's warehouses, minus the
safety stock, floored; linkit-to-odoo reads SKUs back. Applied, that echo would count the shelf down by the
safety stock on every round trip (or up by a sub-location's stock). A change made in Linkit (a count in the
store) has another qty than the one we sent, so it still arrives.

How: the ledger keeps the hash of the last payload each flow had accepted per key (`Ledger.hashes`). An
incoming record is projected onto the fields of that payload and hashed the same way (`payload_hash`); equal
hashes mean "what we sent". Records are looked up in chunks (one query per chunk, not per record). Costs: the
guard sees only what went through the same ledger (the house default: one ledger for every flow), and a
projection that drifts from the outbound payload's shape silently turns it off — the round-trip test in
tests/odoo_target/test_linkit_echo.py (safety stock, two warehouses on one branch) keeps them together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from etl.ledger import Ledger
from etl.ledger.store import payload_hash


@dataclass(frozen=True)
class EchoSpec:
    """Where the outbound payload of a record lives in the ledger, and which fields it holds."""

    platform: str
    entity: str
    key: str
    fields: tuple[str, ...]


# source -> stream -> the outbound payload an incoming record is compared with
ECHOES: dict[str, dict[str, EchoSpec]] = {
    "linkit": {
        # target-linkit's skus payload (target_linkit/mapping.json entity skus), keyed by the SKU iv_id
        "skus": EchoSpec("linkit", "skus", "iv_id", ("iv_id", "product_iv_id", "branch_iv_id", "qty")),
    },
}
CHUNK = 500


class EchoGuard:
    """Holds records of guarded streams until a chunk is full; passes on those that are not echoes."""

    def __init__(self, source: str, ledger: Ledger, take: Callable[[str, Mapping[str, Any]], None]) -> None:
        self.specs = ECHOES.get(source, {})
        self.ledger = ledger
        self.take = take
        self.pending: dict[str, list[Mapping[str, Any]]] = {}
        self.echoes = 0

    def guards(self, stream: str) -> bool:
        return stream in self.specs

    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        held = self.pending.setdefault(stream, [])
        held.append(record)
        if len(held) >= CHUNK:
            self._release(stream)

    def flush(self) -> None:
        for stream in list(self.pending):
            self._release(stream)

    def _release(self, stream: str) -> None:
        records, self.pending[stream] = self.pending[stream], []
        spec = self.specs[stream]
        keys = {str(r.get(spec.key)) for r in records if r.get(spec.key) is not None}
        sent = self.ledger.hashes(spec.platform, spec.entity, keys) if keys else {}
        for record in records:
            last = sent.get(str(record.get(spec.key)))
            if last is not None and last == payload_hash({f: record.get(f) for f in spec.fields}):
                self.echoes += 1
                continue
            self.take(stream, record)
