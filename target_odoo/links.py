"""A record of another model that points at the one written (payload `link`): a warehouse at its branch's
working-hours calendar, through a many2one the setting names (seed 000's addon: `stock.warehouse.
linkit_resource_calendar_id`).

`{"model": "stock.warehouse", "record": <id, resolved from a $ref>, "field": "linkit_resource_calendar_id"}`.
The linked record must exist (else the payload is a dead letter naming it, as any reference). Where the
database has the field: a record not found by its external id takes the one the link already points at
(the calendar the addon made for that warehouse: one calendar per branch, never a second), and after the
write the link is set where it points elsewhere. Where the database lacks the field (stock Odoo, without
the addon) nothing is linked: said once in the log and on each record's ledger event.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from target_odoo.adapter import OdooApi, OdooFault, first_line

if TYPE_CHECKING:
    from target_odoo.writer import Plan

LOG = logging.getLogger("target_odoo.links")


class Links:
    def __init__(self, api: OdooApi) -> None:
        self.api = api
        self._said: set[str] = set()

    def _usable(self, plan: Plan, model: str, *, note: bool = False) -> dict[str, Any] | None:
        """The plan's link when its field exists here and points at ``model`` (else None, said once in the
        log and, with ``note``, on the record's event)."""
        link = plan.link
        if not link or not link.get("field") or not link.get("record"):
            return None
        other, field = str(link["model"]), str(link["field"])
        spec = self.api.fields(other).get(field)
        if spec and spec.get("type") == "many2one" and spec.get("relation") == model:
            return link
        if note:
            plan.notes.append(f"not linked: {other} has no field {field}")
        if f"{other}.{field}" not in self._said:
            self._said.add(f"{other}.{field}")
            LOG.info(
                "%s has no many2one %s to %s here (a custom field, e.g. the Linkit addon's): records are "
                "written but not linked from it",
                other,
                field,
                model,
            )
        return None

    def _current(self, plans: list[Plan], model: str) -> dict[tuple[str, int], int | None]:
        """(model.field, linked record id) -> the id its field points at now, one read per model/field."""
        wanted: dict[tuple[str, str], set[int]] = {}
        for plan in plans:
            link = self._usable(plan, model)
            if link:
                wanted.setdefault((str(link["model"]), str(link["field"])), set()).add(int(link["record"]))
        out: dict[tuple[str, int], int | None] = {}
        for (other, field), ids in wanted.items():
            for rid, row in self.api.read_ids(other, ids, [field]).items():
                value = row.get(field)
                out[(f"{other}.{field}", rid)] = int(value[0]) if isinstance(value, list) and value else None
        return out

    def adopt(self, model: str, plans: list[Plan]) -> None:
        """A record not found by its external id takes the one its link already points at."""
        todo = [p for p in plans if p.odoo_id is None]
        current = self._current(todo, model) if todo else {}
        for plan in todo:
            link = plan.link or {}
            found = current.get((f"{link.get('model')}.{link.get('field')}", int(link.get("record") or 0)))
            if found:
                plan.odoo_id, plan.found_by = found, f"{link['model']}.{link['field']}"

    def write(self, model: str, plans: list[Plan], failed: dict[str, str]) -> None:
        """Point each link at its record where it points elsewhere (one write per linked record)."""
        current = self._current(plans, model)
        for plan in plans:
            link = self._usable(plan, model, note=True)
            if not link or plan.item.key in failed:
                continue
            other, field, rid = str(link["model"]), str(link["field"]), int(link["record"])
            if current.get((f"{other}.{field}", rid)) == plan.odoo_id:
                continue
            try:
                self.api.write(other, [rid], {field: plan.odoo_id})
                plan.notes.append(f"linked from {other} {rid}")
            except OdooFault as fault:
                failed[plan.item.key] = (
                    f"{plan.label}: written (id {plan.odoo_id}) but {other} {rid} refused the link "
                    f"{field}: {first_line(fault)}"
                )
