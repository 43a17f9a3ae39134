"""What would block an import into Odoo, before any record is written (`odoo-hub check --target odoo`).

For Medusa as the source: the SKUs of Medusa's orders that Odoo lacks or has archived, the delivery
product, the currencies against the company's, the custom field the seed names (x_medusa_order_id).
Orders are read with `GET /odoo/orders` (seed 002 section 4.1), every page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from etl.http import HttpClient
from tap_odoo.client import OdooClient


@dataclass
class ImportIssue:
    severity: str  # blocking | warning | info
    code: str
    message: str
    fix: str
    examples: list[str] = field(default_factory=list)


def medusa_orders(config: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every order Medusa lists (all pages of `GET /odoo/orders`)."""
    with HttpClient(
        str(config["medusa_url"]), headers={"x-odoo-api-key": str(config["medusa_api_key"])}, max_retries=3
    ) as http:
        offset = 0
        while True:
            page = http.call("GET", "/odoo/orders", params={"limit": 100, "offset": offset})
            rows = page.get("orders") or []
            yield from rows
            offset += len(rows)
            if not rows or offset >= int(page.get("total") or 0):
                return


def import_issues(client: OdooClient, config: Mapping[str, Any]) -> list[ImportIssue]:
    """The blocking issues and warnings of importing the source's orders into this Odoo."""
    orders = list(medusa_orders(config))
    issues: list[ImportIssue] = []
    skus = sorted({str(i["sku"]) for o in orders for i in o.get("items") or [] if i.get("sku")})
    found = client.search_read(
        "product.product",
        [["default_code", "in", skus]],
        ["default_code", "active"],
        context={"active_test": False},
    )
    known = {r["default_code"]: r for r in found}
    missing = [s for s in skus if s not in known]
    archived = [s for s in skus if s in known and known[s].get("active") is False]
    if missing:
        issues.append(
            ImportIssue(
                "blocking",
                "SKU_NOT_IN_ODOO",
                f"{len(missing)} SKU(s) of Medusa orders have no product in Odoo (Internal Reference)",
                "create the products in Odoo or correct the SKUs in Medusa",
                missing[:10],
            )
        )
    if archived:
        issues.append(
            ImportIssue(
                "blocking", "SKU_ARCHIVED", f"{len(archived)} SKU(s) are archived in Odoo", "unarchive them",
                archived[:10],
            )
        )  # fmt: skip
    delivery = config.get("delivery_product")
    if not delivery:
        if any(o.get("shipping_total") for o in orders):
            issues.append(
                ImportIssue(
                    "blocking",
                    "NO_DELIVERY_PRODUCT",
                    "orders carry shipping but no delivery product is set",
                    "set target-odoo's delivery_product to the Internal Reference of the shipping product",
                )
            )
    elif not client.search_read("product.product", [["default_code", "=", delivery]], ["id"]):
        issues.append(
            ImportIssue(
                "blocking",
                "DELIVERY_PRODUCT_MISSING",
                f"the delivery product {delivery} is not in Odoo",
                "create it (a service product) or correct delivery_product",
            )
        )
    company = client.search_read("res.company", [], ["currency_id"])
    currency = str(company[0]["currency_id"][1]).upper() if company and company[0].get("currency_id") else ""
    mapped = {str(k).upper() for k in (config.get("currency_pricelists") or {})}
    foreign = sorted({str(o.get("currency_code") or "").upper() for o in orders} - {currency, ""} - mapped)
    if foreign:
        issues.append(
            ImportIssue(
                "blocking",
                "FOREIGN_CURRENCY",
                f"orders in {', '.join(foreign)}; the company's currency is {currency}",
                "map each currency to a pricelist in currency_pricelists",
                foreign,
            )
        )
    fields = client.fields_get("sale.order", ["type"])
    if "x_medusa_order_id" not in fields:
        issues.append(
            ImportIssue(
                "info",
                "NO_X_MEDUSA_ORDER_ID",
                "sale.order has no x_medusa_order_id (seed 002's custom field)",
                "nothing to do: the Medusa id is kept in the external id odoo_hub.medusa_order_<id> and "
                "client_order_ref MEDUSA-<display_id>; add the field in Odoo to see it on the order",
            )
        )
    issues.append(
        ImportIssue(
            "info",
            "TAXES_FROM_PRODUCTS",
            "order lines get their taxes from each product's customer taxes (Odoo's default)",
            "map taxes in a mapping_file (order line tax_id) if Medusa's tax rules differ",
        )
    )
    return issues
