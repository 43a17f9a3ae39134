"""Linkit branch working hours -> one resource.calendar per branch (target_odoo/mappings/linkit.json,
entity branch_hours): both published shapes, several branches in one create, attendances replaced with
[5, 0, 0] + [0, 0, vals] only when they changed, the warehouse linked where the database has seed 000's
addon field, overnight hours split at midnight, bad hours dead letters naming the branch and the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from sandbox.linkit import serve_linkit
from sandbox.odoo import OdooSandbox
from sandbox.odoo.business import _spec

from .conftest import Odoo
from .linkit import CHIC_HOURS, WH_HOURS, Linkit, apply, letters, linkit_sandbox, pulled, writes

ADDON_FIELD = "linkit_resource_calendar_id"


def attendances(odoo: Odoo, xid: str) -> tuple[int, list[tuple[str, float, float, str]]]:
    """The calendar an external id names, and its attendances (day, from, to, name) sorted."""
    model, cid = odoo("ir.model.data", "check_object_reference", "odoo_hub", xid)
    assert model == "resource.calendar"
    rows = odoo("resource.calendar.attendance", "search_read", [["calendar_id", "=", cid]],
                fields=["dayofweek", "hour_from", "hour_to", "name"])  # fmt: skip
    return cid, sorted((r["dayofweek"], r["hour_from"], r["hour_to"], r["name"]) for r in rows)


def branches(linkit: Linkit, **hours: Any) -> dict[str, list[dict[str, Any]]]:
    items = [{"iv_id": code, "name_en": f"Branch {code}", "working_hours": h} for code, h in hours.items()]
    linkit.bulk("branches", items)
    return pulled(linkit, ("branches",))


def test_hours_of_both_shapes_become_one_calendar_per_branch_and_a_resend_writes_nothing(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    with linkit_sandbox() as linkit:
        records = branches(linkit, WH=WH_HOURS, CHIC1=CHIC_HOURS)
        sb.calls.reset()
        summary, _ = apply(config, records)
        assert (summary.sent, summary.failed) == (2, 0), summary.failures
        assert sb.calls[("resource.calendar", "create")] == 1  # both branches in one create (bulk)
        _, wh = attendances(odoo, "linkit_branch_WH")
        assert wh == [("0", 9.0, 18.0, "Monday"), ("1", 9.5, 18.0, "Tuesday")]  # canonical array
        _, chic = attendances(odoo, "linkit_branch_CHIC1")
        assert chic == [("0", 10.0, 22.0, "Monday"), ("4", 14.0, 23.5, "Friday")]  # weekday object
        names = odoo(
            "resource.calendar", "search_read", [["name", "like", "(Linkit hours)"]], fields=["name"]
        )
        assert sorted(r["name"] for r in names) == ["Branch CHIC1 (Linkit hours)", "Branch WH (Linkit hours)"]

        sb.calls.reset()  # the same hours again, through the same ledger and through a fresh one
        assert apply(config, pulled(linkit, ("branches",)))[0].unchanged == 2
        fresh = config | {"ledger_url": f"sqlite:///{tmp_path}/fresh.sqlite"}
        assert apply(fresh, pulled(linkit, ("branches",)))[0].sent == 2
        assert writes(sb) == 0
        assert len(odoo("resource.calendar", "search", [["name", "like", "(Linkit hours)"]])) == 2


def test_changed_hours_replace_the_attendances_once_with_clear_then_create(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    with linkit_sandbox() as linkit:
        apply(config, branches(linkit, WH=WH_HOURS))
        before, _ = attendances(odoo, "linkit_branch_WH")
        sent: list[Any] = []
        sb.on_call = lambda model, method, args, kw: sent.append(args) if method == "write" else None
        saturday = {
            "WeekDay": "Saturday",
            "OpenHour": 12,
            "OpenMinute": 15,
            "CloseHour": 20,
            "CloseMinute": 0,
        }
        summary, _ = apply(config, branches(linkit, WH=[*WH_HOURS, saturday]))
        sb.on_call = None
        assert summary.sent == 1
        cid, rows = attendances(odoo, "linkit_branch_WH")
        assert cid == before
        assert rows == [
            ("0", 9.0, 18.0, "Monday"),
            ("1", 9.5, 18.0, "Tuesday"),
            ("5", 12.25, 20.0, "Saturday"),
        ]
        [[ids, vals]] = sent
        assert ids == [cid] and list(vals) == ["attendance_ids"]
        assert vals["attendance_ids"][0] == [5, 0, 0] and len(vals["attendance_ids"]) == 4


def test_the_warehouse_links_its_branch_calendar_where_the_addon_field_exists(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    """Seed 000's addon adds stock.warehouse.linkit_resource_calendar_id (installed here by hand, as the
    addon would); a calendar it already links is the branch's calendar: written, never a second one."""
    sb.store.tables["stock.warehouse"].fields[ADDON_FIELD] = _spec(
        ADDON_FIELD, "Linkit working hours", "many2one", relation="resource.calendar"
    )
    addon_calendar = odoo("resource.calendar", "create", {"name": "Chicago hours (addon)"})
    odoo("stock.warehouse", "write", [2], {ADDON_FIELD: addon_calendar})  # CHIC1
    with linkit_sandbox() as linkit:
        summary, _ = apply(config, branches(linkit, WH=WH_HOURS, CHIC1=CHIC_HOURS))
        assert (summary.sent, summary.failed) == (2, 0)
        wh_cal, _ = attendances(odoo, "linkit_branch_WH")
        chic_cal, chic = attendances(odoo, "linkit_branch_CHIC1")
        assert chic_cal == addon_calendar and len(chic) == 2
        links = odoo("stock.warehouse", "search_read", [["id", "in", [1, 2]]], fields=[ADDON_FIELD])
        assert {r["id"]: r[ADDON_FIELD][0] for r in links} == {1: wh_cal, 2: addon_calendar}
        # a setting naming no field: the calendar is written, the warehouse left as it is
        odoo("stock.warehouse", "write", [1], {ADDON_FIELD: False})
        apply(config | {"branch_calendar_field": ""}, branches(linkit, WH=[WH_HOURS[0]]))
        assert odoo("stock.warehouse", "read", [1], [ADDON_FIELD])[0][ADDON_FIELD] is False
        assert len(attendances(odoo, "linkit_branch_WH")[1]) == 1


