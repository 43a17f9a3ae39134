"""Odoo sale and POS orders with their lines -> Linkit order records (create) and status records.

An order joins two tap streams (`sale_order` + `sale_order_line`, `pos_order` + `pos_order_line`) and needs
two things Linkit knows by other names: the branch (the order's warehouse, or the POS's operation type, ->
branch iv_id: this run's warehouses, else the ledger's `branch_link` rows, else the setting
`default_branch`) and each line's SKU iv_id (`{product iv_id}_{branch iv_id}`, the product iv_id being the
Odoo internal reference: from this run's products, else the ledger's product bindings). So orders, like
stock, are built only once the input is complete. What cannot be resolved makes the order a dead letter
saying what is missing; nothing is sent with a guessed product or branch.

Orders are created once (Linkit publishes no order update); after that only their status moves
(`order_status` records, sent when they change).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from target_linkit.records import odoo_id, take

ORDER_STREAMS = {"sale_order": "sale.order", "pos_order": "pos.order"}
LINE_STREAMS = {"sale_order_line": "sale_order", "pos_order_line": "pos_order"}
LINES_FIELD = {"sale_order": "order_line", "pos_order": "lines"}
BRANCH_OF = {"sale_order": ("warehouse_id", "warehouse"), "pos_order": ("picking_type_id", "picking_type")}
ENTITY = {"sale_order": "sale_orders", "pos_order": "pos_orders"}
# whose records the flow adds to an order, beside the mapping's own sources
SYNTHETIC = {"linkit_key", "state_key", "branch_iv_id", "order_lines"}


def order_key(stream: str, odoo_id: Any) -> str:
    """`odoo:sale.order:42` — the order's key in the ledger and its `source_transaction_id` in Linkit."""
    return f"odoo:{ORDER_STREAMS[stream]}:{odoo_id}"


@dataclass
class Resolver:
    """Branch of a warehouse / POS operation type and product iv_id of an Odoo product id, from this run's
    records first, then the ledger (read once, lazily)."""

    config: Mapping[str, Any]
    links: dict[str, str] = field(default_factory=dict)  # "warehouse:1" -> branch iv_id
    products: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)  # id -> (code, type)
    templates: dict[int, set[str]] = field(default_factory=dict)  # template id -> its variants' codes
    ledger_link: Callable[[str], str | None] = lambda key: None
    ledger_products: Callable[[], dict[int, str]] = dict
    _bound: dict[int, str] | None = None

    def branch(self, kind: str, odoo_id: int | None) -> str | None:
        key = f"{kind}:{odoo_id}"
        if odoo_id is not None and key not in self.links:
            found = self.ledger_link(key)
            if found:
                self.links[key] = found
        found = self.links.get(key) if odoo_id is not None else None
        default = self.config.get("default_branch")
        return found or (str(default) if default else None)

    def template(self, odoo_id: int | None) -> str | None:
        """The internal reference of a product template's only variant in this run (else None)."""
        codes = self.templates.get(odoo_id) if odoo_id is not None else None
        return next(iter(codes)) if codes and len(codes) == 1 else None

    def product(self, odoo_id: int | None) -> tuple[str | None, str | None]:
        """(internal reference, product type) of a product; (None, None) when unknown."""
        if odoo_id is None:
            return None, None
        if odoo_id in self.products:
            return self.products[odoo_id]
        if self._bound is None:
            self._bound = self.ledger_products()
        return self._bound.get(odoo_id), None


@dataclass
class OrderJoin:
    """Collects orders and lines; `build()` joins them once the input is complete."""

    orders: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=lambda: {s: {} for s in ORDER_STREAMS}
    )
    lines: dict[str, dict[int, dict[str, Any]]] = field(default_factory=lambda: {s: {} for s in LINE_STREAMS})

    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        # a deleted order stays in Linkit (G16: the body of its bulk delete is not published)
        take(self.orders[stream] if stream in self.orders else self.lines[stream], record)

    def __bool__(self) -> bool:
        return any(self.orders.values())

    def count(self) -> int:
        return sum(len(t) for t in self.orders.values())

    def records(self, stream: str) -> list[dict[str, Any]]:
        """The orders of a stream with their key and state (`linkit_key`, `state_key`)."""
        model = ORDER_STREAMS[stream]
        return [
            {**o, "linkit_key": order_key(stream, oid), "state_key": f"{model}:{o.get('state')}"}
            for oid, o in sorted(self.orders[stream].items())
        ]

    def join(self, stream: str, order: dict[str, Any], resolver: Resolver) -> str | None:
        """Put branch and lines (each with its `linkit_sku`) on an order to create; the reason when the input
        or Linkit lacks something (then the order is not sent)."""
        line_stream = next(s for s, o in LINE_STREAMS.items() if o == stream)
        ids = [i for i in order.get(LINES_FIELD[stream]) or [] if isinstance(i, int)]
        have = self.lines[line_stream]
        missing = [i for i in ids if i not in have]
        if missing:
            shown = ", ".join(str(i) for i in missing[:10])
            return (
                f"lines {shown} were not in the input ({line_stream} stream): read the lines of the orders "
                "a run sends (the job's streams)"
            )
        field_name, kind = BRANCH_OF[stream]
        where = odoo_id(order.get(field_name))
        branch = resolver.branch(kind, where)
        if not branch:
            what = f"its {field_name} {where} has no Linkit branch" if where else f"its {field_name} is empty"
            return f"{what}: send stock_warehouse in the same run (or an earlier one), or set default_branch"
        order["branch_iv_id"] = branch
        lines: list[dict[str, Any]] = []
        for lid in ids:
            line = dict(have[lid])
            if line.get("display_type"):
                continue  # a section or a note, not a sale
            price = line.get("price_unit")
            if isinstance(price, int | float) and price < 0:
                lines.append(line)  # a discount line (reward, coupon): no product of its own
                continue
            pid = odoo_id(line.get("product_id"))
            code, ptype = resolver.product(pid)
            ptype = line.get("product_type") or ptype
            if code:
                sku = code if resolver.config.get("order_line_ref") == "product" else f"{code}_{branch}"
                line["linkit_sku"] = sku
            elif ptype != "service":
                product = line.get("product_id")
                name = product.get("name") if isinstance(product, Mapping) else None
                return (
                    f"line {lid} ({name or 'no product'}): product {pid} is not a Linkit product (no "
                    "internal reference, or not sent yet): give it an internal reference and send the "
                    "catalogue (product_product) first"
                )
            lines.append(line)
        order["order_lines"] = lines
        return None
