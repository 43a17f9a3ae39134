"""Checked items → Odoo through target-odoo's writer (`OdooFlow`, source `linkit`), one ledger run a request.

Before anything is written, every item is built with the mapping (`target_odoo/mappings/linkit.json` or the
`mapping_file` setting) and checked against its payload schema, and the Odoo records its payload refers to
(a warehouse by code, a product by internal reference ...) are looked up, one search per model and field.
In `atomic` mode one problem anywhere refuses the whole body (422, nothing applied); in `per_item` mode
the items with a problem become dead letters with the reason and the others are applied.
Each item is answered from the run's ledger events: applied, unchanged, filtered, or failed with the reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from etl.errors import MappingError, StopRun
from etl.ledger import Ledger
from etl.mapping import EntitySpec
from etl.validation import PayloadInvalid
from linkit_inbound.bodies import Issue, Item
from linkit_inbound.settings import Settings
from target_odoo.adapter import OdooApi
from target_odoo.binder import Binder
from target_odoo.flow import PLATFORM, ModelValidator, OdooFlow, source_mapping
from target_odoo.refs import describe, ref_key, xid_of

LOG = logging.getLogger("linkit_inbound.apply")


@dataclass
class Outcome:
    index: int | None
    identity: str
    status: str  # applied | unchanged | filtered | failed | invalid | not_applied
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "item": self.identity, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class Report:
    run_id: int | None
    outcomes: list[Outcome]
    stopped: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def refused(self) -> int:
        return sum(1 for o in self.outcomes if o.status in ("failed", "invalid", "not_applied"))


@dataclass
class Planned:
    """An item with what the mapping makes of it: (entity, key, payload) per entity its stream feeds."""

    item: Item
    parts: list[tuple[EntitySpec, str, dict[str, Any]]] = field(default_factory=list)


def _refs(value: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(payload path, reference) of every `$ref` a payload part holds (what target-odoo resolves)."""
    if isinstance(value, Mapping):
        ref = value.get("$ref")
        if isinstance(ref, Mapping):
            yield path, dict(ref)
            return
        for k, v in value.items():
            yield from _refs(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _refs(v, f"{path}[{i}]")


def _source_of(spec: EntitySpec, target: str) -> str | None:
    """The record field the mapping builds ``target`` (or the part of the payload under it) from."""
    for fs in sorted(spec.fields, key=lambda f: -len(f.target)):
        if target == fs.target or target.startswith((fs.target + ".", fs.target + "[")):
            if isinstance(fs.source, list):
                return fs.source[0] if fs.source else None
            return fs.source
    return None


def _field_of(item: Item, spec: EntitySpec, target: str) -> str:
    return item.body_field(_source_of(spec, target) or target)


class Applier:
    """Loads the mapping and opens the ledger once (a wrong one fails at start); applies bodies."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config = settings.flow_config()
        self.mapping = source_mapping(self.config)
        self.validator = ModelValidator({n: str(s.model) for n, s in self.mapping.entities.items()})
        self.ledger = Ledger(settings.ledger_url or None)
        self._lock = threading.Lock()  # a ledger run at a time: claims already keep records apart

    def mapped(self, stream: str) -> bool:
        return bool(self.mapping.entities_for_stream(stream))

    def close(self) -> None:
        self.ledger.close()

    # ---------------------------------------------------------------- checks before writing
    def plan(self, items: list[Item]) -> tuple[list[Planned], list[Issue]]:
        """Build every item's payloads as the writer will (no Odoo call); a problem names the item's field."""
        planned: list[Planned] = []
        issues: list[Issue] = []
        for item in items:
            plan, before = Planned(item), len(issues)
            for spec in self.mapping.entities_for_stream(item.stream):
                if not self.mapping.accepts(spec.name, item.record):
                    continue
                try:
                    key = self.mapping.key_of(spec.name, item.record)
                    payload = self.mapping.build(spec.name, item.record, self.config, key=key)
                    self.validator.check(spec.name, payload, key=key)
                except MappingError as exc:
                    issues.append(
                        Issue(_field_of(item, spec, exc.field), f"{exc.reason} ({spec.model})", item.index)
                    )
                    continue
                except PayloadInvalid as exc:
                    first = exc.issues[0]
                    target = first.path.removeprefix("$").lstrip(".")
                    issues.append(
                        Issue(_field_of(item, spec, target), f"{first.reason} ({spec.model})", item.index)
                    )
                    continue
                plan.parts.append((spec, key, payload))
            if len(issues) == before:
                planned.append(plan)
        return planned, issues

    def missing_refs(self, api: OdooApi, planned: list[Planned]) -> list[Issue]:
        """The Odoo records the payloads point at and Odoo lacks (or has archived): one search per model and
        field for all items, one external-id lookup. References the writer may create are not checked."""
        found: list[tuple[Planned, EntitySpec, str, dict[str, Any]]] = []
        for plan in planned:
            for spec, _key, payload in plan.parts:
                for path, ref in _refs(payload):
                    if not ref.get("create") and not ref.get("xid_only") and ref.get("value") is not None:
                        found.append((plan, spec, path, ref))
        if not found:
            return []
        bound = Binder(api).lookup(xid_of(r) for *_, r in found if r.get("xid"))
        groups: dict[tuple[str, str, str], set[Any]] = {}
        for *_, r in found:
            groups.setdefault((str(r["model"]), str(r["field"]), str(r.get("op") or "=")), set()).add(
                r["value"]
            )
        rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for (model, fname, op), values in groups.items():
            extra = ["active"] if "active" in api.fields(model) else []
            for row in api.find_in(model, fname, values, extra, op=op):
                rows.setdefault(ref_key({"model": model, "field": fname, "op": op, "value": row[fname]}), row)
        issues: list[Issue] = []
        for plan, spec, path, ref in found:
            if ref.get("xid") and xid_of(ref) in bound:
                continue
            hit = rows.get(ref_key(ref))
            where = _field_of(plan.item, spec, path)
            if hit is None:
                issues.append(Issue(where, describe(ref), plan.item.index))
            elif hit.get("active") is False:
                what = str(ref.get("what") or ref["field"])
                issues.append(
                    Issue(where, f"{what} {ref['value']} is archived in Odoo; unarchive it", plan.item.index)
                )
        return issues

    # ---------------------------------------------------------------- writing
    def open_api(self) -> OdooApi:
        return OdooApi.from_config(self.config)

    def apply(self, api: OdooApi, planned: list[Planned], rejected: list[tuple[Item, str]]) -> Report:
        """Write the planned items (and dead-letter the rejected ones) in one ledger run; close ``api``."""
        with self._lock:
            flow = OdooFlow(self.config, api=api, ledger=self.ledger)
            stopped = None
            try:
                for item, reason in rejected:
                    entity, key = self._letter_key(item)
                    flow.engine.dead_letter(entity, key, item.record, item.stream, reason, "INVALID")
                for plan in planned:
                    flow.add(plan.item.stream, plan.item.record)
                flow.finish()
            except StopRun as exc:
                stopped = str(exc)
                LOG.warning("run %d stopped: %s", flow.run_id, stopped)
                flow.abort(stopped)
            return self._report(flow.run_id, planned, rejected, stopped)

    def _letter_key(self, item: Item) -> tuple[str, str]:
        """Entity and key of a refused item's dead letter: the mapping's key where the item has one (so a
        later `odoo-hub retry` that writes it resolves the letter), else its place in the body."""
        specs = self.mapping.entities_for_stream(item.stream)
        if not specs:
            return item.stream, f"{item.stream} {item.identity}"
        try:
            return specs[0].name, self.mapping.key_of(specs[0].name, item.record)
        except MappingError:
            return specs[0].name, f"{item.stream} {item.identity}"

    def _report(
        self, run_id: int, planned: list[Planned], rejected: list[tuple[Item, str]], stopped: str | None
    ) -> Report:
        sent: set[tuple[str, str]] = set()
        for event in self.ledger.events(run_id=run_id, limit=10 * len(planned) + 100, outcome="sent"):
            sent.add((str(event["entity"]), str(event["key"])))
        letters = {(d.entity, d.key): d.reason for d in self.ledger.dead_letters(PLATFORM, run_id=run_id)}
        outcomes = [Outcome(item.index, item.identity, "invalid", reason) for item, reason in rejected]
        for plan in planned:
            item = plan.item
            reasons = [letters[(s.name, k)] for s, k, _ in plan.parts if (s.name, k) in letters]
            if not plan.parts:
                outcomes.append(
                    Outcome(item.index, item.identity, "filtered", "left out by the mapping's filter")
                )
            elif reasons:
                outcomes.append(Outcome(item.index, item.identity, "failed", "; ".join(reasons)))
            elif any((s.name, k) in sent for s, k, _ in plan.parts):
                outcomes.append(Outcome(item.index, item.identity, "applied"))
            elif stopped:
                outcomes.append(Outcome(item.index, item.identity, "not_applied", stopped))
            else:
                outcomes.append(Outcome(item.index, item.identity, "unchanged"))
        outcomes.sort(key=lambda o: -1 if o.index is None else o.index)
        return Report(run_id, outcomes, stopped)
