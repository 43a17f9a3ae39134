"""The in-memory Odoo database of the sandbox: recorded rows, lazily generated rows, ORM methods.

Every public method takes the store's lock, so the HTTP threads, a test's `on_call` hook and the churn thread
can all use it at once. Many2one values are kept as ids and shown as `[id, display_name]` on read.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sandbox.odoo import business, recordings, stock
from sandbox.odoo import domain as dom
from sandbox.odoo.errors import (
    AccessError,
    OdooValueError,
    UserError,
    access_groups_text,
)
from sandbox.odoo.lazy import MISSING, LazyRows

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
MAGIC_FIELDS = ("id", "create_date", "create_uid", "write_date", "write_uid")
RELATIONAL = ("many2one", "one2many", "many2many")

# Odoo 17's `_order` of the recorded models (the default of search when no order is given).
DEFAULT_ORDER = {
    "product.product": "priority desc, default_code, name, id",
    "product.template": "priority desc, name, id",
    "res.partner": "complete_name asc, id desc",
    "sale.order": "date_order desc, id desc",
    "sale.order.line": "order_id, sequence, id",
    "purchase.order": "priority desc, id desc",
    "account.move": "date desc, name desc, id desc",
    "product.category": "complete_name, id",
    "stock.location": "complete_name, id",
    "stock.warehouse": "sequence, id",
    "stock.move": "sequence, id",
    "res.country": "name, id",
    "res.company": "sequence, name, id",
    "res.users": "name, login, id",
    "ir.model.data": "module, model, name",
}
# Model descriptions (`_description`) for access error texts.
DESCRIPTIONS = {
    "account.move": "Journal Entry",
    "account.move.line": "Journal Item",
    "account.tax": "Tax",
    "ir.model": "Models",
    "loyalty.program": "Loyalty Program",
    "loyalty.reward": "Loyalty Reward",
    "mrp.bom": "Bill of Material",
    "mrp.bom.line": "Bill of Material Line",
    "pos.order": "Point of Sale Orders",
    "pos.order.line": "Point of Sale Order Lines",
    "product.category": "Product Category",
    "product.pricelist.item": "Pricelist Rule",
    "product.product": "Product Variant",
    "product.supplierinfo": "Supplier Pricelist",
    "product.template": "Product",
    "purchase.order": "Purchase Order",
    "purchase.order.line": "Purchase Order Line",
    "res.company": "Companies",
    "res.country": "Country",
    "res.partner": "Contact",
    "res.users": "User",
    "resource.calendar": "Resource Working Time",
    "resource.calendar.attendance": "Work Detail",
    "sale.order": "Sales Order",
    "sale.order.line": "Sales Order Line",
    "stock.location": "Inventory Locations",
    "stock.move": "Stock Move",
    "stock.picking": "Transfer",
    "stock.quant": "Quants",
    "stock.warehouse": "Warehouse",
    "uom.uom": "Product Unit of Measure",
}


def _field(name: str, string: str, ftype: str, **extra: Any) -> dict[str, Any]:
    spec = {
        "name": name,
        "string": string,
        "type": ftype,
        "store": True,
        "readonly": False,
        "required": False,
        "searchable": True,
        "sortable": True,
        "manual": False,
        "exportable": True,
        "depends": [],
        "change_default": False,
        "company_dependent": False,
        "default_export_compatible": False,
    }
    spec.update(extra)
    return spec


# `ir.model` is not in the recordings: a small synthesized one lists the recorded models for discovery.
IR_MODEL_FIELDS = {
    "id": _field("id", "ID", "integer", readonly=True),
    "model": _field("model", "Model", "char", required=True),
    "name": _field("name", "Model Description", "char", required=True, translate=True),
    "state": _field(
        "state", "Type", "selection", selection=[["manual", "Custom Object"], ["base", "Base Object"]]
    ),
    "transient": _field("transient", "Transient Model", "boolean"),
    "display_name": _field("display_name", "Display Name", "char", store=False, readonly=True),
    "create_date": _field("create_date", "Created on", "datetime", readonly=True),
    "write_date": _field("write_date", "Last Updated on", "datetime", readonly=True),
}
# many2one fields whose reverse lookup must be fast (quantities of a product).
INDEXED = {("stock.quant", "product_id"), ("stock.move", "product_id")}
PARENT_FIELD = {"stock.location": "location_id"}
_ABSENT: Any = object()  # journal mark: the id had no overlay row before the transaction


def _copy_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, list) else v for k, v in row.items()}


def now_string() -> str:
    """The current UTC time at Odoo's one-second resolution."""
    return datetime.now(UTC).strftime(DATETIME_FORMAT)


def empty_value(ftype: str) -> Any:
    """What Odoo answers for an unset field of this type."""
    if ftype in ("one2many", "many2many"):
        return []
    if ftype == "integer":
        return 0
    if ftype in ("float", "monetary"):
        return 0.0
    return False


