"""Branches with working hours: recorded Odoo 17 warehouses, companies, calendars and their lines, as tap-odoo
emits them, into the Linkit sandbox."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from sandbox.linkit import LinkitSandbox
from target_linkit.hours import HoursError, periods, working_hours
from target_linkit.target import ConfigError

from .helpers import dead_letters, run, streams
from .odoo_records import records, schema

WEEK_40H = [
    {"WeekDay": day, "OpenHour": o, "OpenMinute": 0, "CloseHour": c, "CloseMinute": 0}
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    for o, c in ((8, 12), (13, 17))
]


def odoo(
    *,
    warehouses: list[dict[str, Any]] | None = None,
    lines: list[dict[str, Any]] | None = None,
    extra: tuple[str, ...] = (),
    complete: bool = True,
) -> str:
    """The four streams a branch is joined from (recorded records unless given)."""
    return streams(
        ("stock_warehouse", schema("stock.warehouse", *extra), warehouses or records("stock.warehouse")),
        ("res_company", schema("res.company"), records("res.company")),
        ("resource_calendar", schema("resource.calendar"), records("resource.calendar")),
        (
            "resource_calendar_attendance",
            schema("resource.calendar.attendance"),
            records("resource.calendar.attendance") if lines is None else lines,
        ),
        complete=complete,
    )


def test_branches_carry_the_company_calendar_as_periods(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    result = run(config, odoo())
    assert result.status == 0, result
    wh = linkit.state.branches["WH"]
    assert (wh["name_en"], wh["active"]) == ("YourCompany", True)
    # Standard 40 hours/week: 8-12 and 13-17 Monday to Friday; the 12-13 lunch line is a break
    assert wh["working_hours"] == WEEK_40H
    assert len(wh["working_hours_periods"]) == 10
    # Chicago's calendar 4 has lines past the 50 recorded ones: not sent with half its hours
    assert "CHIC1" not in linkit.state.branches
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert list(reasons) == ["CHIC1"]
    assert "of calendar 4 were not in the input" in reasons["CHIC1"]
    assert "full_sync_streams" in reasons["CHIC1"]


def test_the_addon_calendar_field_in_the_weekday_shape(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config.update(branch_calendar_field="linkit_resource_calendar_id", working_hours_shape="weekday")
    warehouses = records("stock.warehouse")
    warehouses[0]["linkit_resource_calendar_id"] = {"id": 2, "name": "Standard 35 hours/week"}
    warehouses[1]["linkit_resource_calendar_id"] = None  # no calendar: the branch goes without hours
    result = run(config, odoo(warehouses=warehouses, extra=("linkit_resource_calendar_id",)))
    assert result.status == 0, result
    hours = linkit.state.branches["WH"]["working_hours"]
    assert set(hours) == {"monday", "tuesday", "wednesday", "thursday", "friday"}
    assert hours["monday"] == {"open": "08:00", "close": "16:00"}  # one period a day in this shape
    chicago = linkit.state.branches["CHIC1"]
    assert (chicago["name_en"], chicago["working_hours"]) == ("Chicago 1", None)
    assert dead_letters(config) == []


def test_bad_hours_are_dead_letters_naming_them(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["branches"] = {"CHIC1": None}  # Chicago left out: only WH here
    lines = records("resource.calendar.attendance")
    lines[2]["hour_to"] = 25.0  # Monday Afternoon 13:00-25:00
    result = run(config, odoo(lines=lines))
    assert result.status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert "line 3 'Monday Afternoon'" in reasons["WH"] and "25:00" in reasons["WH"]
    assert linkit.state.branches["WH"]["working_hours"] is None  # the fixture's branch, untouched
    lines[2]["hour_to"], lines[3]["hour_from"] = 17.0, 18.0  # Tuesday Morning 18:00-12:00
    assert run(config, odoo(lines=lines)).status == 0
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert "closes at 12:00, not after it opens at 18:00" in reasons["WH"]


def test_unchanged_branches_are_not_sent_again(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    config["branches"] = {"CHIC1": None}
    assert run(config, odoo()).status == 0
    writes = linkit.state.write_count()
    again = run(config, odoo())
    assert again.summary is not None and (again.summary.sent, again.summary.unchanged) == (0, 1)
    assert linkit.state.write_count() == writes
    lines = records("resource.calendar.attendance")
    lines[0]["hour_from"] = 9.5  # Monday opens at 09:30
    third = run(config, odoo(lines=lines))
    assert third.summary is not None and third.summary.sent == 1
    assert linkit.state.branches["WH"]["working_hours"][0] == {
        "WeekDay": "Monday",
        "OpenHour": 9,
        "OpenMinute": 30,
        "CloseHour": 12,
        "CloseMinute": 0,
    }


def test_branches_wait_for_the_end_of_sync_mark(linkit: LinkitSandbox, config: dict[str, Any]) -> None:
    result = run(config, odoo(complete=False))
    assert result.status == 1
    assert linkit.state.writes["branch.updated"] == 0 and "CHIC1" not in linkit.state.branches


def test_a_stream_without_the_hours_fields_stops_at_start(config: dict[str, Any]) -> None:
    lines = schema("resource.calendar.attendance")
    del lines["properties"]["hour_to"]
    data = streams(("resource_calendar_attendance", lines, []))
    with pytest.raises(ConfigError, match="resource_calendar_attendance has no field hour_to"):
        run(config, data)


def test_hours_rules() -> None:
    today = date(2026, 11, 26)

    def line(i: int, day: str, start: float, end: float, **more: Any) -> dict[str, Any]:
        return {"id": i, "dayofweek": day, "hour_from": start, "hour_to": end, **more}

    lines = [
        line(1, "5", 13, 16.6),  # 16:36
        line(2, "5", 9, 13),  # touches the next: merged 09:00-16:36
        line(3, "6", 0, 24),
        line(4, "0", 8, 9, week_type="1"),  # second week of a two-week calendar: left out
        line(5, "1", 8, 9, date_to="2026-01-01"),  # no longer in effect
        line(6, "2", 8, 9, display_type="line_section"),
    ]
    spans = periods(lines, two_weeks=True, today=today)
    assert spans == [(5, 540, 996), (6, 0, 1440)]
    assert working_hours(spans, "weekday") == {
        "saturday": {"open": "09:00", "close": "16:36"},
        "sunday": {"open": "00:00", "close": "24:00"},
    }
    with pytest.raises(HoursError, match="dayofweek '7'"):
        periods([line(7, "7", 8, 9)], today=today)
    with pytest.raises(HoursError, match="hour_from -1"):
        periods([line(8, "0", -1, 9)], today=today)
