"""Product quantities computed from quants and moves, honouring `location` and the warehouse in the context.

The warehouse's context key is `warehouse` up to Odoo 17 and `warehouse_id` on 19, which ignores 17's key and
answers company-wide totals (recordings19/notable_reads.json). 18 is not recorded: ASSUMPTION, it reads
`warehouse_id` and, when that is absent, `warehouse`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.odoo.store import Store

QTY_FIELDS = {"qty_available", "virtual_available", "free_qty", "incoming_qty", "outgoing_qty"}
OPEN_MOVE_STATES = {"waiting", "confirmed", "assigned", "partially_available"}


def warehouse_in(context: dict[str, Any], major: int) -> Any:
    """The warehouse(s) the context asks for, read under the key the Odoo version reads."""
    if major >= 19:
        return context.get("warehouse_id")
    if major == 18:
        return context.get("warehouse_id") or context.get("warehouse")
    return context.get("warehouse")


def locations(store: Store, context: dict[str, Any]) -> set[int]:
    """Internal locations the quantities count: `location` > the warehouse > every warehouse (as Odoo)."""
    if context.get("location"):
        roots = store.resolve_ids("stock.location", context["location"])
    else:
        asked = warehouse_in(context, store.major)
        warehouses = (
            store.resolve_ids("stock.warehouse", asked) if asked else list(store.all_ids("stock.warehouse"))
        )
        roots = [store.raw_id("stock.warehouse", w, "view_location_id") for w in warehouses]
        roots = [r for r in roots if r]
    family = store.descendants("stock.location", roots)
    return {loc for loc in family if store.value("stock.location", loc, "usage") in ("internal", "transit")}


def quantities(
    store: Store, model: str, ids: list[int], context: dict[str, Any]
) -> dict[int, dict[str, float]]:
    """qty_available, free_qty, incoming_qty, outgoing_qty and virtual_available per record."""
    locs = locations(store, context)
    out: dict[int, dict[str, float]] = {}
    for rid in ids:
        products = [rid]
        if model == "product.template":
            products = list(store.value(model, rid, "product_variant_ids") or [])
        on_hand = reserved = incoming = outgoing = 0.0
        for pid in products:
            for qid in store.children("stock.quant", "product_id", pid):
                if store.raw_id("stock.quant", qid, "location_id") in locs:
                    on_hand += store.value("stock.quant", qid, "quantity") or 0.0
                    reserved += store.value("stock.quant", qid, "reserved_quantity") or 0.0
            for mid in store.children("stock.move", "product_id", pid):
                if store.value("stock.move", mid, "state") not in OPEN_MOVE_STATES:
                    continue
                qty = store.value("stock.move", mid, "product_qty") or 0.0
                src = store.raw_id("stock.move", mid, "location_id") in locs
                dst = store.raw_id("stock.move", mid, "location_dest_id") in locs
                if dst and not src:
                    incoming += qty
                elif src and not dst:
                    outgoing += qty
        out[rid] = {
            "qty_available": round(on_hand, 4),
            "free_qty": round(on_hand - reserved, 4),
            "incoming_qty": round(incoming, 4),
            "outgoing_qty": round(outgoing, 4),
            "virtual_available": round(on_hand + incoming - outgoing, 4),
        }
    return out
