"""Stock counts into Odoo (entities of model `stock.quant`): a platform's absolute quantity of one product at
one branch becomes an inventory adjustment on the branch warehouse's stock location (`lot_stock_id`), as a
person counting the shelf does it in Inventory > Physical Inventory.

Payload: `{"label", "product": {$ref product.product}, "warehouse": {$ref stock.warehouse}, "quantity": 42}`;
`"untouched": true` marks a quantity nobody counted (a SKU Linkit generated at 0): it is not applied.

Per batch: products and warehouses resolved in one search each (unknown or archived: a dead letter naming
it), the warehouses' stock locations read once, the quants of those products there read once. Only a count
that differs from the quantity of the quant in that location (no lot, package or owner: the one a count
without them adjusts) is written: one `create` of the counts in inventory mode (Odoo 17 answers the
existing quant, or a new one, with the count set), one `action_apply_inventory`, one read back.

`action_apply_inventory` returns None in Odoo 17, which over XML-RPC is a fault ("cannot marshal None")
although the count was applied and over JSON-RPC an answer without `result` (both recorded): either counts
as done once the read back shows the quantity. A wizard answered instead (a lot or serial number needed, a
count out of date) or a quantity that did not move is a dead letter in Odoo's words. A lost answer is never
re-sent blindly: the writer reads the quants again and counts only what still differs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from etl.sink import OutboundItem, SendResult
from target_odoo.adapter import OdooApi, OdooFault, first_line
from target_odoo.binder import Binder
from target_odoo.refs import Resolver

MODEL = "stock.quant"
INVENTORY_MODE = {"inventory_mode": True}
NONE_ANSWER = "cannot marshal None"  # Odoo 17's XML-RPC fault for a method that returned None
QUANT_FIELDS = ["product_id", "location_id", "quantity", "lot_id", "package_id", "owner_id"]


@dataclass
class Count:
    item: OutboundItem
    label: str
    product: int
    warehouse: int
    quantity: int
    location: int = 0
    where: str = ""
    quant: int = 0
    before: float = 0.0
    notes: list[str] = field(default_factory=list)


class InventoryWriter:
    """Writes the counts of a batch; ``send`` answers one result per item, as etl's Adapter does."""

    def __init__(self, api: OdooApi, binder: Binder) -> None:
        self.api = api
        self.binder = binder

    def send(self, items: list[OutboundItem]) -> list[SendResult]:
        failed: dict[str, str] = {}
        counts = self._resolve(items, failed)
        quants = self._quants(counts)
        todo: list[Count] = []
        for c in counts:
            c.quant, c.before = quants.get((c.product, c.location), (0, 0.0))
            if c.item.payload.get("untouched"):
                c.notes.append(f"never counted at the source: not applied ({c.before:g} at {c.where} kept)")
            elif c.before == c.quantity:
                c.notes.append(f"unchanged in Odoo ({c.quantity:g} at {c.where})")
            else:
                todo.append(c)
        self._count(todo, failed)
        self._apply([c for c in todo if c.item.key not in failed], failed)
        self._verify([c for c in todo if c.item.key not in failed], failed)
        results = {c.item.key: c for c in counts}
        return [self._result(item, results.get(item.key), failed) for item in items]

    def _resolve(self, items: list[OutboundItem], failed: dict[str, str]) -> list[Count]:
        """Product and warehouse ids, and the warehouse's stock location, of each count."""
        resolver = Resolver(self.api, self.binder)
        resolver.load([[i.payload.get("product"), i.payload.get("warehouse")] for i in items])
        counts: list[Count] = []
        for item in items:
            label = str(item.payload.get("label") or f"stock {item.key}")
            (product, warehouse), problems = resolver.resolve(
                [item.payload.get("product"), item.payload.get("warehouse")]
            )
            if problems:
                failed[item.key] = f"{label}: " + "; ".join(dict.fromkeys(problems))
                continue
            counts.append(Count(item, label, int(product), int(warehouse), int(item.payload["quantity"])))
        stock = self.api.read_ids("stock.warehouse", [c.warehouse for c in counts], ["lot_stock_id", "code"])
        kept: list[Count] = []
        for c in counts:
            location = stock.get(c.warehouse, {}).get("lot_stock_id")
            if not isinstance(location, list) or not location:
                failed[c.item.key] = f"{c.label}: warehouse {c.warehouse} has no stock location in Odoo"
                continue
            c.location, c.where = int(location[0]), str(location[1])
            kept.append(c)
        return kept

    def _quants(self, counts: list[Count]) -> dict[tuple[int, int], tuple[int, float]]:
        """(product, location) -> (quant id, quantity) of the quants without lot, package or owner."""
        if not counts:
            return {}
        domain = [
            ["product_id", "in", sorted({c.product for c in counts})],
            ["location_id", "in", sorted({c.location for c in counts})],
        ]
        out: dict[tuple[int, int], tuple[int, float]] = {}
        for row in self.api.search_read(MODEL, domain, QUANT_FIELDS):
            if row.get("lot_id") or row.get("package_id") or row.get("owner_id"):
                continue
            key = (int(row["product_id"][0]), int(row["location_id"][0]))
            out.setdefault(key, (int(row["id"]), float(row.get("quantity") or 0.0)))
        return out

    def _count(self, todo: list[Count], failed: dict[str, str]) -> None:
        """Set the counted quantities: one create in inventory mode (one by one when Odoo refuses one)."""
        if not todo:
            return
        vals = [{"product_id": c.product, "location_id": c.location, "inventory_quantity": c.quantity}
                for c in todo]  # fmt: skip
        kw = {"context": INVENTORY_MODE}
        try:
            got = self.api.call(MODEL, "create", [vals], kw)
            ids = [int(i) for i in (got if isinstance(got, list) else [got])]
        except OdooFault:
            ids = []
            for c, v in zip(todo, vals, strict=True):
                try:
                    ids.append(int(self.api.call(MODEL, "create", [[v]], kw)[0]))
                except OdooFault as fault:
                    failed[c.item.key] = f"{c.label}: Odoo refused the count: {first_line(fault)}"
                    ids.append(0)
        for c, qid in zip(todo, ids, strict=True):
            c.quant = qid or c.quant

    def _apply_call(self, ids: list[int]) -> Any:
        """action_apply_inventory; Odoo 17's None answer (an XML-RPC fault, although applied) is None."""
        try:
            return self.api.method(MODEL, "action_apply_inventory", ids, context=INVENTORY_MODE)
        except OdooFault as fault:
            if NONE_ANSWER in fault.message:
                return None
            raise

    def _apply(self, todo: list[Count], failed: dict[str, str]) -> None:
        """Apply the counts at once; a wizard or a fault for the batch: one by one, to name the count."""
        if not todo:
            return
        try:
            if self._apply_call([c.quant for c in todo]) is None:
                return
        except OdooFault:
            pass
        for c in todo:
            try:
                answer = self._apply_call([c.quant])
            except OdooFault as fault:
                failed[c.item.key] = f"{c.label}: Odoo refused to apply the count: {first_line(fault)}"
                continue
            if isinstance(answer, Mapping):
                failed[c.item.key] = (
                    f"{c.label}: Odoo did not apply the count of {c.quantity}: it asks a person to decide "
                    f"({answer.get('name') or answer.get('res_model')}: a lot/serial number, or a count out "
                    "of date); count it in Odoo's Physical Inventory, then `odoo-hub retry`"
                )

    def _verify(self, todo: list[Count], failed: dict[str, str]) -> None:
        """Read the quants back: the applied count is their quantity now."""
        now = self.api.read_ids(MODEL, [c.quant for c in todo], ["quantity"])
        for c in todo:
            got = float(now.get(c.quant, {}).get("quantity") or 0.0)
            if got != c.quantity:
                failed[c.item.key] = (
                    f"{c.label}: Odoo's quantity at {c.where} is {got:g} after applying a count of "
                    f"{c.quantity}; check the product's inventory in Odoo"
                )
            else:
                c.notes.append(f"counted {c.quantity} at {c.where} (was {c.before:g})")

    @staticmethod
    def _result(item: OutboundItem, count: Count | None, failed: dict[str, str]) -> SendResult:
        if item.key in failed or count is None:
            reason = failed.get(item.key) or f"stock {item.key}: not counted"
            return SendResult(item.key, False, error_code="REFUSED", error_message=reason, reason=reason)
        note = ", ".join(count.notes) or None
        return SendResult(item.key, True, remote_id=str(count.quant or ""), note=note, method="execute_kw")
