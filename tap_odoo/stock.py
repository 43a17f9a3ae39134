"""The virtual ``stock_levels`` stream: product x warehouse quantities read through Odoo's context.

Odoo computes ``qty_available`` & co. per warehouse when ``product.product`` is read with
``context={"warehouse": <id>}``. The first run reads every storable product; later runs re-read only
products whose ``stock.quant`` or ``stock.move`` rows changed since the bookmark.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator

from singer_sdk import Stream
from singer_sdk import typing as th
from singer_sdk.helpers.conform import TypeConformanceLevel

from tap_odoo.schema import to_odoo_datetime

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_odoo.client import OdooClient
    from tap_odoo.tap import TapOdoo

QUANTITIES = ("qty_available", "virtual_available", "free_qty", "incoming_qty", "outgoing_qty")
REQUIRED_MODELS = ("product.product", "stock.warehouse", "stock.quant", "stock.move")

SCHEMA = th.PropertiesList(
    th.Property("product_id", th.IntegerType, required=True, description="product.product id"),
    th.Property("default_code", th.StringType, description="Internal reference (SKU)"),
    th.Property("warehouse_id", th.IntegerType, required=True, description="stock.warehouse id"),
    th.Property("warehouse_code", th.StringType, description="Warehouse short name (code)"),
    th.Property("qty_available", th.NumberType, description="Quantity on hand"),
    th.Property("virtual_available", th.NumberType, description="Forecasted quantity"),
    th.Property("free_qty", th.NumberType, description="Free to use quantity"),
    th.Property("incoming_qty", th.NumberType, description="Incoming quantity"),
    th.Property("outgoing_qty", th.NumberType, description="Outgoing quantity"),
    th.Property(
        "write_date",
        th.DateTimeType,
        description="Latest stock.quant / stock.move change this level reflects (UTC)",
    ),
).to_dict()


class StockLevelsStream(Stream):
    """One record per storable product x warehouse."""

    name = "stock_levels"
    primary_keys: t.ClassVar[list[str]] = ["product_id", "warehouse_id"]
    replication_key = "write_date"
    is_sorted = False  # all records of a run share one watermark; resume re-reads the run
    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE

    def __init__(self, tap: TapOdoo):
        super().__init__(tap=tap, schema=SCHEMA, name="stock_levels")

    @property
    def client(self) -> OdooClient:
        """The tap's shared Odoo client."""
        return t.cast("TapOdoo", self._tap).client

    def _context(self, **extra: t.Any) -> dict[str, t.Any]:
        context: dict[str, t.Any] = {"active_test": False}
        if self.config.get("lang"):
            context["lang"] = self.config["lang"]
        if self.config.get("company_ids"):
            context["allowed_company_ids"] = list(self.config["company_ids"])
        context.update(extra)
        return context

    def _latest_change(self) -> str | None:
        latest: str | None = None
        for model in ("stock.quant", "stock.move"):
            rows = self.client.search_read(
                model,
                [],
                ["write_date"],
                limit=1,
                order="write_date desc, id desc",
                context={"active_test": False},
            )
            if rows and rows[0].get("write_date"):
                latest = max(latest or "", rows[0]["write_date"])
        return latest

    def _storable_domain(self) -> list[t.Any]:
        fields = self.client.fields_get("product.product", ["type"])
        if "is_storable" in fields:  # Odoo 18+
            return [["is_storable", "=", True]]
        return [["type", "=", "product"]]

    def _changed_products(self, since: str) -> set[int]:
        changed: set[int] = set()
        page = int(self.config.get("page_size", 2000))
        for model in ("stock.quant", "stock.move"):
            last_id = 0
            while True:
                rows = self.client.search_read(
                    model,
                    [["write_date", ">=", since], ["id", ">", last_id]],
                    ["product_id"],
                    limit=page,
                    order="id asc",
                    context={"active_test": False},
                )
                for row in rows:
                    if row.get("product_id"):
                        changed.add(int(row["product_id"][0]))
                if len(rows) < page:
                    break
                last_id = rows[-1]["id"]
        return changed

    def _warehouses(self) -> list[dict[str, t.Any]]:
        domain: list[t.Any] = []
        if self.config.get("company_ids"):
            domain.append(["company_id", "in", list(self.config["company_ids"])])
        return self.client.search_read(
            "stock.warehouse", domain, ["code", "name"], order="id asc", context=self._context()
        )

    def _product_ids(self, since: str | None) -> list[int]:
        storable = self._storable_domain()
        if since is None:
            return self.client.search("product.product", storable, order="id asc", context=self._context())
        changed = self._changed_products(since)
        if not changed:
            return []
        return self.client.search(
            "product.product",
            [*storable, ["id", "in", sorted(changed)]],
            order="id asc",
            context=self._context(),
        )

    def get_records(self, context: Context | None) -> Iterable[dict[str, t.Any]]:
        """Quantities per product and warehouse, for every product or only the changed ones."""
        start = self.get_starting_replication_key_value(context)
        has_bookmark = bool(self.stream_state.get("replication_key_value"))
        since = to_odoo_datetime(str(start)) if start and has_bookmark else None
        latest = self._latest_change()
        watermark = latest.replace(" ", "T", 1) + "+00:00" if latest else None
        product_ids = self._product_ids(since)
        if not product_ids:
            return
        warehouses = self._warehouses()
        yield from self._levels(product_ids, warehouses, watermark)

    def _levels(
        self, product_ids: list[int], warehouses: list[dict[str, t.Any]], watermark: str | None
    ) -> Iterator[dict[str, t.Any]]:
        page = int(self.config.get("page_size", 2000))
        fields = ["default_code", *QUANTITIES]
        for first in range(0, len(product_ids), page):
            chunk = product_ids[first : first + page]
            for warehouse in warehouses:
                rows = self.client.read(
                    "product.product", chunk, fields, context=self._context(warehouse=warehouse["id"])
                )
                for row in rows:
                    yield {
                        "product_id": row["id"],
                        "default_code": row.get("default_code") or None,
                        "warehouse_id": warehouse["id"],
                        "warehouse_code": warehouse.get("code") or None,
                        **{name: row.get(name) or 0.0 for name in QUANTITIES},
                        "write_date": watermark,
                    }