def test_overnight_hours_are_split_at_midnight_or_refused_by_setting(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], tmp_path: Path
) -> None:
    late = [
        {"WeekDay": "Sunday", "OpenHour": 18, "OpenMinute": 0, "CloseHour": 2, "CloseMinute": 0},
        {"WeekDay": "Friday", "OpenHour": 20, "OpenMinute": 0, "CloseHour": 0, "CloseMinute": 0},
    ]
    with serve_linkit(port=0, allow_overnight=True) as sandbox:
        records = branches(Linkit(sandbox), WH=late)
        refused = config | {"overnight_hours": "refuse", "ledger_url": f"sqlite:///{tmp_path}/r.sqlite"}
        assert apply(refused, records)[0].failed == 1
        [reason] = letters(refused).values()
        assert "branch WH (Branch WH): Sunday 18:00-02:00 closes before it opens (overnight)" in reason
        assert "overnight_hours to split" in reason
        assert apply(config, records)[0].sent == 1
    _, rows = attendances(odoo, "linkit_branch_WH")
    assert rows == [("0", 0.0, 2.0, "Monday"), ("4", 20.0, 24.0, "Friday"), ("6", 18.0, 24.0, "Sunday")]


def test_bad_hours_and_unknown_branches_are_dead_letters_naming_branch_and_value(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any]
) -> None:
    """Linkit's own checks refuse such hours (sandbox assumption G9); older data or a connector's POST still
    carries them, so they are put into the sandbox's state and read back through its API."""
    with linkit_sandbox() as linkit:
        branches(linkit, WH=WH_HOURS, CHIC1=CHIC_HOURS, B3=CHIC_HOURS, B4=CHIC_HOURS, NOPE=WH_HOURS)
        state = linkit.sandbox.state
        with state.lock:
            state.branches["CHIC1"]["working_hours"] = {"monday": {"open": "25:00", "close": "26:00"}}
            state.branches["B3"]["working_hours"] = [
                {"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 9, "CloseMinute": 0}
            ]
            state.branches["B4"]["working_hours"] = [
                {"WeekDay": "Funday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 17, "CloseMinute": 0}
            ]
        summary, _ = apply(config, pulled(linkit, ("branches",)))
    assert (summary.sent, summary.failed) == (1, 4)
    reasons = letters(config)
    assert "branch CHIC1 (Branch CHIC1): Monday open '25:00' is not a time of day" in reasons["CHIC1"]
    assert "correct branch CHIC1 (Branch CHIC1)'s working hours in Linkit" in reasons["CHIC1"]
    assert "Monday 09:00-09:00 closes when it opens" in reasons["B3"]
    assert "'Funday' is not a day of the week" in reasons["B4"]
    assert "branch NOPE is not in Odoo (no stock.warehouse with code NOPE)" in reasons["NOPE"]
    assert len(attendances(odoo, "linkit_branch_WH")[1]) == 2  # the good branch is written all the same
    assert Ledger(config["ledger_url"]).get_binding("odoo", "branch_hours", "CHIC1") is None
