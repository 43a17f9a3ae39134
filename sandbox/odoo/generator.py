"""Generated data of any size: N products (one template each), partners, orders with lines, quants, moves.

Every value is a function of the record's index, so N = 1,000,000 costs nothing until records are written
(then the written record is copied into the store's overlay). Relations are consistent: template i <->
product i, quant i of product i in one of the warehouses' stock locations, every second product has an open
move (incoming or outgoing), order j has lines 2j and 2j+1 whose products exist. Generated write_dates
follow the ids (1,000 records per second after the recorded data), so ties inside a second exist, as on a
real server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sandbox.odoo import business
from sandbox.odoo.business import round2
from sandbox.odoo.lazy import LazyRows

if TYPE_CHECKING:
    from sandbox.odoo.store import Store

BASE_TIME = datetime(2026, 11, 22, 14, 0, 0)
PER_SECOND = 1000
EXTRA_WAREHOUSES = 2
ORDER_STATES = ("draft", "sent", "sale", "sale", "cancel")


def stamp(i: int) -> str:
    """Deterministic write_date of the i-th generated record (non-decreasing in i)."""
    return (BASE_TIME + timedelta(seconds=i // PER_SECOND)).strftime("%Y-%m-%d %H:%M:%S")


def price(i: int) -> float:
    return round(5 + (i * 7919 % 99500) / 100, 2)


def generate(store: Store, n: int, seed: int = 1) -> None:
    """Add N generated products and the records around them to `store` (nothing when n == 0)."""
    if n <= 0:
        return
    stock_locations = _warehouses(store)
    vendors, customers = business.loc(store, business.VENDORS), business.loc(store, business.CUSTOMERS)
    categories = [c for c in store.tables["product.category"].ids]
    t_lo = store.tables["product.template"].next_id
    p_lo = store.tables["product.product"].next_id
    q_lo = store.tables["stock.quant"].next_id
    m_lo = store.tables["stock.move"].next_id
    partner_lo = store.tables["res.partner"].next_id
    so_lo = store.tables["sale.order"].next_id
    sol_lo = store.tables["sale.order.line"].next_id
    n_partners = max(1, n // 10)
    n_orders = max(1, n // 10)
    n_moves = (n + 1) // 2
    shift = seed % 7  # the seed varies prices and quantities, not the shape

    def code(i: int) -> str:
        return f"GEN-{i + 1:07d}"

    def active(i: int) -> bool:
        return i % 50 != 49  # 2 % archived

    template_cols: dict[str, Any] = {
        "name": lambda i: f"Generated Product {i + 1:07d}",
        "default_code": code,
        "list_price": lambda i: price(i + shift),
        "categ_id": lambda i: categories[i % len(categories)],
        "type": lambda i: "consu" if store.major >= 19 else "product",  # 19: consu + is_storable
        "detailed_type": lambda i: "product",
        "is_storable": lambda i: True,
        "uom_id": lambda i: 1,
        "uom_po_id": lambda i: 1,
        "sale_ok": lambda i: True,
        "purchase_ok": lambda i: True,
        "active": active,
        "weight": lambda i: round((i % 40) * 0.25, 2),
        "volume": lambda i: round((i % 10) * 0.01, 2),
        "company_id": lambda i: False,
        "taxes_id": lambda i: [1],
        "supplier_taxes_id": lambda i: [2],
        "product_variant_ids": lambda i: [p_lo + i],
        "invoice_policy": lambda i: "order",
        "tracking": lambda i: "none",
        "sequence": lambda i: 1,
        "priority": lambda i: "0",
        "create_uid": lambda i: 2,
        "write_uid": lambda i: 2,
        "create_date": stamp,
        "write_date": stamp,
    }
    product_cols: dict[str, Any] = {
        "product_tmpl_id": lambda i: t_lo + i,
        "default_code": code,
        "barcode": lambda i: f"2{i + 1:012d}",
        "active": active,
        "weight": template_cols["weight"],
        "volume": template_cols["volume"],
        "standard_price": lambda i: round(price(i + shift) * 0.6, 2),
        "stock_quant_ids": lambda i: [q_lo + i],
        "stock_move_ids": lambda i: [m_lo + i // 2] if i % 2 == 0 else [],
        "combination_indices": lambda i: "",
        "create_uid": lambda i: 2,
        "write_uid": lambda i: 2,
        "create_date": stamp,
        "write_date": stamp,
    }
    quant_cols: dict[str, Any] = {
        "product_id": lambda i: p_lo + i,
        "location_id": lambda i: stock_locations[i % len(stock_locations)],
        "quantity": lambda i: float((i * 13 + shift) % 200),
        "reserved_quantity": lambda i: float(min((i * 13 + shift) % 200, i % 7)),
        "company_id": lambda i: 1,
        "in_date": stamp,
        "create_date": stamp,
        "write_date": stamp,
    }

    def move_qty(j: int) -> float:
        return float(5 + j % 20)

    move_cols: dict[str, Any] = {
        "product_id": lambda j: p_lo + 2 * j,
        "name": lambda j: f"Generated move {j + 1}",
        "reference": lambda j: f"WH/GEN/{j + 1:07d}",
        "product_uom_qty": move_qty,
        "product_qty": move_qty,
        "quantity": lambda j: 0.0,
        "product_uom": lambda j: 1,
        "state": lambda j: "assigned" if j % 2 == 0 else "confirmed",
        "location_id": lambda j: vendors if j % 2 == 0 else stock_locations[(2 * j) % len(stock_locations)],
        "location_dest_id": lambda j: (
            stock_locations[(2 * j) % len(stock_locations)] if j % 2 == 0 else customers
        ),
        "company_id": lambda j: 1,
        "date": stamp,
        "create_date": stamp,
        "write_date": stamp,
    }
    partner_cols: dict[str, Any] = {
        "name": lambda k: f"Generated Customer {k + 1:06d}",
        "complete_name": lambda k: f"Generated Customer {k + 1:06d}",
        "email": lambda k: f"customer{k + 1}@example.com",
        "phone": lambda k: f"+1 555 {k % 10000:04d}",
        "street": lambda k: f"{k % 900 + 1} Market Street",
        "city": lambda k: "San Francisco",
        "zip": lambda k: f"{94100 + k % 100}",
        "type": lambda k: "contact",
        "is_company": lambda k: k % 5 == 0,
        "active": lambda k: True,
        "customer_rank": lambda k: 1,
        "lang": lambda k: "en_US",
        "sale_order_ids": lambda k: [so_lo + j for j in range(k, n_orders, n_partners)],
        "create_date": stamp,
        "write_date": stamp,
    }

    def line_product(k: int) -> int:
        return p_lo + (k * 7919) % n

    def line_qty(k: int) -> float:
        return float(1 + k % 5)

    def line_price(k: int) -> float:
        return price((k * 7919) % n + shift)

    def line_subtotal(k: int) -> float:
        return round2(line_qty(k) * line_price(k))

    def line_tax(k: int) -> float:  # the 15 % tax 1, rounded per line as the recorded company does
        return round2(line_subtotal(k) * 15 / 100)

    def order_total(j: int) -> float:
        return round2(sum(line_subtotal(k) for k in (2 * j, 2 * j + 1)))

    def order_tax(j: int) -> float:
        return round2(sum(line_tax(k) for k in (2 * j, 2 * j + 1)))

    order_cols: dict[str, Any] = {
        "name": lambda j: f"SG{j + 1:07d}",
        "partner_id": lambda j: partner_lo + j % n_partners,
        "partner_invoice_id": lambda j: partner_lo + j % n_partners,
        "partner_shipping_id": lambda j: partner_lo + j % n_partners,
        "state": lambda j: ORDER_STATES[j % len(ORDER_STATES)],
        "date_order": stamp,
        "amount_untaxed": order_total,
        "amount_tax": order_tax,
        "amount_total": lambda j: round2(order_total(j) + order_tax(j)),
        "currency_id": lambda j: 1,
        "company_id": lambda j: 1,
        "warehouse_id": lambda j: 1,
        "user_id": lambda j: 2,
        "order_line": lambda j: [sol_lo + 2 * j, sol_lo + 2 * j + 1],
        "client_order_ref": lambda j: False,
        "create_date": stamp,
        "write_date": stamp,
    }
    line_cols: dict[str, Any] = {
        "order_id": lambda k: so_lo + k // 2,
        "product_id": line_product,
        "name": lambda k: f"[GEN-{(k * 7919) % n + 1:07d}] Generated Product {(k * 7919) % n + 1:07d}",
        "product_uom_qty": line_qty,
        "product_uom": lambda k: 1,
        "price_unit": line_price,
        "price_subtotal": line_subtotal,
        "price_tax": line_tax,
        "price_total": lambda k: round2(line_subtotal(k) + line_tax(k)),
        "tax_id": lambda k: [1],
        "discount": lambda k: 0.0,
        "sequence": lambda k: 10 + k % 2,
        "state": lambda k: ORDER_STATES[(k // 2) % len(ORDER_STATES)],
        "company_id": lambda k: 1,
        "currency_id": lambda k: 1,
        "order_partner_id": lambda k: partner_lo + (k // 2) % n_partners,
        "create_date": stamp,
        "write_date": stamp,
    }

    def quants_of(pid: int) -> list[int]:
        return [q_lo + pid - p_lo] if p_lo <= pid < p_lo + n else []

    def moves_of(pid: int) -> list[int]:
        i = pid - p_lo
        return [m_lo + i // 2] if 0 <= i < n and i % 2 == 0 else []

    plan: list[tuple[str, int, int, dict[str, Any], dict[str, Callable[[int], list[int]]] | None]] = [
        ("product.template", t_lo, n, template_cols, None),
        ("product.product", p_lo, n, product_cols, None),
        ("stock.quant", q_lo, n, quant_cols, {"product_id": quants_of}),
        ("stock.move", m_lo, n_moves, move_cols, {"product_id": moves_of}),
        ("res.partner", partner_lo, n_partners, partner_cols, None),
        ("sale.order", so_lo, n_orders, order_cols, None),
        ("sale.order.line", sol_lo, 2 * n_orders, line_cols, None),
    ]
    for model, lo, count, columns, inverse in plan:
        table = store.tables[model]
        known = set(table.fields)
        table.lazy = LazyRows(lo, count, {k: v for k, v in columns.items() if k in known}, inverse)
        table.next_id = lo + count


def _warehouses(store: Store) -> list[int]:
    """Create EXTRA_WAREHOUSES small warehouses (real rows) and return every warehouse's stock location."""
    houses = store.tables["stock.warehouse"]
    when = stamp(0)
    for w in range(EXTRA_WAREHOUSES):
        code = f"GW{w + 1}"
        view = store._create_one("stock.location", {"name": code, "usage": "view", "location_id": 1}, 2, when)
        lot = store._create_one(
            "stock.location", {"name": "Stock", "usage": "internal", "location_id": view}, 2, when
        )
        house = store._create_one(
            "stock.warehouse",
            {
                "name": f"Generated Warehouse {w + 1}",
                "code": code,
                "view_location_id": view,
                "lot_stock_id": lot,
                "company_id": 1,
            },
            2,
            when,
        )
        for loc in (view, lot):
            store.tables["stock.location"].rows[loc]["warehouse_id"] = house
    return [store.raw_id("stock.warehouse", wid, "lot_stock_id") for wid in houses.ids]
