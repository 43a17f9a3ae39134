"""One run of Odoo records into Medusa: the platform's rules around etl's `SyncEngine`.

What is Medusa's stays here: which stream feeds what, archived/deleted products (DELETE by SKU), one SKU per
Odoo product, stock summed per SKU and skipped for SKUs Medusa cannot have, order transitions sent once and
in order. Building, the hash compare, validation, sending in batches and the ledger are etl's
(`SyncEngine.item` -> `skip_unchanged` -> `send`), on its batched path: one ledger read per batch, only
changed payloads validated, and the changed ones claimed in one `claim_many` per batch, so two runs on one
ledger (a catalogue run overrunning its slot and the next one) never send one record twice. A killed run's
claims are taken over at once by the next run on the same host (its process is gone); a crash between
sending and recording only means the next run sends those items again: every call is an upsert by SKU, an
absolute quantity, or an order event checked against Medusa before it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from etl.http import HttpClient
from etl.ledger import Accepted, Ledger
from etl.mapping import EntitySpec, load_mapping
from etl.mapping import Mapping as EtlMapping
from etl.sink import DeadLettersFound, OutboundItem, RunSummary, SyncEngine
from etl.validation import PayloadInvalid
from target_medusa.adapter import MedusaAdapter, medusa_http
from target_medusa.mapping import DEFAULT_MAPPING
from target_medusa.orders import LINK_ENTITY, OrderEvents, sort_events
from target_medusa.stock import StockSums

__all__ = ["DeadLettersFound", "MedusaFlow", "Summary"]

LOG = logging.getLogger("target_medusa")
PLATFORM = "medusa"
DELETED = "deleted"
ORDER_STREAMS = ("sale_order", "stock_picking", "account_move")
SYNCED = "order_synced"  # seed 002 §4.3: POST /odoo/orders/{id}/synced, once per Medusa order in Odoo
Summary = RunSummary


def stream_name(stream: str) -> str:
    return stream.replace(".", "_").replace("-", "_")


# what the flow itself reads of each stream, beside the mapping's sources
ORDER_NEEDS = {
    "sale_order": ("id", "name", "state", "client_order_ref", "create_date"),
    "stock_picking": ("state", "origin", "picking_type_code", "date_done"),
    "account_move": ("name", "move_type", "state", "invoice_origin", "payment_state"),
}


def stream_needs(mapping: EtlMapping, config: Mapping[str, Any], stream: str) -> dict[str, str]:
    """Fields of ``stream`` a run reads, each with what needs it: the mapping's sources for the entities
    the stream feeds, the fields the settings name (brand_field, title_ar_field), and the flow's own."""
    name = stream_name(stream)
    needs: dict[str, str] = {}
    for spec in mapping.entities_for_stream(name):
        if name == "stock_levels" and spec.name == "inventory":
            continue  # the inventory entity reads StockSums' records, built from the fields below
        needs.update(mapping.needs(spec.name))
    if name == "product_product":
        needs.setdefault("active", "archived products (on_archive)")
        for setting in ("brand_field", "title_ar_field"):
            if config.get(setting):
                needs.setdefault(str(config[setting]).split(".")[0], f"the setting {setting}")
    elif name == "stock_levels":
        quantity = str(config.get("quantity_field") or "qty_available")
        for field in ("product_id", "default_code", "warehouse_id", "warehouse_code", quantity):
            needs.setdefault(field, "stock per SKU (quantity_field, warehouses)")
    for field in ORDER_NEEDS.get(name, ()):
        if name == "sale_order" and field == "create_date":
            needs.setdefault(field, "synced_at of the order acknowledgement (seed 002 section 4.3)")
        else:
            needs.setdefault(field, "order status events (seed 002 section 13.3)")
    return needs


