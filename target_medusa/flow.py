"""One run of Odoo records into Medusa: map, validate, skip unchanged, send in bulk, record in the ledger.

Per batch: build + validate every payload (an invalid one becomes a dead letter with its reason), read the
ledger's last hashes in one query, send only what changed (bulk calls, `concurrency` at once), then record
accepted payloads and events in one transaction each. A crash between sending and recording only means
the next run sends those items again: every call is an upsert by SKU, an absolute quantity, or an order
event checked against Medusa before it is sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from etl.http import HttpClient
from etl.ledger import Accepted, Ledger, payload_hash
from etl.mapping import Mapping as EtlMapping
from etl.mapping import MappingError, load_mapping
from etl.validation import PayloadValidator
from target_medusa.adapter import MedusaAdapter, Outcome, medusa_http
from target_medusa.mapping import DEFAULT_MAPPING
from target_medusa.orders import LINK_ENTITY, OrderEvents, sort_events
from target_medusa.stock import StockSums

LOG = logging.getLogger("target_medusa")
PLATFORM = "medusa"
DELETED = "deleted"
ORDER_STREAMS = ("sale_order", "stock_picking", "account_move")


class DeadLettersFound(RuntimeError):
    """Raised at the end of a run with dead letters when `fail_on_dead_letters` is set."""


@dataclass
class Item:
    entity: str
    key: str
    payload: dict[str, Any]
    record: Mapping[str, Any]
    stream: str
    hash: str
    odoo_id: int | None = None


@dataclass
class Summary:
    run_id: int
    sent: int = 0
    unchanged: int = 0
    failed: int = 0
    filtered: int = 0
    deleted: int = 0
    duration_s: float = 0.0
    by_entity: dict[str, int] = field(default_factory=dict)


def stream_name(stream: str) -> str:
    return stream.replace(".", "_").replace("-", "_")


class MedusaFlow:
    """Buffers records per entity and sends them when `flush()` is called (the sink's drain)."""

    def __init__(
        self, config: Mapping[str, Any], *, http: HttpClient | None = None, ledger: Ledger | None = None
    ) -> None:
        self.config = dict(config)
        self.started = time.monotonic()
        self.mapping: EtlMapping = load_mapping(
            config.get("mapping_file"), DEFAULT_MAPPING, lookups=config.get("lookups") or None
        )
        self.validator = PayloadValidator(PLATFORM)
        self.ledger = ledger or Ledger(config.get("ledger_url") or None)
        self.http = http or medusa_http(config)
        self.adapter = MedusaAdapter(self.http)
        self.batch_size = int(config.get("batch_size", 500))
        self.concurrency = int(config.get("concurrency", 4))
        self.run_id = self.ledger.start_run(str(config.get("flow_name") or "odoo-to-medusa"), PLATFORM)
        self.summary = Summary(self.run_id)
        self.products: list[tuple[str, Mapping[str, Any]]] = []
        self.deletes: dict[str, Mapping[str, Any]] = {}
        self.stock = StockSums(self.config)
        self.not_in_medusa: set[str] = set()
        """SKUs this run did not send as products (archived, filtered, dead letters)."""
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

    def _product(self, stream: str, record: Mapping[str, Any]) -> None:
        sku = record.get("default_code")
        if record.get("_sdc_deleted_at") and not sku:
            sku = self._sku_of_deleted(record.get("id"))  # the tap sends only {id, _sdc_deleted_at}
        if record.get("active") is False or record.get("_sdc_deleted_at"):
            if self.config.get("on_archive", "leave") == "delete" and sku:
                self.deletes[str(sku)] = record
            else:
                self.summary.filtered += 1
            if sku:
                self.not_in_medusa.add(str(sku))
            return
        if not self.mapping.accepts("product", record):
            self.summary.filtered += 1
            if sku:
                self.not_in_medusa.add(str(sku))
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

    def flush(self, *, final: bool = False) -> None:
        """Send what is buffered: products first (stock needs them), deletes; stock and order events only at
        the end (`final`), once every warehouse row of a SKU is summed and every transition of an order is
        known (they are then sent in the order a customer lives them)."""
        self._flush_products()
        self._flush_deletes()
        if final:
            self._flush_stock()
            self.events += self.orders.retry_waiting(final=True)
            self._flush_events()
            self.finished_flush = True

    def has_deferred(self) -> bool:
        """Records read but not yet sent (STATE must not be emitted past them)."""
        return bool(self.products or self.deletes or self.stock or self.events or self.orders.waiting)

    def _prepare(self, entity: str, records: Iterable[tuple[str, Mapping[str, Any]]]) -> list[Item]:
        """Payloads that changed since the last accepted one; invalid ones become dead letters.

        Validation runs on changed payloads only (an unchanged one was accepted before)."""
        built: dict[str, Item] = {}
        for stream, record in records:
            odoo_id = self.mapping.odoo_id(entity, record)
            try:
                key = self.mapping.key_of(entity, record)
                payload = self.mapping.build(entity, record, self.config, key=key)
            except MappingError as exc:
                self._dead(
                    entity, getattr(exc, "key", None) or f"{stream} id {odoo_id}", record, stream, str(exc)
                )
                continue
            if entity == "product" and odoo_id is not None:
                owner = self.sku_owner.setdefault(key, odoo_id)
                if owner != odoo_id:
                    self._dead(
                        entity,
                        f"{key} (odoo id {odoo_id})",
                        record,
                        stream,
                        f"DUPLICATE_SKU (before sending): SKU {key} is also the default_code of Odoo "
                        f"product {owner}; give each product its own internal reference",
                    )
                    continue
            built[key] = Item(entity, key, payload, record, stream, payload_hash(payload), odoo_id)
        known = self.ledger.hashes(PLATFORM, entity, built)
        check = self.validator.fast_check(entity)
        changed: list[Item] = []
        for key, item in built.items():
            if known.get(key) == item.hash:
                continue
            if not check(item.payload):
                issues = self.validator.issues(entity, item.payload)
                if issues:
                    reason = "; ".join(str(i) for i in issues)
                    self._dead(
                        entity, key, item.record, item.stream, f"VALIDATION_ERROR (before sending): {reason}"
                    )
                    continue
            changed.append(item)
        unchanged = sum(1 for key, item in built.items() if known.get(key) == item.hash)
        self.summary.unchanged += unchanged
        if unchanged:
            self.ledger.record_event(
                run_id=self.run_id,
                platform=PLATFORM,
                entity=entity,
                key=None,
                outcome="unchanged",
                error_message=f"{unchanged} unchanged, not sent",
            )
        return changed

    def _send(
        self, items: list[Item], call: Callable[[list[dict[str, Any]]], list[Outcome]], method: str, path: str
    ) -> None:
        chunks = [items[i : i + self.batch_size] for i in range(0, len(items), self.batch_size)]
        if not chunks:
            return
        results = self.http.map(lambda c: call([i.payload for i in c]), chunks)
        self._record(
            [
                (item, out)
                for chunk, outs in zip(chunks, results, strict=True)
                for item, out in zip(chunk, outs, strict=True)
            ],
            method,
            path,
        )

    def _record(self, done: list[tuple[Item, Outcome]], method: str, path: str) -> None:
        accepted: list[Accepted] = []
        events: list[dict[str, Any]] = []
        for item, out in done:
            if out.ok:
                accepted.append(
                    Accepted(
                        item.entity,
                        item.key,
                        item.hash,
                        self.mapping.entity(item.entity).model,
                        item.odoo_id,
                        out.remote_id,
                        item.key if item.entity != "order_status" else None,
                    )
                )
                events.append(
                    {
                        "run_id": self.run_id,
                        "platform": PLATFORM,
                        "entity": item.entity,
                        "key": item.key,
                        "outcome": "sent",
                        "http_status": 200,
                        "method": method,
                        "url": path,
                        "error_message": out.note,
                    }
                )
                self.summary.sent += 1
                self.summary.by_entity[item.entity] = self.summary.by_entity.get(item.entity, 0) + 1
            else:
                events.append(
                    {
                        "run_id": self.run_id,
                        "platform": PLATFORM,
                        "entity": item.entity,
                        "key": item.key,
                        "outcome": "failed",
                        "http_status": out.status,
                        "error_code": out.code,
                        "error_message": out.message,
                        "method": method,
                        "url": path,
                        "request_body": item.payload,
                    }
                )
                self._dead(item.entity, item.key, item.record, item.stream, out.reason, logged=True)
        self.ledger.record_many(PLATFORM, accepted, self.run_id)
        self.ledger.record_events(events)

    def _dead(
        self,
        entity: str,
        key: str,
        record: Mapping[str, Any],
        stream: str,
        reason: str,
        *,
        logged: bool = False,
    ) -> None:
        self.summary.failed += 1
        LOG.warning("dead letter: %s %s: %s", entity, key, reason)
        sku = record.get("default_code")
        if (
            entity == "product"
            and sku
            and str(sku) == key
            and not self.ledger.get_binding(PLATFORM, entity, key)
        ):
            self.not_in_medusa.add(key)  # never reached Medusa: its stock would only fail with SKU_NOT_FOUND
        self.ledger.add_dead_letter(
            run_id=self.run_id,
            platform=PLATFORM,
            entity=entity,
            key=key,
            record=dict(record),
            reason=reason,
            stream=stream,
        )
        if not logged:
            self.ledger.record_event(
                run_id=self.run_id,
                platform=PLATFORM,
                entity=entity,
                key=key,
                outcome="dead_letter",
                error_message=reason,
            )

    def _flush_products(self) -> None:
        if not self.products:
            return
        records, self.products = self.products, []
        items = self._prepare("product", records)
        self._send(items, self.adapter.send_products, "POST", "/odoo/products/bulk")

    def _flush_deletes(self) -> None:
        if not self.deletes:
            return
        pending, self.deletes = self.deletes, {}
        known = self.ledger.hashes(PLATFORM, "product", pending)
        items = [
            Item(
                "product",
                sku,
                {"sku": sku},
                rec,
                "product_product",
                DELETED,
                self.mapping.odoo_id("product", rec),
            )
            for sku, rec in pending.items()
            if known.get(sku) != DELETED
        ]
        self.summary.unchanged += len(pending) - len(items)
        outs = self.http.map(lambda item: self.adapter.delete_product(item.key), items)
        self.summary.deleted += sum(o.ok for o in outs)
        self._record(list(zip(items, outs, strict=True)), "DELETE", "/odoo/products/{sku}")

    def _flush_stock(self) -> None:
        if not self.stock:
            return
        sums, self.stock = self.stock, StockSums(self.config)
        records = sums.records()
        # no stock for a SKU Medusa cannot have: deleted by us, or not sent by this run and never before
        known = self.ledger.hashes(PLATFORM, "product", (r["default_code"] for r in records))
        skip = {
            sku
            for sku in (r["default_code"] for r in records)
            if known.get(sku) == DELETED or (sku in self.not_in_medusa and sku not in known)
        }
        self.summary.filtered += sum(1 for r in records if r["default_code"] in skip)
        items = self._prepare(
            "inventory", [("stock_levels", r) for r in records if r["default_code"] not in skip]
        )
        self._send(items, self.adapter.send_stock, "POST", "/odoo/inventory/bulk-update")

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
        items = self._prepare("order_status", [("_medusa_order_events", e) for e in fresh])
        outs = [self.adapter.send_order_event(item.payload) for item in items]
        self._record(list(zip(items, outs, strict=True)), "POST", "/odoo/webhooks/order-status")

    # ---------------------------------------------------------------- end
    def finish(self) -> Summary:
        """Send the rest, close the run in the ledger; raise DeadLettersFound when configured."""
        if not self.finished_flush:
            self.flush(final=True)
        self.summary.duration_s = time.monotonic() - self.started
        s = self.summary
        status = "failed" if s.failed and self.config.get("fail_on_dead_letters") else "done"
        self.ledger.finish_run(
            self.run_id, sent=s.sent, unchanged=s.unchanged, failed=s.failed, status=status
        )
        self.http.close()
        LOG.info(
            "run %d: sent %d, unchanged %d, dead letters %d, filtered %d, deleted %d in %.1fs",
            s.run_id,
            s.sent,
            s.unchanged,
            s.failed,
            s.filtered,
            s.deleted,
            s.duration_s,
        )
        if s.failed and self.config.get("fail_on_dead_letters"):
            raise DeadLettersFound(
                f"{s.failed} record(s) went to the dead letters in run {s.run_id} "
                "(see `odoo-hub history` / the ledger); fail_on_dead_letters is set"
            )
        return s
