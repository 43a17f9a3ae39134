"""The virtual ``stock_levels`` stream: product x warehouse quantities read through Odoo's context.

Odoo computes ``qty_available`` & co. per warehouse when ``product.product`` is read with the warehouse in
the context: ``{"warehouse": <id>}`` up to 17, ``{"warehouse_id": <id>}`` on 19, which ignores 17's key and
answers company-wide totals (recorded, shared/fixtures/odoo19/notable_reads.json). 18 was not recorded: it
gets both keys. Storable products are ``type = product`` up to 17, ``is_storable`` from 18 on. The first
run reads every storable product; later runs re-read only products whose ``stock.quant`` or ``stock.move``
rows changed since the bookmark.
"""

from __future__ import annotations

import logging
import typing as t
from collections.abc import Iterable, Iterator

from singer_sdk import typing as th

from tap_odoo.lean import LeanStream, prefetched
from tap_odoo.schema import to_odoo_datetime
from tap_odoo.streams import QuietDryRunAbort

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

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


Row = dict[str, t.Any]


def warehouse_context(warehouse_id: int, major: int) -> dict[str, int]:
    """The context key(s) that make an Odoo major version compute quantities for one warehouse."""
    if major >= 19:
        return {"warehouse_id": warehouse_id}
    if major == 18:
        return {"warehouse": warehouse_id, "warehouse_id": warehouse_id}
    return {"warehouse": warehouse_id}


class _NotResumableNote(logging.Filter):
    """Drops singer-sdk's "Stream is assumed to be unsorted" warning: stock_levels is unsorted by design
    (one watermark for the whole run; an interrupted run is read again), which the docs say once."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Stream is assumed to be unsorted")


class StockLevelsStream(QuietDryRunAbort, LeanStream):
    """One record per storable product x warehouse."""

    name = "stock_levels"
    primary_keys: t.ClassVar[list[str]] = ["product_id", "warehouse_id"]
    replication_key = "write_date"
    is_sorted = False  # all records of a run share one watermark; resume re-reads the run

    def __init__(self, tap: TapOdoo):
        super().__init__(tap=tap, schema=SCHEMA, name="stock_levels")
        self._watermark_noted = False
        self._major = tap.server_major

    def lean_path_allowed(self) -> bool:
        """Also needs every property selected: the records are built whole."""
        mask = self.mask
        return super().lean_path_allowed() and all(
            mask.get(("properties", name), True) for name in SCHEMA["properties"]
        )

    def _increment_stream_state(self, latest_record: Row, *, context: Context | None = None) -> None:
        """Every record of a run carries the same watermark: noting the first one is enough."""
        if not self._watermark_noted:
            sdk_logger = logging.getLogger("singer_sdk")
            note = _NotResumableNote()
            sdk_logger.addFilter(note)
            try:
                super()._increment_stream_state(latest_record, context=context)
            finally:
                sdk_logger.removeFilter(note)
            self._watermark_noted = True

    def _context(self, **extra: t.Any) -> dict[str, t.Any]:
        context: dict[str, t.Any] = {"active_test": False}
        if self.config.get("lang"):
            context["lang"] = self.config["lang"]
        if self.config.get("company_ids"):
            context["allowed_company_ids"] = list(self.config["company_ids"])
        context.update(extra)
        return context

    def _latest_change(self) -> str | None:
        """The watermark: the latest quant or move write_date, asked once per run (shared with the
        related-changes probes of the model streams, see TapOdoo.latest_write_date)."""
        tap = t.cast("TapOdoo", self._tap)
        found = [tap.latest_write_date(model, self._context()) for model in ("stock.quant", "stock.move")]
        return max((when for when in found if when), default=None)

    def _storable_domain(self) -> list[t.Any]:
        tap = t.cast("TapOdoo", self._tap)
        fields = tap.model_fields("product.product") or {}  # the fields_get discovery made: no second call
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

    def get_records(self, context: Context | None) -> Iterable[Row]:
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
        self._watermark_noted = False
        self.begin_records()
        for warehouse, rows, codes in prefetched(self, self._reads(product_ids, warehouses)):
            self.begin_page()
            warehouse_id = warehouse["id"]
            warehouse_code = warehouse.get("code") or None
            for row in rows:
                get = row.get
                yield {
                    "product_id": row["id"],
                    "default_code": codes.get(row["id"]),
                    "warehouse_id": warehouse_id,
                    "warehouse_code": warehouse_code,
                    "qty_available": get("qty_available") or 0.0,
                    "virtual_available": get("virtual_available") or 0.0,
                    "free_qty": get("free_qty") or 0.0,
                    "incoming_qty": get("incoming_qty") or 0.0,
                    "outgoing_qty": get("outgoing_qty") or 0.0,
                    "write_date": watermark,
                }

    def _reads(
        self, product_ids: list[int], warehouses: list[dict[str, t.Any]]
    ) -> Iterator[tuple[dict[str, t.Any], list[Row], dict[int, str | None]]]:
        """Per chunk of products and per warehouse: (warehouse, rows read in its context, SKUs by id).

        The SKU does not depend on the warehouse, so only the chunk's first read asks for it.
        """
        page = int(self.config.get("page_size", 2000))
        for first in range(0, len(product_ids), page):
            chunk = product_ids[first : first + page]
            codes: dict[int, str | None] = {}
            for index, warehouse in enumerate(warehouses):
                fields = ["default_code", *QUANTITIES] if index == 0 else list(QUANTITIES)
                rows = self.client.read(
                    "product.product",
                    chunk,
                    fields,
                    context=self._context(**warehouse_context(warehouse["id"], self._major)),
                )
                if index == 0:
                    codes = {row["id"]: row.get("default_code") or None for row in rows}
                yield warehouse, rows, codes
