"""What odoo-hub reads from Odoo itself (check, drift): paged reads and stock rows shaped like tap-odoo's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from etl.progress import Progress
from tap_odoo.stock import warehouse_context

QUANTITIES = ("qty_available", "virtual_available", "free_qty", "incoming_qty", "outgoing_qty")


class OdooReader(Protocol):
    """The part of ``tap_odoo.client.OdooClient`` used here."""

    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]: ...

    def search_count(self, model: str, domain: Sequence[Any]) -> int: ...

    def fields_get(
        self, model: str, attributes: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]: ...


def read_all(
    client: OdooReader,
    model: str,
    domain: Sequence[Any],
    fields: Sequence[str],
    *,
    page: int = 2000,
    context: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Every matching record, in pages by id (keyset: stable while records change)."""
    total = client.search_count(model, list(domain)) if progress else None
    out: list[dict[str, Any]] = []
    last_id = 0
    while True:
        rows = client.search_read(
            model, [*domain, ["id", ">", last_id]], list(fields), limit=page, order="id asc", context=context
        )
        out.extend(rows)
        if progress:
            progress.update(f"reading {model}", len(out), total)
        if len(rows) < page:
            break
        last_id = int(rows[-1]["id"])
    return out


def m2o(value: Any) -> dict[str, Any] | None:
    """Odoo's ``[id, name]`` / False as tap-odoo emits it: ``{"id", "name"}`` / None."""
    if isinstance(value, list | tuple) and len(value) == 2:
        return {"id": value[0], "name": value[1]}
    return None


def storable_domain(client: OdooReader) -> list[Any]:
    fields = client.fields_get("product.product", ["type"])
    return [["is_storable", "=", True]] if "is_storable" in fields else [["type", "=", "product"]]


def stock_rows(
    client: OdooReader,
    *,
    warehouse_codes: Sequence[str] | None = None,
    progress: Progress | None = None,
    page: int = 2000,
) -> list[dict[str, Any]]:
    """One row per storable product x warehouse, shaped like tap-odoo's ``stock_levels`` stream."""
    warehouses = client.search_read("stock.warehouse", [], ["code", "name"], order="id asc")
    if warehouse_codes:
        warehouses = [w for w in warehouses if w.get("code") in set(warehouse_codes)]
    domain = [*storable_domain(client), ["default_code", "!=", False]]
    major = int(getattr(client, "server_major", 17))  # OdooClient's; a reader without it: 17's rules
    rows: list[dict[str, Any]] = []
    for wh in warehouses:
        products = read_all(
            client,
            "product.product",
            domain,
            ["default_code", *QUANTITIES],
            page=page,
            # the key each version reads: 19 ignores 17's `warehouse` and answers company-wide totals
            context={
                **warehouse_context(wh["id"], major),
                "active_test": True,
            },
            progress=progress,
        )
        for p in products:
            row = {
                "product_id": p["id"],
                "default_code": p.get("default_code") or None,
                "warehouse_id": wh["id"],
                "warehouse_code": wh.get("code") or None,
                "warehouse_name": wh.get("name"),
            }
            row.update({q: p.get(q) for q in QUANTITIES})
            rows.append(row)
    return rows
