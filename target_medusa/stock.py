"""Odoo stock rows (per product x warehouse, tap-odoo's `stock_levels`) -> one record per SKU for Medusa."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class StockSums:
    """Sums the quantity field over the configured warehouses per SKU (last row of a warehouse wins)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.warehouses = {str(w) for w in config.get("warehouses") or []}
        self.field = str(config.get("quantity_field") or "qty_available")
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, row: Mapping[str, Any]) -> bool:
        """Take one row; False when it has no SKU (nothing to send it to)."""
        sku = row.get("default_code")
        if not sku:
            return False
        code = row.get("warehouse_code") or row.get("warehouse_id")
        if isinstance(code, Mapping):
            code = code.get("name")
        if self.warehouses and str(code) not in self.warehouses:
            return True
        entry = self.rows.setdefault(str(sku), {"product_id": row.get("product_id"), "by_warehouse": {}})
        entry["by_warehouse"][str(code)] = float(row.get(self.field) or 0)
        return True

    def __bool__(self) -> bool:
        return bool(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """`{default_code, product_id, quantity, warehouses}` per SKU, for the mapping's inventory entity."""
        return [
            {
                "default_code": sku,
                "product_id": e["product_id"],
                "quantity": sum(e["by_warehouse"].values()),
                "warehouses": e["by_warehouse"],
            }
            for sku, e in self.rows.items()
        ]


def stock_records(rows: Iterable[Mapping[str, Any]], config: Mapping[str, Any]) -> list[dict[str, Any]]:
    sums = StockSums(config)
    for row in rows:
        sums.add(row)
    return sums.records()
