"""Inventory drift (seed 003): Odoo stock as the platform should have it vs what the platform has.

Each platform implements ``fetch_stock``; the expected side is the mapping's inventory payload built from
Odoo's stock rows, so quantity field choice and safety stock are applied exactly as a sync would.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from etl.errors import MappingError
from etl.mapping import Mapping as MappingFile

WARNING = 0.0001
CRITICAL = 10.0


@dataclass
class Expected:
    sku: str
    location: str
    quantity: float
    record: dict[str, Any]


@dataclass
class DriftRow:
    sku: str
    location: str
    odoo_qty: float
    platform_qty: float | None
    diff: float | None
    status: str  # ok | warning | critical | not_found
    record: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "location": self.location,
            "odoo_qty": self.odoo_qty,
            "platform_qty": self.platform_qty,
            "diff": self.diff,
            "status": self.status,
        }


def default_stock_of(payload: Mapping[str, Any]) -> tuple[str, str, float]:
    """(sku, location, quantity) of an inventory payload, for the common field names."""
    sku = payload.get("sku")
    location = next(
        (payload[k] for k in ("location_id", "location", "source_code", "branch_iv_id") if payload.get(k)), ""
    )
    qty = payload.get("quantity", payload.get("qty"))
    if sku is None or qty is None:
        raise ValueError("inventory payload has no sku / quantity: give the platform a stock_of(payload)")
    return str(sku), str(location), float(qty)


def expected_stock(
    records: Sequence[Mapping[str, Any]],
    mapping: MappingFile,
    entity: str,
    config: Mapping[str, Any],
    stock_of: Callable[[Mapping[str, Any]], tuple[str, str, float]] = default_stock_of,
) -> tuple[list[Expected], list[str]]:
    """Expected platform stock from Odoo records; plus the records that could not be mapped (reasons)."""
    out: list[Expected] = []
    errors: list[str] = []
    for rec in records:
        if not mapping.accepts(entity, rec):
            continue
        try:
            payload = mapping.build(entity, rec, config)
        except MappingError as exc:
            errors.append(str(exc))
            continue
        sku, location, qty = stock_of(payload)
        out.append(Expected(sku, location, qty, dict(rec)))
    return out, errors


def compare(
    expected: Sequence[Expected],
    platform_stock: Mapping[tuple[str, str], float],
    *,
    warning: float = WARNING,
    critical: float = CRITICAL,
) -> list[DriftRow]:
    """Warning when |diff| > ``warning``, critical when |diff| > ``critical``, not_found when absent."""
    if warning < 0 or critical < warning:
        raise ValueError("thresholds: need 0 <= warning <= critical")
    rows: list[DriftRow] = []
    for e in expected:
        have = platform_stock.get((e.sku, e.location))
        if have is None:
            rows.append(DriftRow(e.sku, e.location, e.quantity, None, None, "not_found", e.record))
            continue
        diff = round(float(have) - e.quantity, 6)
        status = "critical" if abs(diff) > critical else "warning" if abs(diff) > warning else "ok"
        rows.append(DriftRow(e.sku, e.location, e.quantity, float(have), diff, status, e.record))
    return rows


def summarize(rows: Sequence[DriftRow]) -> dict[str, int]:
    out = {"ok": 0, "warning": 0, "critical": 0, "not_found": 0}
    for r in rows:
        out[r.status] += 1
    out["total"] = len(rows)
    return out
