"""The sales part of a Linkit run, sent once the input is complete: orders (created once, then their status
when it changes) and offers (of the enabled sources; deleted programs deactivated once)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from etl.ledger import Accepted, Ledger
from etl.mapping import Mapping as EtlMapping
from etl.sink import OutboundItem, RunSummary
from target_linkit.adapter import LinkitAdapter
from target_linkit.engine import LinkitEngine
from target_linkit.offers import DEFAULT_SOURCES, OfferJoin, offer_key
from target_linkit.offers import ENTITY as OFFER_ENTITY
from target_linkit.orders import ENTITY, OrderJoin, Resolver

PLATFORM = "linkit"
DEACTIVATED = "deactivated"  # the ledger hash of an offer deactivated because deleted in Odoo
LINK_ENTITY = "branch_link"  # ledger rows warehouse / POS operation type -> branch iv_id, for orders


class SalesFlush:
    """Orders and offers of a LinkitFlow (whose attributes below it uses)."""

    config: dict[str, Any]
    mapping: EtlMapping
    ledger: Ledger
    engine: LinkitEngine
    adapter: LinkitAdapter
    summary: RunSummary
    run_id: int
    batch_size: int
    orders: OrderJoin
    offers: OfferJoin
    resolver: Resolver

    def _changed(self, entity: str, records: Iterable[tuple[str, Mapping[str, Any]]]) -> list[OutboundItem]:
        raise NotImplementedError

    def _ledger_link(self, key: str) -> str | None:
        bound = self.ledger.get_binding(PLATFORM, LINK_ENTITY, key)
        return bound.remote_id if bound else None

    def _ledger_products(self) -> dict[int, str]:
        return {b.odoo_id: b.key for b in self.ledger.bindings(PLATFORM, "products") if b.odoo_id is not None}

    def _flush_orders(self) -> None:
        """Orders Linkit does not have yet are created (once: never re-sent whatever changes); the status of
        those it has is sent when it changed. An order created now has its status recorded as sent with it."""
        if not self.orders:
            return
        join, self.orders = self.orders, OrderJoin()
        for stream, entity in ENTITY.items():
            records = join.records(stream)
            if entity not in self.mapping.entities or not records:
                continue
            created = self.ledger.hashes(PLATFORM, entity, [r["linkit_key"] for r in records])
            new: list[tuple[str, Mapping[str, Any]]] = []
            moved: list[tuple[str, Mapping[str, Any]]] = []
            for record in records:
                key = record["linkit_key"]
                if key in created:
                    if self.mapping.accepts("order_status", record):
                        moved.append((stream, record))
                    else:
                        self.summary.filtered += 1
                elif not self.mapping.accepts(entity, record):
                    self.summary.filtered += 1
                elif why := join.join(stream, record, self.resolver):
                    self.engine.dead_letter(entity, key, record, stream, f"not sent: {why}", "MAPPING")
                else:
                    new.append((stream, record))
            items = self._changed(entity, new)
            self.engine.send(entity, items, batch_size=self.batch_size)
            self._statuses_sent_with(entity, items)
            if "order_status" in self.mapping.entities:
                changes = self._changed("order_status", moved)
                self.engine.send("order_status", changes, batch_size=self.batch_size)

    def _statuses_sent_with(self, entity: str, items: list[OutboundItem]) -> None:
        """The status an order was created with is in the ledger as sent: a re-run does not send it again."""
        if "order_status" not in self.mapping.entities or not items:
            return
        made = self.ledger.hashes(PLATFORM, entity, [i.key for i in items])
        accepted = []
        for item in items:
            if item.key in made and self.mapping.accepts("order_status", item.record):
                status = self.engine.item("order_status", item.record, item.stream, validate=False)
                if status is not None:
                    accepted.append(
                        Accepted("order_status", status.key, status.payload_hash, item.odoo_model)
                    )
        self.ledger.record_many(PLATFORM, accepted, self.run_id)

    def _flush_offers(self) -> None:
        """Offers of the enabled sources (setting offer_sources); an archived program Linkit never had is not
        created; one deleted in Odoo is deactivated once."""
        if not self.offers:
            return
        join, self.offers = self.offers, OfferJoin()
        sources = set(self.config.get("offer_sources") or DEFAULT_SOURCES)
        kinds = self.mapping.lookups.get("offer_source", {})
        for stream, entity in OFFER_ENTITY.items():
            if entity not in self.mapping.entities:
                continue
            records = join.offers(stream)
            gone = [offer_key(stream, i) for i in sorted(join.deleted[stream])]
            known = self.ledger.hashes(PLATFORM, entity, [r["linkit_key"] for r in records] + gone)
            todo: list[tuple[str, Mapping[str, Any]]] = []
            for record in records:
                key = record["linkit_key"]
                kind = (
                    "pricelist"
                    if stream == "product_pricelist_item"
                    else kinds.get(str(record.get("program_type")))
                )
                if kind not in sources or (record.get("active") is False and key not in known):
                    self.summary.filtered += 1
                elif why := join.join(stream, record, self.resolver):
                    self.engine.dead_letter(entity, key, record, stream, f"not sent: {why}", "NO_DISCOUNT")
                else:
                    todo.append((stream, record))
            self.engine.send(entity, self._changed(entity, todo), batch_size=self.batch_size)
            self._deactivate(stream, entity, [k for k in gone if k in known and known[k] != DEACTIVATED])
            self.summary.filtered += sum(1 for k in gone if k not in known)
            self.summary.unchanged += sum(1 for k in gone if known.get(k) == DEACTIVATED)

    def _deactivate(self, stream: str, entity: str, keys: list[str]) -> None:
        model = self.mapping.entity(entity).model
        items = [
            OutboundItem(
                entity,
                k,
                {"status": "inactive"},
                {"id": int(k.rsplit(":", 1)[1]), "_sdc_deleted_at": True},
                DEACTIVATED,
                model,
                int(k.rsplit(":", 1)[1]),
                None,
                stream,
            )
            for k in keys
        ]
        sent = self.summary.sent
        self.engine.send(
            entity, items, lambda b: self.adapter.offers.deactivate(b, self.adapter.linkit_ids(entity, b))
        )
        self.summary.deleted += self.summary.sent - sent
