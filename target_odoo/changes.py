"""An existing record brought to what its payload says, writing only what differs (payload `"diff": true`).

The record is read first (one read per batch, one per one2many): only the fields whose value differs are
written, and a one2many named in `replace` (a calendar's attendances, a program's rules and rewards) is
replaced — `[5, 0, 0]` then `[0, 0, vals]` per row, as recorded on Odoo 17 — only when its rows differ. The
same record sent again costs reads and no write. Two more payload keys:

* `create_only`: fields set when the record is made and never after (a promotion's `active`: a person
  decides it); `at_least`: numbers only ever raised (a partner's `customer_rank`, which Odoo's sales raise);
* `reviewed` `{"field", "value"}`: a record a person moved there (a promotion they activated) is not
  rewritten; the difference is noted on its ledger event. Only `archive` (the source ended it) still
  reaches it: `active` false.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from target_odoo.adapter import OdooApi, OdooFault, first_line

if TYPE_CHECKING:
    from target_odoo.writer import Plan

LOG = logging.getLogger("target_odoo.changes")


def norm(value: Any) -> Any:
    """A value as written and as read compare equal: empty is False, a many2one read `[id, name]` is its
    id, a many2many `[[6, 0, ids]]` or a read list of ids is the sorted ids, a float is rounded."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return value[0]
        if len(value) == 1 and isinstance(value[0], list) and len(value[0]) == 3 and value[0][0] == 6:
            return tuple(sorted(value[0][2]))
        if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            return tuple(sorted(value))
    return value


def rows_differ(wanted: list[dict[str, Any]], current: Iterable[Mapping[str, Any]]) -> bool:
    """Whether a one2many's rows differ from the wanted ones, in any order (on the wanted fields only)."""
    keys = sorted({k for row in wanted for k in row})

    def canon(row: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(repr(norm(row.get(k))) for k in keys)

    return sorted(map(canon, wanted)) != sorted(map(canon, current))


def _reviewed(plan: Plan) -> Mapping[str, Any]:
    return plan.item.payload.get("reviewed") or {}


class Changes:
    """Writes what differs between the payloads of a batch and the records Odoo has."""

    def __init__(self, api: OdooApi) -> None:
        self.api = api

    def update(self, model: str, plans: list[Plan], failed: dict[str, str]) -> None:
        fields = self.api.fields(model)
        names = {n for p in plans for n in p.vals} | {"active"} & set(fields)
        for plan in plans:
            names |= self._replaced(plan) | {str(_reviewed(plan).get("field") or "")}
        rows = self.api.read_ids(model, [int(p.odoo_id or 0) for p in plans], sorted(n for n in names if n))
        lines = self._lines(model, plans, rows)
        for plan in plans:
            row = rows.get(int(plan.odoo_id or 0))
            if row is None:
                xid = plan.item.payload.get("xid")
                failed[plan.item.key] = (
                    f"{plan.label}: its {model} (id {plan.odoo_id}) is gone from Odoo (deleted by hand?): "
                    f"delete the external id odoo_hub.{xid} (Settings > Technical > External Identifiers), "
                    "then `odoo-hub retry`"
                )
                continue
            vals = self._wanted(plan, row, lines)
            if not vals:
                continue
            try:
                self.api.write(model, [int(plan.odoo_id or 0)], vals)
                plan.notes.append("updated " + ", ".join(sorted(vals)))
            except OdooFault as fault:
                failed[plan.item.key] = f"{plan.label}: Odoo refused the update: {first_line(fault)}"

    @staticmethod
    def _replaced(plan: Plan) -> set[str]:
        return {str(n) for n in plan.item.payload.get("replace") or [] if n in plan.lines}

    def _lines(
        self, model: str, plans: list[Plan], rows: Mapping[int, Mapping[str, Any]]
    ) -> dict[str, dict[int, dict[str, Any]]]:
        """The current rows of every replaced one2many of the batch, one read per one2many."""
        out: dict[str, dict[int, dict[str, Any]]] = {}
        for name in sorted({n for p in plans for n in self._replaced(p)}):
            comodel = str(self.api.fields(model).get(name, {}).get("relation") or "")
            keys = sorted({k for p in plans for row in p.lines.get(name, []) for k in row})
            ids = [i for row in rows.values() for i in row.get(name) or []]
            out[name] = self.api.read_ids(comodel, ids, keys or ["id"]) if comodel else {}
        return out

    def _wanted(
        self, plan: Plan, row: Mapping[str, Any], lines: Mapping[str, Mapping[int, Mapping[str, Any]]]
    ) -> dict[str, Any]:
        """What to write on one record (empty: nothing differs, or a person reviewed it)."""
        payload = plan.item.payload
        keep = set(payload.get("create_only") or [])
        floor = set(payload.get("at_least") or [])
        vals = {
            k: v
            for k, v in plan.vals.items()
            if k not in keep
            and norm(v) != norm(row.get(k))
            and (k not in floor or float(row.get(k) or 0) < float(v or 0))
        }
        for name in sorted(self._replaced(plan)):
            current = [lines.get(name, {}).get(int(i), {}) for i in row.get(name) or []]
            if rows_differ(plan.lines[name], current):
                vals[name] = [[5, 0, 0]] + [[0, 0, r] for r in plan.lines[name]]
        reviewed = _reviewed(plan)
        archive = bool(payload.get("archive")) and row.get("active") is True
        if reviewed and norm(row.get(str(reviewed.get("field")))) == norm(reviewed.get("value")):
            if set(vals) - {"active"}:
                plan.notes.append(
                    f"{reviewed.get('field')} in Odoo (a person reviewed it): the changes at the source "
                    f"({', '.join(sorted(set(vals) - {'active'}))}) are not applied"
                )
                LOG.warning("%s: reviewed in Odoo; the source's changes are noted, not applied", plan.label)
            vals = {}
        if archive:
            vals["active"] = False
        elif not vals:
            plan.notes.append("unchanged in Odoo")
        return vals
