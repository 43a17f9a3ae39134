"""References in payloads (`{"$ref": {...}}`) resolved to Odoo ids, a whole batch at once.

One search per (model, field, op) for every value of the batch, one external-id lookup for every `xid`,
and one create per model for what is still missing and may be created (a guest customer). A reference that
cannot be resolved is reported per payload, in a shop owner's words, never silently dropped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from typing import Any

from target_odoo.adapter import OdooApi, OdooFault
from target_odoo.binder import Binder

Ref = dict[str, Any]
LOG = logging.getLogger("target_odoo.refs")


def walk_refs(value: Any) -> Iterator[Ref]:
    """Every reference in a payload part, innermost (a customer's country) first."""
    if isinstance(value, Mapping):
        ref = value.get("$ref")
        if isinstance(ref, Mapping):
            yield from walk_refs(ref.get("create"))
            yield dict(ref)
            return
        for v in value.values():
            yield from walk_refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from walk_refs(v)


def xid_of(ref: Mapping[str, Any]) -> str:
    """The external id a reference's record is kept under: its own, or for a record it may create (a guest
    customer found by email) one made from what finds it, so two runs creating it meet on one name."""
    if ref.get("xid"):
        return str(ref["xid"])
    op = str(ref.get("op") or "=")
    value = str(ref.get("value"))
    digest = hashlib.sha256(f"{ref['field']}{op}{value.lower() if op == '=ilike' else value}".encode())
    return f"ref_{str(ref['model']).replace('.', '_')}_{digest.hexdigest()[:24]}"


def ref_key(ref: Mapping[str, Any]) -> tuple[str, str, str, str]:
    op = str(ref.get("op") or "=")
    value = str(ref.get("value"))
    return (str(ref["model"]), str(ref["field"]), op, value.lower() if op == "=ilike" else value)


def describe(ref: Mapping[str, Any]) -> str:
    """`SKU CASE-1 is not in Odoo (no product.product with default_code CASE-1)`."""
    what, value = str(ref.get("what") or ref["field"]), ref.get("value")
    return f"{what} {value} is not in Odoo (no {ref['model']} with {ref['field']} {value})"


class Resolver:
    """Ids for the references of a batch; `resolve` answers a copy of a value with ids in place."""

    def __init__(self, api: OdooApi, binder: Binder) -> None:
        self.api = api
        self.binder = binder
        self.found: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self.by_xid: dict[str, int] = {}
        self.created: list[tuple[str, int]] = []  # (model, id) created here, for the run's counts
        self.refused: dict[tuple[str, str, str, str], str] = {}

    def load(self, parts: list[Any]) -> None:
        """Look up every reference of ``parts`` (lists of payload vals), then create what may be created."""
        refs = [r for part in parts for r in walk_refs(part)]
        xids = {xid_of(r) for r in refs if r.get("xid") or r.get("create")}
        self.by_xid.update({name: rid for name, (_m, rid) in self.binder.lookup(xids).items()})
        groups: dict[tuple[str, str, str], set[Any]] = {}
        for r in refs:
            if self._bound(r) or ref_key(r) in self.found or r.get("xid_only"):
                continue
            groups.setdefault((str(r["model"]), str(r["field"]), str(r.get("op") or "=")), set()).add(
                r["value"]
            )
        for (model, field, op), values in groups.items():
            extra = ["active"] if "active" in self.api.fields(model) else []
            for row in sorted(self.api.find_in(model, field, values, extra, op=op), key=lambda r: r["id"]):
                self.found.setdefault(
                    ref_key({"model": model, "field": field, "op": op, "value": row[field]}), row
                )
        self._create_missing(refs)

    def _create_missing(self, refs: list[Ref]) -> None:
        todo: dict[tuple[str, str, str, str], Ref] = {}
        for r in refs:
            if r.get("create") and not self._bound(r) and ref_key(r) not in self.found:
                todo.setdefault(ref_key(r), r)
        by_model: dict[str, list[Ref]] = {}
        for r in todo.values():
            by_model.setdefault(str(r["model"]), []).append(r)
        for model, candidates in by_model.items():
            wanted, vals = [], []
            for r in candidates:
                resolved, problems = self.resolve(r["create"])
                if problems:  # e.g. its country is not in Odoo: not created half-filled
                    what = str(r.get("what") or model)
                    self.refused[ref_key(r)] = (
                        f"the {what} {r.get('value')} cannot be created: {'; '.join(problems)}"
                    )
                    continue
                wanted.append(r)
                vals.append(resolved)
            if not wanted:
                continue
            try:
                ids = self.api.create(model, vals)
            except OdooFault:  # one of them is refused: create them one by one, note the refused ones
                ids = [self._create_one(model, r, v) for r, v in zip(wanted, vals, strict=True)]
            binds = []
            for r, rid in zip(wanted, ids, strict=True):
                if not rid:
                    continue
                self.found[ref_key(r)] = {"id": rid}
                self.created.append((model, rid))
                self.by_xid[xid_of(r)] = rid
                binds.append((xid_of(r), rid))
            # another run may have created the same record meanwhile (two orders of one new customer in
            # two runs): whoever records the external id first wins; the other's fresh copy is undone
            for name, winner in self.binder.bind(model, binds).items():
                mine = self.by_xid[name]
                self.api.call(model, "unlink", [[mine]])
                LOG.info("%s %s: another run created it first; using %s %d", model, name, model, winner)
                self.by_xid[name] = winner
                for key, row in self.found.items():
                    if row.get("id") == mine and key[0] == model:
                        self.found[key] = {"id": winner}

    def _create_one(self, model: str, ref: Ref, vals: dict[str, Any]) -> int:
        try:
            return self.api.create(model, [vals])[0]
        except OdooFault as fault:
            what = str(ref.get("what") or model)
            self.refused[ref_key(ref)] = (
                f"Odoo refused to create the {what} {ref.get('value')}: {fault.message}"
            )
            return 0

    def _bound(self, ref: Mapping[str, Any]) -> bool:
        return bool(ref.get("xid") or ref.get("create")) and xid_of(ref) in self.by_xid

    def ref_id(self, ref: Mapping[str, Any]) -> tuple[int | None, str | None]:
        """(id, None) or (None, why not) for one reference."""
        if self._bound(ref):
            return self.by_xid[xid_of(ref)], None
        if ref.get("xid_only"):
            what = str(ref.get("what") or ref["model"])
            return None, (
                f"{what} {ref.get('value')} is not in Odoo (no external id odoo_hub.{ref['xid']}): send the "
                f"{what} first, then `odoo-hub retry`"
            )
        row = self.found.get(ref_key(ref))
        if row is None:
            return None, self.refused.get(ref_key(ref)) or describe(ref)
        if row.get("active") is False:
            what = str(ref.get("what") or ref["field"])
            return None, f"{what} {ref.get('value')} is archived in Odoo; unarchive it or correct the {what}"
        return int(row["id"]), None

    def resolve(self, value: Any) -> tuple[Any, list[str]]:
        """A copy of ``value`` with every reference replaced by its id, and the problems found."""
        problems: list[str] = []

        def walk(v: Any) -> Any:
            if isinstance(v, Mapping):
                if isinstance(v.get("$ref"), Mapping):
                    rid, why = self.ref_id(v["$ref"])
                    if why:
                        problems.append(why)
                    return rid
                return {k: walk(x) for k, x in v.items()}
            if isinstance(v, list):
                return [walk(x) for x in v]
            return v

        return walk(value), problems