class Table:
    """One model: overlay rows (recorded, created, written) plus optional lazily generated rows."""

    def __init__(self, model: str, fields: dict[str, dict[str, Any]]) -> None:
        self.model = model
        self.fields = fields
        self.rows: dict[int, dict[str, Any]] = {}
        self.ids: list[int] = []  # sorted ids of `rows`
        self.wd: list[tuple[str, int]] = []  # sorted (write_date, id) of `rows`
        self.lazy: LazyRows | None = None
        self.hidden: set[int] = set()  # lazy ids deleted or moved into `rows`
        self.dirty: set[int] = set()  # written since load: display name no longer the recorded one
        self.next_id = 1
        self.has_active = "active" in fields and fields["active"]["type"] == "boolean"
        # Undo log of the running transaction (None outside one): the row each id had before its first change.
        self.journal: dict[int, Any] | None = None
        self.journal_hidden: set[int] = set()
        self.journal_dirty: set[int] = set()

    def begin(self) -> None:
        self.journal, self.journal_hidden, self.journal_dirty = {}, set(), set()

    def end(self) -> None:
        self.journal = None
        self.journal_hidden, self.journal_dirty = set(), set()

    def touch(self, rid: int) -> None:
        """Remember `rid`'s row as it was before the running transaction changes it."""
        if self.journal is not None and rid not in self.journal:
            row = self.rows.get(rid)
            self.journal[rid] = _ABSENT if row is None else _copy_row(row)

    def hide(self, rid: int) -> None:
        if self.journal is not None and rid not in self.hidden:
            self.journal_hidden.add(rid)
        self.hidden.add(rid)

    def mark_dirty(self, rid: int) -> None:
        if self.journal is not None and rid not in self.dirty:
            self.journal_dirty.add(rid)
        self.dirty.add(rid)

    def rollback(self) -> list[tuple[int, dict[str, Any] | None, dict[str, Any] | None]]:
        """Put every journaled row back; returns (id, row now, row restored) for the index."""
        changes = []
        for rid, before in (self.journal or {}).items():
            now = self.rows.get(rid)
            if now is not None:
                self._drop_wd(rid)
                del self.rows[rid]
                del self.ids[bisect.bisect_left(self.ids, rid)]
            if before is not _ABSENT:
                self.rows[rid] = before
                bisect.insort(self.ids, rid)
                if before.get("write_date"):
                    bisect.insort(self.wd, (before["write_date"], rid))
            changes.append((rid, now, None if before is _ABSENT else before))
        self.hidden -= self.journal_hidden
        self.dirty -= self.journal_dirty
        self.end()
        return changes

    def exists(self, rid: int) -> bool:
        if rid in self.rows:
            return True
        return self.lazy is not None and self.lazy.has(rid) and rid not in self.hidden

    def count(self) -> int:
        lazy = 0 if self.lazy is None else self.lazy.hi - self.lazy.lo - len(self.hidden)
        return len(self.rows) + lazy

    def add_row(self, rid: int, row: dict[str, Any]) -> None:
        self.touch(rid)
        row["id"] = rid
        if rid not in self.rows:
            bisect.insort(self.ids, rid)
        else:
            self._drop_wd(rid)
        self.rows[rid] = row
        if row.get("write_date"):
            bisect.insort(self.wd, (row["write_date"], rid))
        self.next_id = max(self.next_id, rid + 1)

    def remove_row(self, rid: int) -> None:
        self.touch(rid)
        if rid in self.rows:
            self._drop_wd(rid)
            del self.rows[rid]
            del self.ids[bisect.bisect_left(self.ids, rid)]
        if self.lazy is not None and self.lazy.has(rid):
            self.hide(rid)

    def set_write_date(self, rid: int, value: str) -> None:
        self.touch(rid)
        self._drop_wd(rid)
        self.rows[rid]["write_date"] = value
        bisect.insort(self.wd, (value, rid))

    def _drop_wd(self, rid: int) -> None:
        old = self.rows[rid].get("write_date")
        if old:
            pos = bisect.bisect_left(self.wd, (old, rid))
            if pos < len(self.wd) and self.wd[pos] == (old, rid):
                del self.wd[pos]

    def materialize(self, rid: int) -> dict[str, Any]:
        """The overlay row of `rid`, copying a generated row into the overlay first."""
        row = self.rows.get(rid)
        if row is None:
            assert self.lazy is not None
            row = self.lazy.row(rid)
            self.add_row(rid, row)
            self.hide(rid)
        else:
            self.touch(rid)
        return row

    def _lazy_ids(self, start: int | None, reverse: bool) -> Iterator[int]:
        if self.lazy is None:
            return iter(())
        lo = self.lazy.lo if start is None else max(self.lazy.lo, start)
        ids: Iterable[int] = range(self.lazy.hi - 1, lo - 1, -1) if reverse else range(lo, self.lazy.hi)
        hidden = self.hidden
        return (i for i in ids if i not in hidden) if hidden else iter(ids)

    def iter_by_id(self, reverse: bool = False, start: int | None = None) -> Iterator[int]:
        """Every id in id order (from `start` when ascending)."""
        if reverse:
            return heapq.merge(reversed(list(self.ids)), self._lazy_ids(None, True), reverse=True)
        first = 0 if start is None else bisect.bisect_left(self.ids, start)
        return heapq.merge(self.ids[first:], self._lazy_ids(start, False))

    def iter_by_write_date(self, reverse: bool = False, start: str | None = None) -> Iterator[int]:
        """Every id in (write_date, id) order; ascending scans start at `start` by bisection."""
        lazy = self.lazy
        if reverse:
            over: Iterable[tuple[str, int]] = reversed(list(self.wd))
            gen = ((lazy.write_date(i), i) for i in self._lazy_ids(None, True)) if lazy else iter(())
            return (rid for _, rid in heapq.merge(over, gen, reverse=True))
        first = 0 if start is None else bisect.bisect_left(self.wd, (start, -1))
        gen_start = None
        if lazy is not None and start is not None:
            span = range(lazy.lo, lazy.hi)
            gen_start = span[0] + bisect.bisect_left(span, start, key=lazy.write_date) if len(span) else None
        gen = ((lazy.write_date(i), i) for i in self._lazy_ids(gen_start, False)) if lazy else iter(())
        return (rid for _, rid in heapq.merge(self.wd[first:], gen))


