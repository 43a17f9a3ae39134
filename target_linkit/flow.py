"""One run of Odoo records into Linkit: the platform's rules around etl's `SyncEngine`.

What is Linkit's stays here: which stream feeds what; products keyed by the Odoo internal reference (`iv_id`
= default_code); customers as they come; and, once the input is complete (the tap's end-of-sync mark), what
joins several streams: branches with their hours, one SKU per product x branch whose integer `qty` sums the
warehouses mapped to the branch (only for products Linkit has), orders and offers (`flow_sales.py`).
Building, the hash compare (unchanged records are not re-sent), validation against `schemas/linkit`, sending
in batches, claims and the ledger are etl's (`SyncEngine.item` -> `skip_unchanged` -> `send`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from etl.http import HttpClient
from etl.ledger import Accepted, Ledger
from etl.mapping import Mapping as EtlMapping
from etl.mapping import load_mapping
from etl.sink import DeadLettersFound, OutboundItem, RunSummary
from target_linkit.adapter import LinkitAdapter, linkit_http
from target_linkit.branches import STREAMS as BRANCH_STREAMS
from target_linkit.branches import BranchJoin
from target_linkit.engine import LinkitEngine
from target_linkit.flow_sales import LINK_ENTITY, PLATFORM, SalesFlush
from target_linkit.mapping import DEFAULT_MAPPING
from target_linkit.needs import stream_name, stream_needs
from target_linkit.offers import ENTITY as OFFER_ENTITY
from target_linkit.offers import PARTS as OFFER_PARTS
from target_linkit.offers import STREAMS as OFFER_STREAMS
from target_linkit.offers import OfferJoin
from target_linkit.orders import ENTITY, LINE_STREAMS, ORDER_STREAMS, OrderJoin, Resolver
from target_linkit.stock import BranchStock

__all__ = ["DeadLettersFound", "LinkitFlow", "Summary", "stream_needs"]

LOG = logging.getLogger("target_linkit")
Summary = RunSummary


class LinkitFlow(SalesFlush):
    """Buffers records per entity and sends them when `flush()` is called (the sink's drain)."""

    input_complete = False  # the tap's end-of-sync mark arrived (set by etl.target.FlowTarget)
    finished_flush = False

    def __init__(
        self, config: Mapping[str, Any], *, http: HttpClient | None = None, ledger: Ledger | None = None
    ) -> None:
        self.config = dict(config)
        self.mapping: EtlMapping = load_mapping(config.get("mapping_file"), DEFAULT_MAPPING)
        self.ledger = ledger or Ledger(config.get("ledger_url") or None)
        self.http = http or linkit_http(config)
        self.adapter = LinkitAdapter(self.http)
        self.engine = LinkitEngine.for_target(
            platform=PLATFORM,
            mapping=self.mapping,
            adapter=self.adapter,
            ledger=self.ledger,
            config=self.config,
            flow="odoo-to-linkit",
        )
        self.batch_size, self.concurrency = self.engine.batch_size, self.engine.workers
        self.run_id = self.engine.run_id
        self.summary = self.engine.summary
        self.products: list[tuple[str, Mapping[str, Any]]] = []
        self.customers: list[tuple[str, Mapping[str, Any]]] = []
        self.stock = BranchStock(self.config)
        self.branches = BranchJoin(self.config)
        self.orders = OrderJoin()
        self.offers = OfferJoin()
        self.resolver = Resolver(
            self.config, ledger_link=self._ledger_link, ledger_products=self._ledger_products
        )
        self.iv_owner: dict[str, int] = {}
        self._warned: set[str] = set()

    # ---------------------------------------------------------------- intake
    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        name = stream_name(stream)
        if name == "product_product":
            if isinstance(record.get("id"), int):  # order lines and offers find their product's iv_id here
                self.resolver.products[record["id"]] = (record.get("default_code"), record.get("type"))
                tmpl = record.get("product_tmpl_id")
                if isinstance(tmpl, Mapping) and record.get("default_code"):
                    self.resolver.templates.setdefault(tmpl["id"], set()).add(str(record["default_code"]))
            if not self.mapping.accepts("products", record):
                self.summary.filtered += 1
            else:
                self.products.append((name, record))
        elif name == "stock_levels":
            why = self.stock.add(record)
            if why == "":
                self.summary.filtered += 1
            elif why is not None:
                self.reject(stream, record, why)
        elif name in BRANCH_STREAMS:
            self.branches.add(name, record)
        elif name == "res_partner":
            self._customer(record)
        elif name in OFFER_STREAMS or name in OFFER_PARTS:
            self.offers.add(name, record)
        elif name in ORDER_STREAMS or name in LINE_STREAMS:
            if self.config.get("pos_orders", True) or not name.startswith("pos_"):
                self.orders.add(name, record)
        elif name not in self._warned:
            self._warned.add(name)
            LOG.info("stream %s is not used by target-linkit (yet); its records are ignored", name)
        if len(self.products) >= self.batch_size * self.concurrency:
            self._flush_products()
        if len(self.customers) >= self.batch_size:
            self._flush_customers()

    def _customer(self, record: Mapping[str, Any]) -> None:
        # a deleted partner stays in Linkit: no customer delete route is published (G16)
        if record.get("_sdc_deleted_at") or not self.mapping.accepts("customers", record):
            self.summary.filtered += 1
        else:
            self.customers.append(("res_partner", record))

    def reject(self, stream: str, record: Mapping[str, Any], reason: str) -> None:
        """A record the flow could not take in: a dead letter with the reason, the run goes on."""
        name = stream_name(stream)
        entity = {"stock_levels": "skus", "product_product": "products", "res_partner": "customers"}.get(
            name, name
        )
        entity = "branches" if name in BRANCH_STREAMS else ENTITY.get(LINE_STREAMS.get(name, name), entity)
        entity = OFFER_ENTITY.get(name, "loyalty_offers" if name in OFFER_PARTS else entity)
        pid = record.get("product_id")
        rid = record.get("id", pid.get("id") if isinstance(pid, Mapping) else pid)
        key = f"{stream} id {rid}"
        if name == "stock_levels":
            key += f" warehouse {record.get('warehouse_code')}"
        self.engine.dead_letter(entity, key, record, stream, f"could not be read: {reason}", "MAPPING")

    # ---------------------------------------------------------------- sending
    def flush(self, *, final: bool = False) -> None:
        """Send what is buffered: products first (SKUs need them); SKU stock only at the end (`final`) of a
        complete input, once every warehouse row of a branch is summed. An input that ended before the tap's
        end-of-sync mark holds the stock back (`held_back`): a sum over some warehouses would be wrong."""
        self._flush_products()
        self._flush_customers()
        if final and self.input_complete:
            self._flush_branches()  # SKUs and orders need their branch
            self._flush_stock()
            self._flush_orders()
            self._flush_offers()
            self.finished_flush = True

    def has_deferred(self) -> bool:
        return bool(
            self.products or self.customers or self.stock or self.branches or self.orders or self.offers
        )

    def held_back(self) -> str | None:
        if self.input_complete:
            return None
        parts = [f"the stock of {len(self.stock.rows)} SKU(s) (product x branch)"] if self.stock else []
        if self.branches:
            parts.append(f"{len(self.branches.warehouses)} warehouse(s) with their working hours")
        if self.orders:
            parts.append(f"{self.orders.count()} order(s) with their lines")
        if self.offers:
            parts.append("offers with their rewards and rules")
        return " and ".join(parts) or None

    def abort(self, reason: str) -> None:
        self.finished_flush = True
        try:
            self.engine.abort(reason)
        finally:
            self.http.close()

    def _changed(self, entity: str, records: Iterable[tuple[str, Mapping[str, Any]]]) -> list[OutboundItem]:
        """Payloads changed since the last accepted one; two Odoo products with one internal reference are
        dead letters before anything is sent (the second would overwrite the first in Linkit)."""
        built = (self.engine.item(entity, record, stream, validate=False) for stream, record in records)
        items = [item for item in built if item is not None]
        if entity == "products":
            items = self.engine.one_record_per_key(
                entity,
                items,
                self.iv_owner,
                "DUPLICATE_IV_ID",
                lambda key, owner: (
                    f"iv_id {key} is also the internal reference of Odoo product {owner}; "
                    "give each product its own internal reference"
                ),
            )
        return self.engine.skip_unchanged(entity, items)

    def _flush_products(self) -> None:
        if not self.products:
            return
        records, self.products = self.products, []
        self.engine.send("products", self._changed("products", records), batch_size=self.batch_size)

    def _flush_customers(self) -> None:
        """One call per changed customer (G14: no bulk route). An archived partner Linkit never had is not
        created only to be inactive; one without email and phone cannot be held by Linkit."""
        if not self.customers:
            return
        records, self.customers = self.customers, []
        archived = [str(r.get("id")) for _, r in records if r.get("active") is False]
        known = self.ledger.hashes(PLATFORM, "customers", archived) if archived else {}
        fresh = [(s, r) for s, r in records if r.get("active") is not False or str(r.get("id")) in known]
        self.summary.filtered += len(records) - len(fresh)
        built = [self.engine.item("customers", r, s, validate=False) for s, r in fresh]
        items = []
        for item in built:
            if item is None:
                continue
            if not (item.payload.get("email") or item.payload.get("phone")):
                why = "Linkit holds a customer only with an email or a phone (G14); the partner has neither"
                self.engine.dead_letter("customers", item.key, item.record, item.stream, why, "NO_CONTACT")
                continue
            items.append(item)
        self.engine.send("customers", self.engine.skip_unchanged("customers", items))

    def _flush_branches(self) -> None:
        if not self.branches:
            return
        join, self.branches = self.branches, BranchJoin(self.config)
        self.ledger.record_many(
            PLATFORM,
            [
                Accepted(LINK_ENTITY, key, branch, "stock.warehouse", None, branch)
                for key, branch in join.links().items()
            ],
            self.run_id,
        )
        self.resolver.links.update(join.links())
        records, bad, left_out = join.records()
        self.summary.filtered += left_out
        for wh, why in bad:
            key = str(wh.get("branch_iv_id") or f"stock_warehouse id {wh.get('id')}")
            self.engine.dead_letter("branches", key, wh, "stock_warehouse", f"not sent: {why}", "MAPPING")
        items = self._changed("branches", [("stock_warehouse", r) for r in records])
        self.engine.send("branches", items, batch_size=self.batch_size)

    def _flush_stock(self) -> None:
        if not self.stock:
            return
        sums, self.stock = self.stock, BranchStock(self.config)
        records = sums.records()
        # stock only for products Linkit holds (this run or an earlier one accepted them); the others
        # (filtered, dead letters, never sent) would only fail "product not found"
        known = self.ledger.hashes(PLATFORM, "products", {r["default_code"] for r in records})
        skip = [r for r in records if r["default_code"] not in known]
        for r in skip:
            self.summary.filtered += 1
            if r["default_code"] not in self._warned:
                self._warned.add(r["default_code"])
                LOG.info(
                    "stock of %s not sent: the product is not in Linkit (not sent yet)", r["default_code"]
                )
        items = self._changed("skus", [("stock_levels", r) for r in records if r["default_code"] in known])
        self.engine.send("skus", self._on_known_branches(items), batch_size=self.batch_size)

    def _on_known_branches(self, items: list[OutboundItem]) -> list[OutboundItem]:
        """The SKUs whose branch Linkit has (one GET /branches, only when there is stock to send); each other
        one is a dead letter naming its branch before anything is sent: Linkit would refuse it one by one
        (SKU_NOT_FOUND, found by halving a batch that does not say which item failed)."""
        if not items:
            return items
        have = self.adapter.branch_ids()
        kept: list[OutboundItem] = []
        for item in items:
            branch = str(item.payload.get("branch_iv_id"))
            if branch in have:
                kept.append(item)
                continue
            self.engine.dead_letter(
                "skus",
                item.key,
                item.record,
                item.stream,
                f"SKU_NOT_FOUND (before sending): branch {branch} is not in Linkit. Push the warehouse as a "
                "branch (the odoo-to-linkit job sends branches with their hours), or map the warehouse to "
                "an existing branch with the setting branches",
                "SKU_NOT_FOUND",
            )
        return kept

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
                "run %d: sent %d, unchanged %d, dead letters %d, filtered %d in %.1fs",
                s.run_id,
                s.sent,
                s.unchanged,
                s.failed,
                s.filtered,
                s.duration_ms / 1000,
            )