class MedusaEngine(SyncEngine):
    """etl's engine with Medusa's wording of dead letters and run status."""

    def fallback_key(self, spec: EntitySpec, record: Mapping[str, Any], stream: str | None) -> str:
        return f"{stream} id {self.mapping.odoo_id(spec.name, record)}"

    def invalid_reason(self, exc: PayloadInvalid) -> str:
        return "VALIDATION_ERROR (before sending): " + "; ".join(str(i) for i in exc.issues)

    incomplete_input = False  # the input ended before the tap's end-of-sync mark: aggregates held back

    def run_status(self) -> str:
        if self.incomplete_input:
            return "incomplete_input"
        return "failed" if self.summary.failed and self.fail_on_dead_letters else "done"


class MedusaFlow:
    """Buffers records per entity and sends them when `flush()` is called (the sink's drain)."""

    def __init__(
        self, config: Mapping[str, Any], *, http: HttpClient | None = None, ledger: Ledger | None = None
    ) -> None:
        self.config = dict(config)
        self.mapping: EtlMapping = load_mapping(
            config.get("mapping_file"), DEFAULT_MAPPING, lookups=config.get("lookups") or None
        )
        self.ledger = ledger or Ledger(config.get("ledger_url") or None)
        self.http = http or medusa_http(config)
        self.adapter = MedusaAdapter(self.http)
        self.engine = MedusaEngine.for_target(
            platform=PLATFORM,
            mapping=self.mapping,
            adapter=self.adapter,
            ledger=self.ledger,
            config=self.config,
            flow="odoo-to-medusa",
        )
        self.batch_size, self.concurrency = self.engine.batch_size, self.engine.workers
        self.run_id = self.engine.run_id
        self.summary = self.engine.summary
        self.products: list[tuple[str, Mapping[str, Any]]] = []
        self.deletes: dict[str, Mapping[str, Any]] = {}
        self.stock = StockSums(self.config)
        self.events: list[dict[str, Any]] = []
        self.sku_owner: dict[str, int] = {}
        self._display_ids: dict[int, str] | None = None
        self.orders = OrderEvents(
            self.ledger,
            PLATFORM,
            self._resolve_display_id,
            cancel_reason=str(config.get("order_cancel_reason") or "Cancelled in Odoo"),
        )
        self._warned: set[str] = set()
        self._names: dict[str, str] = {}
        self._extra: dict[str, list[Any]] = {}
        self._sku_by_odoo_id: dict[int, str] | None = None

    # ---------------------------------------------------------------- intake
    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        name = self._names.get(stream) or self._names.setdefault(stream, stream_name(stream))
        extra = self._extra.get(name)
        if extra is None:
            specs = self.mapping.entities_for_stream(name)
            extra = self._extra.setdefault(name, [] if name in ("product_product", "stock_levels") else specs)
        if extra:
            for spec in extra:  # streams a user mapping adds
                if spec.name == "product":
                    self._product(name, record)
                elif spec.name == "inventory":
                    self._stock(record)
            return
        if name == "product_product":
            self._product(name, record)
        elif name == "stock_levels":
            self._stock(record)
        elif name in ORDER_STREAMS:
            self.events += self.orders.add(name, record)
        elif name not in self._warned:
            self._warned.add(name)
            LOG.info("stream %s is not used by the Medusa mapping; its records are ignored", name)
        if len(self.products) >= self.batch_size * self.concurrency:
            self._flush_products()

    def reject(self, stream: str, record: Mapping[str, Any], reason: str) -> None:
        """A record the flow could not take in (an odd shape or value): a dead letter, the run goes on."""
        specs = self.mapping.entities_for_stream(stream_name(stream))
        entity = specs[0].name if specs else stream_name(stream)
        key = f"{stream} id {record.get('id', record.get('product_id', '?'))}"
        self.engine.dead_letter(entity, key, record, stream, f"could not be read: {reason}", "MAPPING")

    def _product(self, stream: str, record: Mapping[str, Any]) -> None:
        sku = record.get("default_code")
        if record.get("_sdc_deleted_at") and not sku:
            sku = self._sku_of_deleted(record.get("id"))  # the tap sends only {id, _sdc_deleted_at}
        if record.get("active") is False or record.get("_sdc_deleted_at"):
            if self.config.get("on_archive", "leave") == "delete" and sku:
                self.deletes[str(sku)] = record
            else:
                self.summary.filtered += 1
            return
        if not self.mapping.accepts("product", record):
            self.summary.filtered += 1
            return
        self.products.append((stream, record))

    def _sku_of_deleted(self, odoo_id: Any) -> str | None:
        """SKU the ledger bound to a deleted Odoo product id (bindings read once, on the first deletion)."""
        if self._sku_by_odoo_id is None:
            self._sku_by_odoo_id = {
                b.odoo_id: b.key for b in self.ledger.bindings(PLATFORM, "product") if b.odoo_id is not None
            }
        return self._sku_by_odoo_id.get(odoo_id) if isinstance(odoo_id, int) else None

    def _stock(self, record: Mapping[str, Any]) -> None:
        if not self.stock.add(record):
            self.summary.filtered += 1

    def _resolve_display_id(self, display_id: int) -> str | None:
        if self._display_ids is None:
            self._display_ids = self.adapter.order_display_ids()
        return self._display_ids.get(display_id)

    # ---------------------------------------------------------------- sending
    finished_flush = False

    input_complete = False  # the tap's end-of-sync mark arrived (set by etl.target.FlowTarget)

    def flush(self, *, final: bool = False) -> None:
        """Send what is buffered: products first (stock needs them), deletes, order acknowledgements; stock
        and order events only at the end (`final`) of a complete input, once every warehouse row of a SKU is
        summed and every transition of an order is known (they are then sent in the order a customer lives
        them). An input that ended before the tap's end-of-sync mark holds them back (`held_back`): a sum over
        some warehouses' pages, or a `delivered` ahead of the `shipped` still unread, would be wrong in
        Medusa. An acknowledgement is not held back: one sale.order record proves the order is in Odoo."""
        self._flush_products()
        self._flush_deletes()
        self._flush_acks()
        if final and self.input_complete:
            self._flush_stock()
            self.events += self.orders.retry_waiting(final=True)
            self._flush_events()
            self.finished_flush = True

    def has_deferred(self) -> bool:
        """Records read but not yet sent (STATE must not be emitted past them)."""
        return bool(
            self.products
            or self.deletes
            or self.stock
            or self.events
            or self.orders.waiting
            or self.orders.acks
        )

    def held_back(self) -> str | None:
        """What an incomplete input leaves unsent, in words (None when nothing waits)."""
        if self.input_complete:
            return None
        parts = []
        if self.stock:
            parts.append(f"the stock of {len(self.stock.rows)} SKU(s)")
        events = len(self.events) + len(self.orders.waiting)
        if events:
            parts.append(f"{events} order status change(s)")
        return " and ".join(parts) or None

    def abort(self, reason: str) -> None:
        """Close the run as stopped (the platform refused the credential or could not be reached)."""
        self.finished_flush = True
        try:
            self.engine.abort(reason)
        finally:
            self.http.close()

    def _changed(self, entity: str, records: Iterable[tuple[str, Mapping[str, Any]]]) -> list[OutboundItem]:
        """Payloads that changed since the last accepted one (validated; invalid ones become dead letters).
        Two Odoo products with one SKU are caught here, before anything is sent."""
        built = (self.engine.item(entity, record, stream, validate=False) for stream, record in records)
        items = [item for item in built if item is not None]
        if entity == "product":
            items = self.engine.one_record_per_key(
                entity,
                items,
                self.sku_owner,
                "DUPLICATE_SKU",
                lambda key, owner: (
                    f"SKU {key} is also the default_code of Odoo product {owner}; give each "
                    "product its own internal reference"
                ),
            )
        return self.engine.skip_unchanged(entity, items)

    def _flush_products(self) -> None:
        if not self.products:
            return
        records, self.products = self.products, []
        self.engine.send("product", self._changed("product", records), batch_size=self.batch_size)

    def _flush_deletes(self) -> None:
        if not self.deletes:
            return
        pending, self.deletes = self.deletes, {}
        known = self.ledger.hashes(PLATFORM, "product", pending)
        model = self.mapping.entity("product").model
        items = [
            OutboundItem(
                "product",
                sku,
                {"sku": sku},
                dict(rec),
                DELETED,
                model,
                self.mapping.odoo_id("product", rec),
                sku,
                "product_product",
            )
            for sku, rec in pending.items()
            if known.get(sku) != DELETED
        ]
        self.summary.unchanged += len(pending) - len(items)
        sent = self.summary.sent
        self.engine.send("product", items, self.adapter.delete, batch_size=1)
        self.summary.deleted += self.summary.sent - sent

    def _flush_stock(self) -> None:
        if not self.stock:
            return
        sums, self.stock = self.stock, StockSums(self.config)
        records = sums.records()
        # stock only for SKUs Medusa holds: a product this or an earlier run created (products are flushed
        # and bound first) and did not delete; others (archived, filtered, dead letters) would only fail
        # with SKU_NOT_FOUND, whichever job (catalogue or stock) carries them
        known = self.ledger.hashes(PLATFORM, "product", (r["default_code"] for r in records))
        skip = {sku for sku in (r["default_code"] for r in records) if known.get(sku, DELETED) == DELETED}
        self.summary.filtered += sum(1 for r in records if r["default_code"] in skip)
        items = self._changed(
            "inventory", [("stock_levels", r) for r in records if r["default_code"] not in skip]
        )
        self.engine.send("inventory", items, batch_size=self.batch_size)

    def _flush_acks(self) -> None:
        """`POST /odoo/orders/{id}/synced` once per Medusa order that exists in Odoo: an order the ledger
        holds an accepted acknowledgement for is never sent again (whatever its payload now); the others go
        through the engine's claims, so two runs at once send each one once. A mapping file without the
        `order_synced` entity sends none."""
        if not self.orders.acks:
            return
        acks, self.orders.acks = self.orders.acks, {}
        if SYNCED not in self.mapping.entities:
            if SYNCED not in self._warned:
                self._warned.add(SYNCED)
                LOG.warning(
                    "the mapping has no %s entity: Medusa orders in Odoo are not acknowledged", SYNCED
                )
            return
        known = self.ledger.hashes(PLATFORM, SYNCED, list(acks))
        fresh = [ack for key, ack in acks.items() if key not in known]
        self.summary.unchanged += len(acks) - len(fresh)
        items = self._changed(SYNCED, [("_medusa_order_synced", ack) for ack in fresh])
        self.engine.send(SYNCED, items)

    def _flush_events(self) -> None:
        links = self.orders.new_links()
        self.ledger.record_many(
            PLATFORM,
            [
                Accepted(
                    LINK_ENTITY, key, link.medusa_id, "sale.order", link.odoo_id, link.medusa_id, link.name
                )
                for link in links
                for key in (f"id:{link.odoo_id}", f"name:{link.name}")
            ],
            self.run_id,
        )
        if not self.events:
            return
        events, self.events = sort_events(self.events), []
        # once per transition: a transition already accepted is never sent again, whatever it carries now
        known = self.ledger.hashes(PLATFORM, "order_status", [e["event_key"] for e in events])
        fresh = [e for e in events if e["event_key"] not in known]
        self.summary.unchanged += len(events) - len(fresh)
        items = self._changed("order_status", [("_medusa_order_events", e) for e in fresh])
        self.engine.send("order_status", items, batch_size=max(1, len(items)))  # one after the other

    # ---------------------------------------------------------------- end
    def finish(self) -> RunSummary:
        """Send the rest, close the run in the ledger; raise DeadLettersFound when configured."""
        if not self.finished_flush:
            self.flush(final=True)
        self.engine.incomplete_input = bool(self.held_back())
        try:
            return self.engine.finish()
        finally:
            self.http.close()
            s = self.summary
            LOG.info(
                "run %d: sent %d, unchanged %d, dead letters %d, filtered %d, deleted %d in %.1fs",
                s.run_id,
                s.sent,
                s.unchanged,
                s.failed,
                s.filtered,
                s.deleted,
                s.duration_ms / 1000,
            )
