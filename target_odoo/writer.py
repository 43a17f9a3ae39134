"""Upserts a batch of payloads into one Odoo model: etl's Adapter for target-odoo.

For a batch: one external-id lookup, one search per `find` field (a record created before a crash is found
by its reference, e.g. `client_order_ref`, and gets its external id then), the references resolved in one
search per model and field, the guardrails (unknown or archived SKU, foreign currency, a total that differs
from its lines), one `create` of a list for the new records and one `ir.model.data` create for their keys,
one confirm for those to confirm; a cancelled source record cancels its Odoo record, never makes a second.
Each item gets its own answer: accepted with the Odoo id, or refused with a reason a shop owner reads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from etl.errors import StopRun
from etl.sink import OutboundItem, SendResult
from target_odoo.adapter import AnswerLost, OdooApi, OdooFault, first_line
from target_odoo.binder import Binder
from target_odoo.changes import Changes
from target_odoo.inventory import InventoryWriter
from target_odoo.links import Links
from target_odoo.refs import Resolver

LOG = logging.getLogger("target_odoo.writer")

ROUNDS = 8  # tries of one batch whose answers Odoo keeps dropping, each after reading again what Odoo has
# the button methods of each state a payload may ask for (Odoo 15-19)
STATE_METHODS: dict[str, dict[str, str]] = {
    "sale.order": {"confirm": "action_confirm", "cancel": "action_cancel"},
    "purchase.order": {"confirm": "button_confirm", "cancel": "button_cancel"},
    "account.move": {"post": "action_post", "cancel": "button_cancel"},
}
DONE_STATES = {"confirm": ("sale", "purchase", "done"), "post": ("posted",), "cancel": ("cancel",)}
# what cancelling a confirmed sale order needs over RPC (Odoo 17 answers the cancel wizard otherwise)
CANCEL_CONTEXT = {"disable_cancel_warning": True}


@dataclass
class Plan:
    item: OutboundItem
    label: str
    vals: dict[str, Any]
    lines: dict[str, list[dict[str, Any]]]
    state: str | None
    odoo_id: int | None = None
    found_by: str | None = None  # xid, or the field a `find` matched on
    created: bool = False
    notes: list[str] = field(default_factory=list)
    link: dict[str, Any] | None = None  # a record of another model that points at this one (links.py)


class OdooWriter:
    """Writes payloads (see target_odoo.mapper) into Odoo; ``send`` is etl's Adapter."""

    def __init__(self, api: OdooApi, models: Mapping[str, str], config: Mapping[str, Any]) -> None:
        self.api = api
        self.binder = Binder(api)
        self.models = dict(models)  # entity -> Odoo model
        self.config = dict(config)
        self.tolerance = float(config.get("order_total_tolerance", 0.01))
        self.policy = str(config.get("total_policy") or "block")
        self.pricelists = {str(k).upper(): v for k, v in (config.get("currency_pricelists") or {}).items()}
        self._company_currency: str | None = None
        self._checked: set[str] = set()
        self.inventory = InventoryWriter(api, self.binder)
        self.changes = Changes(api)
        self.links = Links(api)

    # ---------------------------------------------------------------- etl Adapter
    def send(self, entity: str, items: list[OutboundItem]) -> list[SendResult]:
        """Write one batch; a fault outside any one record's own write (a lookup the whole batch needs)
        says this database cannot take the batch: the run stops, naming it."""
        for attempt in range(1, ROUNDS + 1):
            try:
                return self._send(entity, items)
            except AnswerLost as lost:  # Odoo may have applied it: look again at what Odoo has, go on
                LOG.warning(
                    "answer lost (%s); reading again what Odoo has for the batch (%d/%d)",
                    lost,
                    attempt,
                    ROUNDS,
                )
                time.sleep(min(5.0, 0.1 * 2**attempt))
            except OdooFault as fault:
                raise StopRun(
                    f"Odoo refused a call the whole batch needs ({fault.model}.{fault.method}): "
                    f"{first_line(fault)}; nothing more is written. Check the integration user's rights "
                    "and the installed apps."
                ) from None
        raise StopRun(
            f"Odoo dropped an answer in each of {ROUNDS} tries of one batch: stopping; run again later"
        )

    def _send(self, entity: str, items: list[OutboundItem]) -> list[SendResult]:
        model = self.models[entity]
        if model == "stock.quant":  # counts are adjustments, not records kept under an external id
            return self.inventory.send(items)
        failed: dict[str, str] = {}
        plans = [self._plan(item) for item in items]
        self._check_fields(model, plans)
        self._find_existing(model, plans)
        resolver = Resolver(self.api, self.binder)
        self._add_delivery_lines(plans)
        resolver.load([[p.vals, p.lines, p.item.payload.get("link")] for p in plans])
        ready: list[Plan] = []
        for plan in plans:
            vals, problems = resolver.resolve(plan.vals)
            lines, line_problems = resolver.resolve(plan.lines)
            plan.link, link_problems = resolver.resolve(plan.item.payload.get("link"))
            problems += line_problems + link_problems + self._guardrails(plan)
            if problems:
                failed[plan.item.key] = f"{plan.label}: " + "; ".join(dict.fromkeys(problems))
                continue
            plan.vals = self._x2many(model, vals)
            plan.lines = {
                name: [self._x2many(self._comodel(model, name), row) for row in rows]
                for name, rows in lines.items()
            }
            if plan.item.payload.get("pricelist_id") is not None:
                plan.vals["pricelist_id"] = plan.item.payload["pricelist_id"]
            ready.append(plan)
        self.links.adopt(model, ready)
        existing = [p for p in ready if p.odoo_id is not None]
        for plan in ready:  # ended at the source before it ever reached Odoo: nothing to make or archive
            if plan.odoo_id is None and plan.item.payload.get("only_existing"):
                plan.notes.append("deleted at the source and never in Odoo: nothing to archive")
        new = [p for p in ready if p.odoo_id is None and not p.item.payload.get("only_existing")]
        self._create(model, new, failed)
        self._update(model, existing, failed)
        self._bind(model, [p for p in existing if p.found_by != "xid"])
        self.links.write(model, [p for p in ready if p.odoo_id is not None], failed)
        self._states(model, [p for p in ready if p.odoo_id is not None and p.item.key not in failed], failed)
        names = self._names(model, [p.odoo_id for p in ready if p.odoo_id is not None])
        self._compare_totals(model, [p for p in ready if p.odoo_id and p.item.key not in failed])
        return [self._result(p, failed, names) for p in plans]

    # ---------------------------------------------------------------- steps
    def _comodel(self, model: str, field: str) -> str:
        return str(self.api.fields(model).get(field, {}).get("relation") or "")

    def _x2many(self, model: str, vals: dict[str, Any]) -> dict[str, Any]:
        """A many2many given as a list of ids (references resolved: a line's taxes) becomes Odoo's
        "replace with these" command ``[[6, 0, ids]]``."""
        if not model:
            return vals
        fields = self.api.fields(model)
        out = dict(vals)
        for name, value in vals.items():
            m2m = fields.get(name, {}).get("type") == "many2many"
            if m2m and isinstance(value, list) and all(isinstance(v, int) for v in value):
                out[name] = [[6, 0, list(value)]]
        return out

    def _plan(self, item: OutboundItem) -> Plan:
        payload = item.payload
        label = str(payload.get("label") or f"{item.entity} {item.key}")
        vals = dict(payload.get("vals") or {})
        if payload.get("archive"):  # the source ended it: made archived, or archived (changes.py)
            vals["active"] = False
        return Plan(item, label, vals, dict(payload.get("lines") or {}), payload.get("state"))

    def _check_fields(self, model: str, plans: list[Plan]) -> None:
        """Optional fields the database lacks are dropped (said once); any other unknown field means the
        mapping does not fit this database: the run stops naming it."""
        fields = self.api.fields(model)
        for plan in plans:
            optional = set(plan.item.payload.get("optional") or [])
            for name in list(plan.vals):
                if name in fields:
                    continue
                if name in optional:
                    plan.vals.pop(name)
                    if f"{model}.{name}" not in self._checked:
                        self._checked.add(f"{model}.{name}")
                        LOG.info("%s has no field %s here (optional: a custom field); not set", model, name)
                    continue
                raise StopRun(
                    f"the mapping sets {model}.{name}, which this Odoo database does not have; add the "
                    "field in Odoo or remove it from the mapping file (mapping_file setting)"
                )

    def _find_existing(self, model: str, plans: list[Plan]) -> None:
        """By external id first, then by each `find` of the payload (a record created before a crash)."""
        bound = self.binder.lookup(str(p.item.payload["xid"]) for p in plans)
        for plan in plans:
            hit = bound.get(str(plan.item.payload["xid"]))
            if hit:
                plan.odoo_id, plan.found_by = hit[1], "xid"
        groups: dict[tuple[str, str], list[tuple[Plan, Any]]] = {}
        rank: dict[tuple[str, str], int] = {}  # a payload's first way to find it is tried first
        for plan in plans:
            if plan.odoo_id is None:
                for n, find in enumerate(plan.item.payload.get("find") or []):
                    group = (find["field"], find.get("op") or "=")
                    groups.setdefault(group, []).append((plan, find["value"]))
                    rank[group] = min(rank.get(group, n), n)
        for (name, op), wanted in sorted(groups.items(), key=lambda g: rank[g[0]]):
            rows = self.api.find_in(model, name, [v for _, v in wanted], [], op=op)
            index: dict[str, int] = {}
            for row in sorted(rows, key=lambda r: r["id"]):
                index.setdefault(str(row[name]).lower() if op == "=ilike" else str(row[name]), int(row["id"]))
            for plan, value in wanted:
                found = index.get(str(value).lower() if op == "=ilike" else str(value))
                if plan.odoo_id is None and found is not None:
                    plan.odoo_id, plan.found_by = found, name

    def _add_delivery_lines(self, plans: list[Plan]) -> None:
        """Shipping as a line on the configured delivery product (seed 002's shipping_total)."""
        product = self.config.get("delivery_product")
        for plan in plans:
            shipping = plan.item.payload.get("shipping")
            if not shipping or "order_line" not in plan.lines:
                continue
            if not product:
                continue  # a guardrail words it
            plan.lines["order_line"] = [
                *plan.lines["order_line"],
                {
                    "product_id": {
                        "$ref": {
                            "model": "product.product",
                            "field": "default_code",
                            "value": product,
                            "what": "delivery product",
                        }
                    },
                    "product_uom_qty": 1,
                    "price_unit": float(shipping),
                    "name": "Shipping",
                },
            ]

    def _guardrails(self, plan: Plan) -> list[str]:
        """Seed 003's order-import rules, for every source: currency, shipping, total."""
        checks = plan.item.payload.get("checks") or {}
        problems: list[str] = []
        currency = str(checks.get("currency") or "").upper()
        if currency and currency != self.company_currency():
            if currency in self.pricelists:
                plan.item.payload["pricelist_id"] = self.pricelists[currency]
            else:
                problems.append(
                    f"it is in {currency}, the company's currency is {self.company_currency()}: map "
                    f"{currency} to a pricelist id in the setting currency_pricelists, or enter it by hand"
                )
        shipping = float(plan.item.payload.get("shipping") or 0)
        if shipping and not self.config.get("delivery_product"):
            problems.append(
                f"it has shipping {shipping:g} {currency} but no delivery product is set: set "
                "delivery_product to the Internal Reference of the product Odoo invoices shipping with"
            )
        total = checks.get("total")
        if total is not None and "order_line" in plan.lines:
            lines = sum(
                float(line.get("product_uom_qty") or 0)
                * float(line.get("price_unit") or 0)
                * (1 - float(line.get("discount") or 0) / 100)
                for line in plan.lines["order_line"]
                if line.get("name") != "Shipping"
            )
            expected = lines + shipping + float(checks.get("tax_total") or 0)
            diff = float(total) - expected
            if abs(diff) > self.tolerance:
                text = (
                    f"its total {float(total):g} {currency} differs from its lines + shipping + tax "
                    f"({expected:g}) by {diff:+g}"
                )
                if self.policy == "block":
                    problems.append(
                        text + ": check the order at the source (discounts?), or set order_total_tolerance "
                        "or total_policy (warn | adjust)"
                    )
                elif self.policy == "warn":
                    LOG.warning("%s: %s; imported as its lines say (total_policy warn)", plan.label, text)
                    plan.notes.append(text)
                else:
                    plan.lines["order_line"].append(self._adjustment(diff))
                    plan.notes.append(text + "; an adjustment line makes up the difference")
        return problems

    def _adjustment(self, diff: float) -> dict[str, Any]:
        ref = {
            "model": "product.product",
            "field": "default_code",
            "value": self.config.get("adjustment_product"),
        }
        return {"product_id": {"$ref": {**ref, "what": "adjustment product"}}, "product_uom_qty": 1,
                "price_unit": diff, "name": "Total adjustment"}  # fmt: skip

    def company_currency(self) -> str:
        if self._company_currency is None:
            company = self.config.get("company_id")
            domain = [["id", "=", int(company)]] if company else []
            rows = self.api.search_read("res.company", domain, ["currency_id"])
            cur = rows[0]["currency_id"] if rows else None
            self._company_currency = str(cur[1] if isinstance(cur, list) else cur or "").upper()
        return self._company_currency

    def _create(self, model: str, plans: list[Plan], failed: dict[str, str]) -> None:
        """One create of the whole list; if Odoo refuses it, one by one to find the record it refuses."""
        if not plans:
            return
        vals = [self._with_lines(p.vals, p.lines) for p in plans]
        try:
            ids = self.api.create(model, vals)
        except OdooFault:
            ids = []
            for plan, v in zip(plans, vals, strict=True):
                try:
                    ids.append(self.api.create(model, [v])[0])
                except OdooFault as fault:
                    failed[plan.item.key] = f"{plan.label}: Odoo refused it: {first_line(fault)}"
                    ids.append(0)
        for plan, rid in zip(plans, ids, strict=True):
            if rid:
                plan.odoo_id, plan.created = int(rid), True
                plan.notes.append("created")
        pairs = [(str(p.item.payload["xid"]), int(p.odoo_id)) for p in plans if p.odoo_id]
        taken = self.binder.bind(model, pairs)
        for plan in plans:  # another run recorded the same key first: undo this copy, keep theirs
            winner = taken.get(str(plan.item.payload["xid"]))
            if winner is not None and plan.odoo_id:
                self.api.call(model, "unlink", [[plan.odoo_id]])
                plan.odoo_id, plan.created = winner, False
                plan.notes.append("another run created it first")

    @staticmethod
    def _with_lines(vals: dict[str, Any], lines: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
        out = dict(vals)
        for name, rows in lines.items():
            out[name] = [[0, 0, row] for row in rows]
        return out

    def _update(self, model: str, plans: list[Plan], failed: dict[str, str]) -> None:
        """A record that exists: header and lines rewritten while it is a draft (old lines removed, never
        doubled); once confirmed only its state follows the source (the change is noted, not applied)."""
        diff = [p for p in plans if p.item.payload.get("diff")]
        if diff:  # only what differs from what Odoo has (changes.py)
            self.changes.update(model, diff, failed)
            plans = [p for p in plans if not p.item.payload.get("diff")]
        if not plans:
            return
        has_state = "state" in self.api.fields(model)
        states = (
            self._read(model, [int(p.odoo_id) for p in plans if p.odoo_id], ["state"]) if has_state else {}
        )
        for plan in plans:
            current = states.get(int(plan.odoo_id or 0), {}).get("state") if has_state else None
            if has_state and current not in (None, "draft"):
                if plan.state != "cancel":
                    plan.notes.append(f"already {current} in Odoo: changes at the source are not applied")
                continue
            vals = dict(plan.vals)
            if plan.lines:
                old = self._read(model, [int(plan.odoo_id or 0)], list(plan.lines))
                for name, rows in plan.lines.items():
                    drop = [[2, lid] for lid in (old.get(int(plan.odoo_id or 0), {}).get(name) or [])]
                    vals[name] = drop + [[0, 0, row] for row in rows]
            try:
                self.api.write(model, [int(plan.odoo_id or 0)], vals)
                plan.notes.append("updated")
            except OdooFault as fault:
                failed[plan.item.key] = f"{plan.label}: Odoo refused the update: {first_line(fault)}"

    def _bind(self, model: str, plans: list[Plan]) -> None:
        """Records found by their reference (created before a crash) get their external id now."""
        self.binder.bind(model, [(str(p.item.payload["xid"]), int(p.odoo_id or 0)) for p in plans])
        for plan in plans:
            plan.notes.append(f"found by {plan.found_by}")

    def _states(self, model: str, plans: list[Plan], failed: dict[str, str]) -> None:
        methods = STATE_METHODS.get(model, {})
        if not methods:
            return
        states = self._read(model, [int(p.odoo_id or 0) for p in plans], ["state"])
        for wanted, method in methods.items():
            todo = [p for p in plans if p.state == wanted and self._needs(wanted, states, p)]
            if not todo:
                continue
            context = CANCEL_CONTEXT if wanted == "cancel" else None
            try:
                self.api.method(model, method, [int(p.odoo_id or 0) for p in todo], context=context)
                ok = todo
            except OdooFault:
                ok = []
                for plan in todo:
                    try:
                        self.api.method(model, method, [int(plan.odoo_id or 0)], context=context)
                        ok.append(plan)
                    except OdooFault as fault:
                        failed[plan.item.key] = (
                            f"{plan.label}: it is in Odoo (id {plan.odoo_id}) but {method} was refused: "
                            f"{first_line(fault)}"
                        )
            for plan in ok:
                plan.notes.append({"confirm": "confirmed", "cancel": "cancelled", "post": "posted"}[wanted])

    @staticmethod
    def _needs(wanted: str, states: dict[int, dict[str, Any]], plan: Plan) -> bool:
        """Whether the record must still be moved to ``wanted`` (only a draft is confirmed)."""
        current = states.get(int(plan.odoo_id or 0), {}).get("state")
        if current in DONE_STATES[wanted]:
            return False
        return wanted != "confirm" or current in ("draft", "sent")

    def _read(self, model: str, ids: list[int], fields: list[str]) -> dict[int, dict[str, Any]]:
        return self.api.read_ids(model, ids, fields)

    def _compare_totals(self, model: str, plans: list[Plan]) -> None:
        """Odoo computes an order's total itself (taxes from each product): where it differs from the
        source's total, the order is imported but the difference is noted and logged, never hidden."""
        plans = [p for p in plans if (p.item.payload.get("checks") or {}).get("total") is not None]
        if not plans or "amount_total" not in self.api.fields(model):
            return
        totals = self._read(model, [int(p.odoo_id or 0) for p in plans], ["amount_total"])
        differ = 0
        for plan in plans:
            odoo_total = totals.get(int(plan.odoo_id or 0), {}).get("amount_total")
            source = float(plan.item.payload["checks"]["total"])
            if odoo_total is not None and abs(float(odoo_total) - source) > self.tolerance:
                differ += 1
                plan.notes.append(
                    f"Odoo's total {float(odoo_total):g} differs from the source's {source:g}: check the "
                    "taxes (lines take each product's customer taxes) or the pricelist"
                )
        if differ:
            LOG.warning(
                "%d of %d %s records have another total in Odoo than at the source (taxes?); see their "
                "ledger events",
                differ,
                len(plans),
                model,
            )

    def _names(self, model: str, ids: list[int | None]) -> dict[int, str]:
        wanted = [int(i) for i in ids if i]
        if not wanted or "name" not in self.api.fields(model):
            return {}
        return {rid: str(r.get("name") or "") for rid, r in self._read(model, wanted, ["name"]).items()}

    @staticmethod
    def _result(plan: Plan, failed: dict[str, str], names: dict[int, str]) -> SendResult:
        key = plan.item.key
        if key in failed:
            return SendResult(key, False, error_code="REFUSED", error_message=failed[key], reason=failed[key])
        name = names.get(int(plan.odoo_id or 0), "")
        note = ", ".join([f"{name} (id {plan.odoo_id})", *plan.notes]) if plan.odoo_id else None
        return SendResult(key, True, remote_id=str(plan.odoo_id), note=note, method="execute_kw", url=None)
