"""Odoo stock rows (per product x warehouse, tap-odoo's `stock_levels`) -> one record per Linkit SKU, that is
per product x branch. Several warehouses may map to one branch (setting `branches`), so a SKU's quantity is
an aggregate: it is sent only once every row is read (the tap's end-of-sync mark)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def warehouse_code(row: Mapping[str, Any]) -> str | None:
    code = row.get("warehouse_code")
    if not code:
        wh = row.get("warehouse_id")
        code = wh.get("name") if isinstance(wh, Mapping) else wh
    return str(code) if code not in (None, False, "") else None


def branch_of(config: Mapping[str, Any], code: str | None) -> str | None:
    """The Linkit branch iv_id of a warehouse code: the `branches` map, else the code itself (seed 000:
    warehouse code = branch_iv_id); a warehouse without a code goes to `default_branch` when set."""
    branches = config.get("branches") or {}
    if code is not None and code in branches:
        return str(branches[code]) if branches[code] else None
    if code is None:
        return str(config["default_branch"]) if config.get("default_branch") else None
    return code


class BranchStock:
    """Sums the quantity field per (product default_code, branch); the last row of a warehouse wins."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.field = str(config.get("quantity_field") or "qty_available")
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add(self, row: Mapping[str, Any]) -> str | None:
        """Take one row: None when taken, "" when left out on purpose (a warehouse the `branches` map sends
        nowhere), else the reason it cannot be sent (no SKU, no branch, a quantity that is not a number)."""
        sku = row.get("default_code")
        if not sku:
            return "the product has no internal reference (default_code): Linkit has no SKU for it"
        code = warehouse_code(row)
        branches = self.config.get("branches") or {}
        if code is not None and code in branches and not branches[code]:
            return ""
        branch = branch_of(self.config, code)
        if not branch:
            return f"warehouse {code!r} has no Linkit branch (settings branches / default_branch)"
        value = row.get(self.field)
        if value is None or value is False:
            value = 0.0
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{self.field} is {value!r}, not a number"
        pid = row.get("product_id")
        entry = self.rows.setdefault(
            (str(sku), branch),
            {"product_id": pid.get("id") if isinstance(pid, Mapping) else pid, "by_warehouse": {}},
        )
        entry["by_warehouse"][str(code)] = float(value)
        return None

    def __bool__(self) -> bool:
        return bool(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """`{sku_iv_id, default_code, branch_iv_id, product_id, quantity, warehouses}` per SKU."""
        return [
            {
                "sku_iv_id": f"{sku}_{branch}",
                "default_code": sku,
                "branch_iv_id": branch,
                "product_id": e["product_id"],
                "quantity": sum(e["by_warehouse"].values()),
                "warehouses": e["by_warehouse"],
            }
            for (sku, branch), e in self.rows.items()
        ]


def stock_records(rows: Iterable[Mapping[str, Any]], config: Mapping[str, Any]) -> list[dict[str, Any]]:
    sums = BranchStock(config)
    for row in rows:
        sums.add(row)
    return sums.records()