class Store:
    """All models of the sandbox database."""

    def __init__(self, db: str = "demo17", major: int = 17) -> None:
        self.db = db
        self.major = major  # 19+: the Odoo 19 recordings (fields, records); else Odoo 17's
        self.lock = threading.RLock()
        self.tables: dict[str, Table] = {}
        self.names: dict[tuple[str, int], str] = {}  # recorded display names of many2one targets
        self.index: dict[tuple[str, str], dict[int, set[int]]] = {key: {} for key in INDEXED}
        self.links: dict[
            str, list[tuple[str, str, str]]
        ] = {}  # child -> (m2o field, parent model, o2m field)
        self.users: dict[int, dict[str, Any]] = {}
        self._clock_override: str | None = None
        self.uid = 2  # the user and context of the call being served (the store lock serialises calls)
        self.context: dict[str, Any] = {}
        self.sequences: dict[str, int] = {}  # next number per sequence prefix (never rolled back)
        self._stamp: str | None = None  # write_date of the running call (a test's `now` included)
        self.picking_prefixes: dict[int, str] = {}  # stock.picking.type id -> name prefix (WH/OUT/)
        self.move_formats: dict[tuple[Any, Any], tuple[str, int]] = {}  # (journal, move_type) -> format
        self.pending_apply: set[int] = set()  # quants whose inventory_quantity_auto_apply was written
        self._syncing = False  # an invoice's lines are being synchronised
        self.creating: set[tuple[str, int]] = set()  # records whose create (children included) is running
        self.xmlids: dict[tuple[Any, Any], set[int]] = {}  # (module, name) -> ir.model.data ids that had it
        self._tx_depth = 0

    @contextlib.contextmanager
    def transaction(self, uid: int | None = None, context: dict[str, Any] | None = None) -> Iterator[None]:
        """One call, all or nothing, as one Odoo request is one database transaction.

        An exception undoes every row change made inside (new ids are not given back, like a
        PostgreSQL sequence). Nested calls join the outer transaction.
        """
        with self.lock:
            if self._tx_depth:
                self._tx_depth += 1
                try:
                    yield
                finally:
                    self._tx_depth -= 1
                return
            saved = (self.uid, self.context)
            if uid is not None:
                self.uid = uid
            if context is not None:
                self.context = dict(context)
            for table in self.tables.values():
                table.begin()
            self._tx_depth = 1
            self._stamp = None
            try:
                yield
            except BaseException:
                self._rollback()
                self.creating.clear()
                self.pending_apply.clear()
                raise
            finally:
                self._tx_depth = 0
                self._stamp = None
                for table in self.tables.values():
                    table.end()
                self.uid, self.context = saved

    def _rollback(self) -> None:
        for model, table in self.tables.items():
            for rid, now, before in table.rollback():
                if now is not None:
                    self._index_drop(model, rid, now)
                if before is not None:
                    self._index_add(model, rid, before)

    # ------------------------------------------------------------------ loading
    def load_recordings(self) -> None:
        """Create the recorded models with their fields and seed the recorded records."""
        for model in recordings.recorded_models(self.major):
            self.tables[model] = Table(model, recordings.fields_get(model, self.major))
        for model, fields in business.SYNTHESIZED_FIELDS.items():
            self.tables[model] = Table(model, dict(fields))
        for model, table in self.tables.items():
            for name, field in table.fields.items():
                if field["type"] == "one2many" and field.get("relation_field") and field.get("relation"):
                    self.links.setdefault(field["relation"], []).append(
                        (field["relation_field"], model, name)
                    )
        for model, table in self.tables.items():
            if model in business.SYNTHESIZED_FIELDS:
                continue
            for rec in recordings.records(model, self.major)["records"]:
                table.add_row(rec["id"], self._internal(table, rec))
        self._merge_cassette_records()
        models = Table("ir.model", dict(IR_MODEL_FIELDS))
        for rid, model in enumerate(sorted([*self.tables, "ir.model"]), start=1):
            stamp = "2026-11-22 13:40:00"
            row = {
                "model": model,
                "name": self.description(model),
                "state": "base",
                "transient": False,
            }
            models.add_row(rid, {**row, "create_date": stamp, "write_date": stamp})
        self.tables["ir.model"] = models
        for model, table in self.tables.items():
            for rid in table.ids:
                self._index_add(model, rid, table.rows[rid])
        self._continue_ids()
        business.on_load(self)

    def _continue_ids(self) -> None:
        """New ids continue after every id the real database had, as its PostgreSQL sequences would.

        That is past the recorded rows, past the record count the recording noted (`index.json`:
        some models were recorded only in part) and past every id a recorded row points at.
        """
        totals = recordings.load_json("index.json", self.major).get("models", {})
        for model, table in self.tables.items():
            total = totals.get(model, {}).get("total") or 0
            table.next_id = max(table.next_id, total + 1, business.FIRST_IDS.get(model, 1))
        for table in self.tables.values():
            refs = [(n, f["relation"]) for n, f in table.fields.items() if f["type"] in RELATIONAL]
            refs = [(n, rel) for n, rel in refs if rel in self.tables]
            for row in table.rows.values():
                for name, relation in refs:
                    value = row.get(name)
                    ids = value if isinstance(value, list) else [value]
                    top = max((i for i in ids if isinstance(i, int) and not isinstance(i, bool)), default=0)
                    target = self.tables[relation]
                    target.next_id = max(target.next_id, top + 1)

    def _internal(self, table: Table, rec: dict[str, Any]) -> dict[str, Any]:
        """A recorded row with many2one `[id, name]` pairs turned into ids (names kept for display)."""
        row: dict[str, Any] = {}
        for name, value in rec.items():
            field = table.fields.get(name)
            if field is None:
                continue
            if field["type"] == "many2one" and isinstance(value, list):
                self.names[(field["relation"], value[0])] = value[1]
                value = value[0]
            row[name] = value
        return row

    def _merge_cassette_records(self) -> None:
        """Fill in records and values only the cassettes show (e.g. products 56-77 and their templates)."""
        harvested = recordings.cassette_records(self.major)
        for model, order in harvested.pop("_field_order", {}).items():
            names = [order[str(i)]["name"] for i in range(len(order))]
            fields = self.tables[model].fields
            self.tables[model].fields = {n: fields[n] for n in [*names, *sorted(set(fields) - set(names))]}
        for model, recs in harvested.items():
            table = self.tables[model]
            for sid, rec in sorted(recs.items(), key=lambda kv: int(kv[0])):
                rid = int(sid)
                row = table.rows.get(rid)
                if row is None:
                    row = {"id": rid}
                    table.add_row(rid, row)
                values = self._internal(table, rec)
                related = {n: table.fields[n].get("related") or "" for n in values}
                for name, value in values.items():
                    if "." not in related[name] and name not in row:
                        row[name] = value
                for name, value in values.items():
                    if "." in related[name]:
                        self._merge_related(table, row, related[name], value)
                if row.get("write_date"):
                    table.set_write_date(rid, row["write_date"])
        templates = self.tables["product.template"]
        for pid in self.tables["product.product"].ids:
            prow = self.tables["product.product"].rows[pid]
            trow = templates.rows.get(prow.get("product_tmpl_id") or 0)
            if trow is not None and "product_variant_ids" not in trow:
                trow["product_variant_ids"] = []
            if trow is not None and pid not in trow["product_variant_ids"]:
                trow["product_variant_ids"].append(pid)
                for key in ("active", "create_date", "write_date", "default_code"):
                    trow.setdefault(key, prow.get(key, False))
                if trow.get("write_date"):
                    templates.set_write_date(trow["id"], trow["write_date"])

    def _merge_related(self, table: Table, row: dict[str, Any], related: str, value: Any) -> None:
        link, _, target_field = related.partition(".")
        target_id = row.get(link)
        relation = table.fields[link].get("relation")
        if not target_id or relation not in self.tables or "." in target_field:
            return
        target = self.tables[relation]
        trow = target.rows.get(target_id)
        if trow is None:
            trow = {"id": target_id}
            target.add_row(target_id, trow)
        trow.setdefault(target_field, value)

    # ------------------------------------------------------------------ lookups
    def table(self, model: str) -> Table:
        table = self.tables.get(model)
        if table is None:
            raise UserError(f"Object {model} doesn't exist", "execute_cr")
        return table

    def exists(self, model: str, rid: int) -> bool:
        table = self.tables.get(model)
        return table is not None and table.exists(rid)

    def _stored(self, table: Table, rid: int, field: str) -> Any:
        row = table.rows.get(rid)
        if row is not None:
            return row.get(field, MISSING)
        if table.lazy is not None and table.lazy.has(rid) and rid not in table.hidden:
            return table.lazy.value(rid, field)
        return MISSING

    def raw_id(self, model: str, rid: int, field: str) -> Any:
        """The id held by a many2one (or False)."""
        value = self.value(model, rid, field)
        if isinstance(value, list):
            return value[0] if value else False
        return value or False

    def value(self, model: str, rid: int, field: str, depth: int = 0) -> Any:
        """The internal value of a field: stored, related, computed or the empty value of its type."""
        table = self.tables[model]
        got = self._stored(table, rid, field)
        if got is not MISSING:
            return got
        if field == "id":
            return rid
        if field == "display_name":
            return self.display_name(model, rid)
        spec = table.fields.get(field)
        if spec is None:
            return False
        if field in stock.QTY_FIELDS and model in ("product.product", "product.template"):
            return stock.quantities(self, model, [rid], {})[rid][field]
        computed = business.computed(self, model, rid, field)
        if computed is not MISSING:
            return computed
        related = spec.get("related")
        if related and depth < 5:
            return self._related(model, rid, related, spec["type"], depth)
        if model == "product.product" and field == "lst_price":  # Odoo: list_price + price_extra
            extra = self.value(model, rid, "price_extra", depth + 1) if "price_extra" in table.fields else 0
            return float(self.value(model, rid, "list_price", depth + 1) or 0) + float(extra or 0)
        return empty_value(spec["type"])

    def _related(self, model: str, rid: int, related: str, ftype: str, depth: int) -> Any:
        *links, last = related.split(".")
        cur_model, cur_id = model, rid
        for link in links:
            spec = self.tables[cur_model].fields.get(link)
            if spec is None or spec.get("relation") not in self.tables:
                return empty_value(ftype)
            target = self.value(cur_model, cur_id, link, depth + 1)
            if isinstance(target, list):
                target = target[0] if target else False
            if not target or not self.tables[spec["relation"]].exists(target):
                return empty_value(ftype)
            cur_model, cur_id = spec["relation"], target
        return self.value(cur_model, cur_id, last, depth + 1)

    def display_name(self, model: str, rid: int) -> str:
        table = self.tables.get(model)
        if table is None or not table.exists(rid):
            return self.names.get((model, rid), f"{model},{rid}")
        if rid not in table.dirty and (model, rid) in self.names:
            return self.names[(model, rid)]
        special = business.display_name(self, model, rid)
        if special is not None:
            return special
        if model in ("product.product", "product.template"):
            code, name = self.value(model, rid, "default_code"), self.value(model, rid, "name")
            return f"[{code}] {name}" if code else str(name or "")
        for field in ("complete_name", "name"):
            if field in table.fields:
                value = self.value(model, rid, field)
                if value:
                    return str(value)
        return self.names.get((model, rid), f"{model},{rid}")

    def children(self, model: str, field: str, target: int) -> list[int]:
        """Ids of `model` whose many2one `field` is `target` (only for the INDEXED pairs)."""
        table = self.tables[model]
        out = set(self.index[(model, field)].get(target, ()))
        if table.lazy is not None and field in table.lazy.inverse:
            out.update(i for i in table.lazy.inverse[field](target) if i not in table.hidden)
        return sorted(out)

    def _index_add(self, model: str, rid: int, row: dict[str, Any]) -> None:
        for key in INDEXED:
            if key[0] == model and row.get(key[1]):
                self.index[key].setdefault(row[key[1]], set()).add(rid)

    def _index_drop(self, model: str, rid: int, row: dict[str, Any]) -> None:
        for key in INDEXED:
            if key[0] == model and row.get(key[1]):
                self.index[key].get(row[key[1]], set()).discard(rid)

    def all_ids(self, model: str) -> Iterator[int]:
        return self.tables[model].iter_by_id()

    def name_ids(self, model: str, name: str, op: str) -> list[int]:
        """Ids whose display name matches `op name` (how Odoo reads a string on a relational field)."""
        if model not in self.tables:
            return []
        test = dom._compile_test(self, {"type": "char"}, op, name)
        return [rid for rid in self.all_ids(model) if test(self.display_name(model, rid))]

    def resolve_ids(self, model: str, value: Any) -> list[int]:
        if isinstance(value, str):
            return self.name_ids(model, value, "ilike")
        if isinstance(value, int) and not isinstance(value, bool):
            return [value]
        if isinstance(value, list | tuple):
            return [v for v in value if isinstance(v, int)]
        return []

    def _parent_field(self, model: str) -> str | None:
        table = self.tables[model]
        name = PARENT_FIELD.get(model, "parent_id")
        return name if name in table.fields else None

    def descendants(self, model: str, roots: Iterable[int]) -> set[int]:
        parent = self._parent_field(model)
        family = set(roots)
        if parent is None:
            return family
        kids: dict[int, list[int]] = {}
        for rid in self.all_ids(model):
            up = self.raw_id(model, rid, parent)
            if up:
                kids.setdefault(up, []).append(rid)
        todo = list(family)
        while todo:
            for kid in kids.get(todo.pop(), []):
                if kid not in family:
                    family.add(kid)
                    todo.append(kid)
        return family

    def ancestors(self, model: str, roots: Iterable[int]) -> set[int]:
        parent = self._parent_field(model)
        family = set(roots)
        todo = list(family)
        while parent and todo:
            up = self.raw_id(model, todo.pop(), parent)
            if up and up not in family:
                family.add(up)
                todo.append(up)
        return family

    def description(self, model: str) -> str:
        """The model's `_description` (Odoo's name for it in messages)."""
        return DESCRIPTIONS.get(model) or business.SYNTHESIZED_DESCRIPTIONS.get(model, model)

    # ------------------------------------------------------------------ access
    def check_access(self, uid: int, model: str, operation: str) -> None:
        user = self.users.get(uid, {})
        if operation != "read" and not user.get("write", True):
            raise AccessError(
                access_groups_text(model, self.description(model), operation), "check_access_rights"
            )

    def _company_leaf(self, uid: int, table: Table, context: dict[str, Any]) -> list[Any]:
        allowed = context.get("allowed_company_ids")
        if allowed is None:
            return []
        user_companies = set(self.users.get(uid, {}).get("company_ids", [1]))
        if not isinstance(allowed, list) or not set(allowed) <= user_companies:
            raise AccessError("Access to unauthorized or invalid companies.", "_check_company_ids")
        spec = table.fields.get("company_id")
        if spec is None or spec["type"] != "many2one" or not spec.get("store", True):
            return []
        return [("company_id", "in", [*allowed, False])]

    # ------------------------------------------------------------------ search
    def parse_order(self, model: str, order: str | None) -> list[tuple[str, bool]]:
        table = self.table(model)
        text = order or DEFAULT_ORDER.get(model, "id")
        if not order and self.major >= 19:  # 19's products sort on is_favorite (priority is gone)
            text = text.replace("priority desc", "is_favorite desc")
        keys: list[tuple[str, bool]] = []
        for part in text.split(","):
            words = part.strip().split()
            if not words:
                continue
            if len(words) > 3 or (len(words) > 1 and words[1].lower() not in ("asc", "desc")):
                raise OdooValueError(f"Invalid order {text!r}", "_order_to_sql")
            name = words[0]
            if name not in table.fields:
                raise OdooValueError(f"Invalid field {name!r} on model {model!r}", "_order_field_to_sql")
            keys.append((name, len(words) > 1 and words[1].lower() == "desc"))
        return keys

    def search(
        self,
        model: str,
        domain: Any = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: dict[str, Any] | None = None,
        uid: int = 2,
    ) -> list[int]:
        """Ids matching the domain, ordered, paged; same rules as Odoo's `search`."""
        with self.lock:
            return self._search(model, domain, offset, limit, order, context or {}, uid)

    def _tree(self, model: str, domain: Any, context: dict[str, Any], uid: int) -> dom.Node:
        table = self.table(model)
        tree = dom.parse(domain, self.major)
        extra: list[Any] = []
        if table.has_active and context.get("active_test", True) and not dom.mentions(tree, "active"):
            extra.append(("active", "=", True))
        extra += self._company_leaf(uid, table, context)
        if extra:
            tree = ("&", [tree, *(dom.parse([leaf]) for leaf in extra)])
        return tree

    def _search(
        self,
        model: str,
        domain: Any,
        offset: int,
        limit: int | None,
        order: str | None,
        context: dict[str, Any],
        uid: int,
    ) -> list[int]:
        table = self.table(model)
        tree = self._tree(model, domain, context, uid)
        pred = dom.compile_domain(self, model, tree)
        keys = self.parse_order(model, order)
        offset = int(offset or 0)
        limit = int(limit) if limit else None
        candidates = dom.id_candidates(tree)
        stream: Iterator[int] | None = None
        if candidates is None and keys and keys[0][0] == "id":
            low = dom.lower_bound(tree, "id")
            low = low if isinstance(low, int) and not isinstance(low, bool) else None
            stream = table.iter_by_id(reverse=keys[0][1], start=low)
        elif (
            candidates is None
            and keys
            and keys[0][0] == "write_date"
            and (len(keys) == 1 or (keys[1] == ("id", keys[0][1])))
        ):
            low = dom._normalize_datetime(dom.lower_bound(tree, "write_date"), "datetime")
            low = low if isinstance(low, str) else None
            stream = table.iter_by_write_date(reverse=keys[0][1], start=low)
        if stream is not None:
            matches = (rid for rid in stream if pred(rid))
            stop = None if limit is None else offset + limit
            return list(itertools.islice(matches, offset, stop))
        pool = (
            sorted(c for c in candidates if table.exists(c)) if candidates is not None else table.iter_by_id()
        )
        found = (rid for rid in pool if pred(rid))
        key = self._sort_key(model, keys)
        if limit is not None:
            return heapq.nsmallest(offset + limit, found, key=key)[offset:]
        return sorted(found, key=key)[offset:]

    def _sort_key(self, model: str, keys: list[tuple[str, bool]]) -> Callable[[int], tuple[Any, ...]]:
        """One key for several fields and directions: empty values last ascending, first descending."""
        table = self.tables[model]
        parts = [(name, desc, table.fields[name]) for name, desc in keys]

        def key(rid: int) -> tuple[Any, ...]:
            out: list[Any] = []
            for name, desc, spec in parts:
                ftype = spec["type"]
                value = self.value(model, rid, name)
                if ftype == "many2one":
                    value = self.display_name(spec["relation"], value) if value else None
                elif ftype in ("one2many", "many2many"):
                    value = None
                if ftype != "boolean" and (value is False or value is None):
                    part: tuple[int, Any] = (1, 0)
                else:
                    part = (0, value.lower() if isinstance(value, str) else value)
                out.append(_Reversed(part) if desc else part)
            return tuple(out)

        return key

    def search_count(
        self,
        model: str,
        domain: Any = None,
        context: dict[str, Any] | None = None,
        uid: int = 2,
        limit: Any = None,
    ) -> int:
        with self.lock:
            context = context or {}
            table = self.table(model)
            tree = self._tree(model, domain, context, uid)
            if tree == ("&", []) or tree == ("&", [("&", [])]):
                count = table.count()
            else:
                pred = dom.compile_domain(self, model, tree)
                count = sum(1 for rid in table.iter_by_id() if pred(rid))
            return min(count, int(limit)) if limit else count

    # ------------------------------------------------------------------ read
    def check_fields(self, model: str, fields: Iterable[str]) -> None:
        table = self.table(model)
        for name in fields:
            if name not in table.fields:
                where = f"{model!r}" if self.major >= 19 else f"model {model!r}"  # 19 dropped "model"
                raise OdooValueError(f"Invalid field {name!r} on {where}", "_determine_fields_to_fetch")

    def read(
        self,
        model: str,
        ids: Iterable[int],
        fields: list[str] | None = None,
        context: dict[str, Any] | None = None,
        uid: int = 2,
    ) -> list[dict[str, Any]]:
        """Records as Odoo's `read` answers them; ids that do not exist are left out (as recorded)."""
        with self.lock:
            context = context or {}
            table = self.table(model)
            if not fields:
                fields = [n for n, f in table.fields.items() if f["type"] != "binary"]
            self.check_fields(model, fields)
            names = ["id", *dict.fromkeys(n for n in fields if n != "id")]
            wanted = [rid for rid in dict.fromkeys(ids) if isinstance(rid, int) and table.exists(rid)]
            qty: dict[int, dict[str, float]] = {}
            if model in ("product.product", "product.template") and stock.QTY_FIELDS & set(names):
                qty = stock.quantities(self, model, wanted, context)
            out = []
            for rid in wanted:
                rec = {}
                for name in names:
                    if rid in qty and name in stock.QTY_FIELDS:
                        rec[name] = qty[rid][name]
                    else:
                        rec[name] = self.present(table, rid, name)
                out.append(rec)
            return out

    def present(self, table: Table, rid: int, name: str) -> Any:
        """A field's value in Odoo's wire form."""
        spec = table.fields[name]
        ftype = spec["type"]
        value = self.value(table.model, rid, name)
        if ftype == "many2one":
            if isinstance(value, list):
                value = value[0] if value else False
            return [value, self.display_name(spec["relation"], value)] if value else False
        if ftype in ("one2many", "many2many"):
            return list(value or [])
        if ftype in ("float", "monetary"):
            return float(value or 0.0)
        if ftype in ("integer", "many2one_reference"):
            return int(value or 0)
        if ftype == "boolean":
            return bool(value)
        if ftype == "binary":
            return False
        if value is None:
            return False
        return value

    def search_read(
        self,
        model: str,
        domain: Any = None,
        fields: list[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        context: dict[str, Any] | None = None,
        uid: int = 2,
    ) -> list[dict[str, Any]]:
        with self.lock:
            if fields:
                self.check_fields(model, fields)
            ids = self._search(model, domain, offset, limit, order, context or {}, uid)
            return self.read(model, ids, fields, context, uid)

    def name_search(
        self,
        model: str,
        name: str = "",
        args: Any = None,
        operator: str = "ilike",
        limit: int | None = 100,
        context: dict[str, Any] | None = None,
        uid: int = 2,
    ) -> list[list[Any]]:
        with self.lock:
            table = self.table(model)
            domain = list(args or [])
            if name:
                if model == "product.product":
                    domain += ["|", ("default_code", operator, name), ("name", operator, name)]
                else:
                    rec_name = "complete_name" if "complete_name" in table.fields else "name"
                    domain.append((rec_name, operator, name))
            ids = self._search(model, domain, 0, limit, None, context or {}, uid)
            return [[rid, self.display_name(model, rid)] for rid in ids]

    def fields_get(
        self, model: str, allfields: list[str] | None = None, attributes: list[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        table = self.table(model)
        out = {}
        for name, spec in table.fields.items():
            if allfields and name not in allfields:
                continue
            out[name] = {k: v for k, v in spec.items() if not attributes or k in attributes}
        return out

    # ------------------------------------------------------------------ write
    def freeze_clock(self, when: str | None) -> None:
        """Make every new timestamp `when` ("YYYY-MM-DD HH:MM:SS", UTC); None lets the real clock run."""
        self._clock_override = when

    def _clock(self, now: str | None) -> str:
        return now or self._clock_override or now_string()

    def today(self) -> str:
        """Today's date (UTC) on the sandbox clock."""
        return self._clock(None)[:10]

    def _convert(
        self, table: Table, name: str, value: Any, old: Any = None, parent: int | None = None
    ) -> Any:
        spec = table.fields[name]
        ftype = spec["type"]
        if value is None:  # JSON null; Odoo treats it as False
            value = False
        if ftype == "many2one":
            if isinstance(value, list | tuple):
                value = value[0] if value else False
            if value and not isinstance(value, int):
                raise OdooValueError(
                    f"Wrong value for {table.model}.{name}: {value!r} (expected a record id)",
                    "convert_to_cache",
                )
            return value or False
        if ftype in ("one2many", "many2many"):
            return self._commands(table, name, value, list(old or []), parent)
        if ftype in ("float", "monetary") and value is not False:
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise OdooValueError(
                    f"Wrong value for {table.model}.{name}: {value!r} (expected a number)", "write"
                )
            return float(value)
        if (
            ftype in ("integer", "many2one_reference")
            and value is not False
            and (not isinstance(value, int) or isinstance(value, bool))
        ):
            raise OdooValueError(
                f"Wrong value for {table.model}.{name}: {value!r} (expected an integer)", "write"
            )
        if ftype in ("date", "datetime") and value is not False:
            return self._date_value(table, name, ftype, value)
        if ftype == "selection" and value and spec.get("selection"):
            allowed = [key for key, _ in spec["selection"]]
            if value not in allowed:  # Odoo 17's fields.Selection.convert_to_cache, as recorded
                raise OdooValueError(f"Wrong value for {table.model}.{name}: {value!r}", "convert_to_cache")
        return value

    def _date_value(self, table: Table, name: str, ftype: str, value: Any) -> str:
        """Odoo's date / datetime strings; ISO forms with `T` are accepted, anything else is an error."""
        text = str(value).replace("T", " ").rstrip("Z")[:19]
        try:
            if ftype == "date":
                return datetime.strptime(text[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
            if len(text) == 10:
                text += " 00:00:00"
            return datetime.strptime(text, DATETIME_FORMAT).strftime(DATETIME_FORMAT)
        except ValueError:
            form = "%Y-%m-%d" if ftype == "date" else DATETIME_FORMAT
            raise OdooValueError(
                f"Wrong value for {table.model}.{name}: {value!r} (expected a {ftype} like {form!r})",
                "to_" + ftype,
            ) from None

    def _commands(
        self, table: Table, name: str, value: Any, current: list[int], parent: int | None = None
    ) -> list[int]:
        """x2many commands: (0,0,vals), (1,id,vals), (2,id), (3,id), (4,id), (5,), (6,0,ids), plain ids.

        On a one2many, (2, id) deletes the record; (3, id) and (5,) delete it too when its inverse
        many2one is required (Odoo's ondelete='cascade' lines), else they only clear the inverse.
        """
        if value is False or value is None:
            return []
        if not isinstance(value, list | tuple):
            raise OdooValueError(f"Wrong value for {table.model}.{name}: {value!r}", "write")
        spec = table.fields[name]
        relation = spec["relation"]
        inverse = spec.get("relation_field") if spec["type"] == "one2many" else None
        result = list(current)

        def drop(rid: int, delete: bool) -> None:
            if rid in result:
                result.remove(rid)
            if not self.exists(relation, rid):
                return
            if delete or (inverse and self.tables[relation].fields[inverse].get("required")):
                self._unlink_one(relation, rid)
            elif inverse:
                self._write_one(relation, rid, {inverse: False}, self.uid, self._clock(self._stamp))

        for cmd in value:
            if isinstance(cmd, int):
                result.append(cmd) if cmd not in result else None
                continue
            if not isinstance(cmd, list | tuple) or not cmd:
                raise OdooValueError(f"Wrong value for {table.model}.{name}: {value!r}", "write")
            code = cmd[0]
            if code == 6:
                new = list(cmd[2] or [])
                for rid in [r for r in result if r not in new]:
                    drop(rid, False) if inverse else result.remove(rid)
                result += [r for r in new if r not in result]
            elif code == 4 and cmd[1] not in result:
                result.append(cmd[1])
            elif code == 1:
                if not self.exists(relation, cmd[1]):
                    raise business.missing(relation, [cmd[1]], self.uid)
                self._write_one(relation, cmd[1], dict(cmd[2] or {}), self.uid, self._clock(self._stamp))
            elif code == 2:
                drop(cmd[1], True)
            elif code == 3:
                drop(cmd[1], False) if inverse else (result.remove(cmd[1]) if cmd[1] in result else None)
            elif code == 5:
                for rid in list(result):
                    drop(rid, False) if inverse else result.remove(rid)
            elif code == 0:
                vals = dict(cmd[2] or {})
                if inverse:
                    if parent is None:
                        continue  # a new parent: created right after it, with the inverse field set
                    vals[inverse] = parent
                result.append(self._create_one(relation, vals, self.uid, None))
        return result

    def create(
        self,
        model: str,
        vals_list: Any,
        uid: int = 2,
        context: dict[str, Any] | None = None,
        now: str | None = None,
    ) -> Any:
        """Create one record (dict -> id) or several (list -> ids); `now` overrides the write_date clock."""
        with self.transaction(uid, context):
            self.table(model)
            self.check_access(uid, model, "create")
            if isinstance(vals_list, dict):
                self.check_fields(model, vals_list)
                return self._create_one(model, vals_list, uid, now)
            if not isinstance(vals_list, list) or not all(isinstance(v, dict) for v in vals_list):
                raise OdooTypeErrorLike(model)
            for vals in vals_list:
                self.check_fields(model, vals)
            return [self._create_one(model, vals, uid, now) for vals in vals_list]

    def _create_one(
        self, model: str, vals: dict[str, Any], uid: int, now: str | None, variant: bool = True
    ) -> int:
        table = self.table(model)
        stamp = self._clock(now or self._stamp)
        self._stamp = stamp
        if self.major >= 19:  # the rules are 17's: drop what they set of fields 19 removed (stock.move name)
            vals = {k: v for k, v in vals.items() if k in table.fields}
        self.check_fields(model, vals)
        vals = {k: v for k, v in vals.items() if k not in MAGIC_FIELDS}
        instead = business.create_instead(self, model, vals, uid)
        if instead is not None:
            return instead
        given = dict(vals)
        if model == "product.product" and not vals.get("product_tmpl_id"):
            tmpl_vals = {}
            for name in list(vals):
                related = table.fields[name].get("related") or ""
                if related.startswith("product_tmpl_id.") and related.count(".") == 1:
                    tmpl_vals[related.split(".")[1]] = vals.pop(name)
            vals["product_tmpl_id"] = self._create_one("product.template", tmpl_vals, uid, now, variant=False)
        vals = business.before_create(self, model, vals, uid)
        if self.major >= 19:  # likewise their 17 defaults (stock.picking date, ...)
            vals = {k: v for k, v in vals.items() if k in table.fields}
        rid = table.next_id
        row: dict[str, Any] = {"id": rid, "create_date": stamp, "write_date": stamp}
        if "create_uid" in table.fields:
            row["create_uid"] = uid
            row["write_uid"] = uid
        if table.has_active:
            row["active"] = True
        if model == "product.template":  # product.product reads them through its template
            row.setdefault("type", "consu")
            if "detailed_type" in table.fields:
                row.setdefault("detailed_type", "consu")
        for name, spec in table.fields.items():
            if spec["type"] in ("one2many", "many2many") and spec.get("store"):
                row[name] = []
        children: list[tuple[str, list[Any]]] = []
        related_vals: dict[str, Any] = {}
        for name, value in vals.items():
            spec = table.fields[name]
            if spec.get("related") and not spec.get("store"):
                related_vals[name] = value
                continue
            if spec["type"] == "one2many" and isinstance(value, list | tuple) and spec.get("relation_field"):
                children.append((name, list(value)))
                continue
            row[name] = self._convert(table, name, value, row.get(name))
        if "type" in row and "detailed_type" in table.fields and "detailed_type" not in vals:
            row["detailed_type"] = row["type"]
        table.add_row(rid, row)
        table.mark_dirty(rid)
        self.creating.add((model, rid))
        self._computed_names(model, rid)
        self._index_add(model, rid, row)
        self._link_parents(model, rid, {}, row, stamp)
        if related_vals:
            self._write_related(model, rid, related_vals, uid, stamp)
        for name, commands in children:  # after the parent exists, in the given order
            current = self.value(model, rid, name)
            value = self._commands(table, name, commands, list(current or []), rid)
            self.tables[model].materialize(rid)[name] = value
        if model == "product.template" and variant:
            self._create_one("product.product", {"product_tmpl_id": rid}, uid, now)
        if model == "product.product" and row.get("default_code"):
            self._sync_template_code(rid, row["default_code"])
        self.creating.discard((model, rid))
        business.after_create(self, model, rid, given, uid)
        return rid

    def _set(self, model: str, rid: int, vals: dict[str, Any]) -> None:
        """Store computed values (no hooks, no conversion); a change moves write_date as Odoo's recompute."""
        table = self.tables[model]
        row = table.materialize(rid)
        changed = {k: v for k, v in vals.items() if row.get(k, MISSING) != v}
        if not changed:
            return
        self._index_drop(model, rid, row)
        old = dict(row)
        row.update(changed)
        self._index_add(model, rid, row)
        self._link_parents(model, rid, old, row, "")
        table.mark_dirty(rid)
        if "write_date" in table.fields:
            table.set_write_date(rid, self._clock(self._stamp))

    def _sync_template_code(self, pid: int, code: Any) -> None:
        """A template with a single variant shows that variant's default_code (Odoo 17 computes it)."""
        tmpl = self.raw_id("product.product", pid, "product_tmpl_id")
        templates = self.tables["product.template"]
        if (
            tmpl
            and templates.exists(tmpl)
            and len(self.value("product.template", tmpl, "product_variant_ids")) == 1
        ):
            templates.materialize(tmpl)["default_code"] = code
            templates.mark_dirty(tmpl)

    def _computed_names(self, model: str, rid: int) -> None:
        """Stored computed names Odoo keeps up to date: complete_name and parent_path of hierarchies."""
        table = self.tables[model]
        row = table.rows[rid]
        parent = self._parent_field(model)
        if "complete_name" in table.fields and "name" in row and table.fields["complete_name"].get("store"):
            up = row.get(parent) if parent else False
            if model == "stock.location" and row.get("usage") == "view":
                row["complete_name"] = row["name"]  # Odoo shows view locations (a warehouse's root) by name
            elif up and model in ("product.category", "stock.location"):
                sep = " / " if model == "product.category" else "/"
                row["complete_name"] = f"{self.value(model, up, 'complete_name')}{sep}{row['name']}"
            elif up and model == "res.partner":
                row["complete_name"] = f"{self.value(model, up, 'name')}, {row['name']}"
            else:
                row["complete_name"] = row["name"]
        if "parent_path" in table.fields and parent:
            up = row.get(parent)
            prefix = self.value(model, up, "parent_path") if up else ""
            row["parent_path"] = f"{prefix}{rid}/"

    def _link_parents(
        self, model: str, rid: int, old: dict[str, Any], new: dict[str, Any], stamp: str
    ) -> None:
        """Keep the parents' one2many lists right when a child's many2one changes."""
        for field, parent_model, o2m in self.links.get(model, []):
            before, after = old.get(field) or False, new.get(field) or False
            if before == after or parent_model not in self.tables:
                continue
            parents = self.tables[parent_model]
            if before and parents.exists(before):
                prow = parents.materialize(before)
                if rid in prow.get(o2m, []):
                    prow[o2m] = [i for i in prow[o2m] if i != rid]
            if after and parents.exists(after):
                prow = parents.materialize(after)
                current = list(prow.get(o2m) or [])
                if rid not in current:
                    prow[o2m] = [*current, rid]

    def write(
        self,
        model: str,
        ids: Any,
        vals: dict[str, Any],
        uid: int = 2,
        context: dict[str, Any] | None = None,
        now: str | None = None,
    ) -> bool:
        """Write `vals` on records; stamps write_date (`now` overrides the clock for tests)."""
        with self.transaction(uid, context):
            table = self.table(model)
            self.check_access(uid, model, "write")
            ids = [ids] if isinstance(ids, int) else list(ids)
            if not isinstance(vals, dict):
                raise OdooValueError(f"write() of {model} expects a dict of values, got {vals!r}", "write")
            self.check_fields(model, vals)
            missing = [rid for rid in ids if not table.exists(rid)]
            if missing:
                raise business.missing(model, missing, uid)
            stamp = self._clock(now)
            for rid in ids:
                self._write_one(model, rid, vals, uid, stamp)
            return True

    def _write_one(self, model: str, rid: int, vals: dict[str, Any], uid: int, stamp: str) -> None:
        table = self.tables[model]
        self._stamp = stamp
        vals = business.before_write(self, model, rid, dict(vals), uid)
        row = table.materialize(rid)
        old = dict(row)
        related_vals = {}
        converted = {}
        for name, value in vals.items():  # every value converted first: a bad one changes nothing
            if name in MAGIC_FIELDS:
                continue
            spec = table.fields[name]
            if spec.get("related") and not spec.get("store"):
                related_vals[name] = value
            elif spec["type"] not in ("one2many", "many2many"):
                converted[name] = self._convert(table, name, value, self.value(model, rid, name), rid)
        for name, value in vals.items():  # then x2many commands (they create / write / delete records)
            x2m = table.fields.get(name) or {}
            related = x2m.get("related") and not x2m.get("store")
            if name not in MAGIC_FIELDS and x2m.get("type") in ("one2many", "many2many") and not related:
                converted[name] = self._convert(table, name, value, self.value(model, rid, name), rid)
        row = table.materialize(rid)
        row.update(converted)
        if "write_uid" in table.fields:
            row["write_uid"] = uid
        table.set_write_date(rid, stamp)
        table.mark_dirty(rid)
        self._computed_names(model, rid)
        self._index_drop(model, rid, old)
        self._index_add(model, rid, row)
        self._link_parents(model, rid, old, row, stamp)
        if related_vals:
            self._write_related(model, rid, related_vals, uid, stamp)
        if model == "product.product" and "default_code" in vals:
            self._sync_template_code(rid, row.get("default_code"))
        if model == "product.template":
            variants = self.tables["product.product"]
            for pid in row.get("product_variant_ids") or []:
                if variants.exists(pid):
                    variants.materialize(pid)
                    variants.set_write_date(pid, stamp)
                    variants.mark_dirty(pid)
        business.after_write(self, model, rid, vals, old, uid)

    def _write_related(self, model: str, rid: int, vals: dict[str, Any], uid: int, stamp: str) -> None:
        """Write related fields through to their record (product name -> template name)."""
        table = self.tables[model]
        by_target: dict[tuple[str, int], dict[str, Any]] = {}
        for name, value in vals.items():
            link, _, target_field = table.fields[name]["related"].partition(".")
            target = self.raw_id(model, rid, link)
            relation = table.fields[link].get("relation")
            if not target or relation not in self.tables or "." in target_field:
                continue
            by_target.setdefault((relation, target), {})[target_field] = value
        for (relation, target), target_vals in by_target.items():
            self._write_one(relation, target, target_vals, uid, stamp)

    def unlink(self, model: str, ids: Any, uid: int = 2, context: dict[str, Any] | None = None) -> bool:
        with self.transaction(uid, context):
            table = self.table(model)
            self.check_access(uid, model, "unlink")
            ids = [ids] if isinstance(ids, int) else list(ids)
            for rid in ids:
                if table.exists(rid):
                    self._unlink_one(model, rid)
            return True

    def _unlink_one(self, model: str, rid: int) -> None:
        table = self.tables[model]
        if not table.exists(rid):
            return
        business.before_unlink(self, model, rid)
        if not table.exists(rid):  # the hook removed it already (cascades)
            return
        row = table.materialize(rid)
        self._index_drop(model, rid, row)
        self._link_parents(model, rid, row, {}, "")
        table.remove_row(rid)
        if model == "product.template":
            for pid in list(row.get("product_variant_ids") or []):
                if self.tables["product.product"].exists(pid):
                    self._unlink_one("product.product", pid)
        elif model == "product.product":
            tmpl = row.get("product_tmpl_id")
            templates = self.tables["product.template"]
            if (
                tmpl
                and templates.exists(tmpl)
                and not self.value("product.template", tmpl, "product_variant_ids")
            ):
                self._unlink_one("product.template", tmpl)
        business.after_unlink(self, model, rid, row)


class _Reversed:
    """Wraps a sort key so that it orders descending inside an ascending composite key."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.value < self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.value == other.value)

    def __hash__(self) -> int:
        return hash(self.value)


class OdooTypeErrorLike(OdooValueError):
    """create() called with something that is not a dict or a list of dicts."""

    def __init__(self, model: str) -> None:
        super().__init__(f"create() of {model} expects a dict or a list of dicts", "create")
