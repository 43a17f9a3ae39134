"""`stats` means what its names say: seed 001's products_with_odoo_id counts products, not every binding."""

from __future__ import annotations

from etl.ledger import Accepted, Ledger


def test_products_with_odoo_id_counts_product_bindings_with_an_odoo_id(ledger_url: str) -> None:
    ledger = Ledger(ledger_url)
    run = ledger.start_run("catalogue", "medusa")
    ledger.record_many(
        "medusa",
        [
            Accepted("product", "A-1", "h", odoo_model="product.product", odoo_id=1, sku="A-1"),
            Accepted("product", "B-2", "h", odoo_model="product.product", odoo_id=2, sku="B-2"),
            Accepted("product", "NO-ID", "h", sku="NO-ID"),  # bound, but to no Odoo product
            Accepted("inventory", "A-1", "h", odoo_model="product.product", odoo_id=1, sku="A-1"),
            Accepted("inventory", "B-2", "h", odoo_model="product.product", odoo_id=2, sku="B-2"),
            Accepted("order_status", "order_1:order.confirmed", "h", odoo_model="sale.order", odoo_id=7),
            Accepted("order_link", "S00007", "h", odoo_model="sale.order", odoo_id=7, remote_id="order_1"),
        ],
        run,
    )
    ledger.record_many(
        "magento", [Accepted("product", "A-1", "h", odoo_model="product.template", odoo_id=1)], run
    )
    medusa = ledger.stats("medusa")
    assert medusa["products_with_odoo_id"] == 2
    assert medusa["bindings_per_entity"] == {
        "medusa/inventory": 2,
        "medusa/order_link": 1,
        "medusa/order_status": 1,
        "medusa/product": 3,
    }
    assert "bound_records" not in medusa
    everywhere = ledger.stats()
    assert everywhere["products_with_odoo_id"] == 3  # each platform's product bound to an Odoo product
    assert everywhere["bindings_per_entity"]["magento/product"] == 1
    assert ledger.stats("other")["products_with_odoo_id"] == 0
    assert ledger.stats("other")["bindings_per_entity"] == {}
