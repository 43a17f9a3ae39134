"""Odoo warehouses with their working hours -> one record per Linkit branch.

A branch record joins four tap streams: `stock_warehouse` (code -> branch iv_id through the setting
`branches`, name, active), the calendar that holds its hours (the warehouse's own field named by the setting
`branch_calendar_field`, e.g. the Linkit addon's `linkit_resource_calendar_id`; else its company's
`resource_calendar_id` from `res_company`), that `resource_calendar` (its `attendance_ids`, two-week flag) and
its `resource_calendar_attendance` lines. So, like stock sums, branches are built only once the input is
complete (the tap's end-of-sync mark), and a branch whose calendar or lines are not all in the input is not
sent with half its hours: it is a dead letter saying what is missing (read those streams in full).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from target_linkit.records import odoo_id, take
from target_linkit.stock import branch_of

STREAMS = ("stock_warehouse", "resource_calendar", "resource_calendar_attendance", "res_company")
FULL_READ = (
    "read stock.warehouse, res.company, resource.calendar and resource.calendar.attendance in full every "
    "run (tap-odoo setting full_sync_streams)"
)


class BranchJoin:
    """Collects the four streams; `records()` joins them once the input is complete."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.by_stream: dict[str, dict[int, dict[str, Any]]] = {s: {} for s in STREAMS}

    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        # a deleted line or calendar is simply not there any more; a deleted warehouse stays in Linkit (no
        # delete route is published, G16)
        take(self.by_stream[stream], record)

    def __bool__(self) -> bool:
        return bool(self.by_stream["stock_warehouse"])

    @property
    def warehouses(self) -> dict[int, dict[str, Any]]:
        return self.by_stream["stock_warehouse"]

    def links(self) -> dict[str, str]:
        """`warehouse:<id>` and `picking_type:<POS operation type id>` -> branch iv_id, for orders."""
        out: dict[str, str] = {}
        for wid, wh in self.warehouses.items():
            branch = branch_of(self.config, str(wh["code"])) if wh.get("code") else None
            if branch:
                out[f"warehouse:{wid}"] = branch
                pos_type = odoo_id(wh.get("pos_type_id"))
                if pos_type is not None:
                    out[f"picking_type:{pos_type}"] = branch
        return out

    def records(self) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], str]], int]:
        """(branch records, (warehouse, reason) that cannot be sent, warehouses left out on purpose)."""
        chosen: dict[str, dict[str, Any]] = {}
        left_out = 0
        bad: list[tuple[dict[str, Any], str]] = []
        branches = self.config.get("branches") or {}
        for wid in sorted(self.warehouses):
            wh = self.warehouses[wid]
            code = str(wh["code"]) if wh.get("code") else None
            if code is not None and code in branches and not branches[code]:
                left_out += 1  # the setting branches sends this warehouse nowhere
                continue
            branch = branch_of(self.config, code)
            if not branch:
                bad.append((wh, "the warehouse has no code, so no Linkit branch iv_id (settings branches)"))
                continue
            # several warehouses on one branch (their stock is summed): the one whose code is the branch
            # iv_id names the branch, else the first by id; the others add nothing to it
            held = chosen.get(branch)
            if held is None or (held.get("code") != branch and code == branch):
                left_out += held is not None
                chosen[branch] = {**wh, "branch_iv_id": branch}
            else:
                left_out += 1
        out: list[dict[str, Any]] = []
        for record in chosen.values():
            why = self._hours(record)
            if why:
                bad.append((record, why))
            else:
                out.append(record)
        return out, bad, left_out

    def _hours(self, record: dict[str, Any]) -> str | None:
        """Put the branch's calendar lines on the record (`attendances`, `two_weeks`); the reason when the
        input lacks some. No calendar at all: `attendances` None (no working_hours sent)."""
        record["attendances"], record["two_weeks"] = None, False
        if self.config.get("working_hours_shape") == "none":
            return None
        field = self.config.get("branch_calendar_field")
        if field:
            calendar = record.get(str(field))
            where = f"the warehouse's {field}"
        else:
            company_id = odoo_id(record.get("company_id"))
            company = self.by_stream["res_company"].get(company_id) if company_id is not None else None
            if company_id is not None and company is None:
                return f"its company {company_id} was not in the input (res_company stream): {FULL_READ}"
            calendar = company.get("resource_calendar_id") if company else None
            where = f"company {company_id}'s resource_calendar_id"
        cid = odoo_id(calendar)
        if cid is None:
            return None  # no calendar: the branch goes without hours; Linkit keeps what it has
        cal = self.by_stream["resource_calendar"].get(cid)
        if cal is None:
            return f"calendar {cid} ({where}) was not in the input (resource_calendar stream): {FULL_READ}"
        lines = self.by_stream["resource_calendar_attendance"]
        ids = [i for i in cal.get("attendance_ids") or [] if isinstance(i, int)]
        missing = [i for i in ids if i not in lines]
        if missing:
            shown = ", ".join(str(i) for i in missing[:10]) + (" ..." if len(missing) > 10 else "")
            return (
                f"lines {shown} of calendar {cid} were not in the input (resource_calendar_attendance "
                f"stream): {FULL_READ}"
            )
        record["attendances"] = [lines[i] for i in ids]
        record["two_weeks"] = bool(cal.get("two_weeks_calendar"))
        record["calendar_id"] = cid
        return None
