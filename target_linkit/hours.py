"""Odoo working hours (`resource.calendar.attendance` lines of one calendar) -> Linkit `working_hours`.

Linkit takes either shape in a branch's `working_hours` (research file §3.1, seed 000): the canonical period
array `[{"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0}, ...]`
(several periods a day) or the legacy weekday object `{"monday": {"open": "09:00", "close": "18:00"}}`
(one period a day). Times are the calendar's wall-clock times (G9: Linkit has no time-zone field).

Which lines count (Odoo 17's own rules for working time): not a section line (`display_type`), not a
resource's own line (`resource_id`), not a lunch break (`day_period` lunch), in effect today (`date_from` /
`date_to`), and in a two-week calendar only the first week (`week_type` "0"). Periods of one day that
overlap or touch are merged (8-12 and 12-17 -> 8-17). A time that is not a time of day (25:00) or a period
that closes before it opens is an error naming the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SHAPES = ("periods", "weekday", "none")
FIELDS = (  # what is read of a calendar line (Odoo 15-19 all have these)
    "id",
    "dayofweek",
    "hour_from",
    "hour_to",
    "day_period",
    "display_type",
    "resource_id",
    "week_type",
    "date_from",
    "date_to",
)


class HoursError(ValueError):
    """A calendar line Linkit cannot take; the message names the line and the fix."""


def _minutes(value: Any, what: str, line: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise HoursError(f"{line}: {what} is {value!r}, not a number of hours; correct it in the calendar")
    minutes = round(float(value) * 60)
    if not 0 <= minutes <= 24 * 60:
        raise HoursError(
            f"{line}: {what} {value!r} ({minutes // 60:02d}:{minutes % 60:02d}) is not a time of day "
            "(0:00-24:00); correct it in the calendar"
        )
    return minutes


def _label(att: Mapping[str, Any]) -> str:
    name = f" {att['name']!r}" if att.get("name") else ""
    return f"working hours line {att.get('id')}{name}"


def _in_effect(att: Mapping[str, Any], today: date) -> bool:
    start, end = att.get("date_from"), att.get("date_to")
    if start and str(start)[:10] > today.isoformat():
        return False
    return not (end and str(end)[:10] < today.isoformat())


def counted(att: Mapping[str, Any], *, two_weeks: bool, today: date) -> bool:
    """Whether a calendar line is working time Linkit should show (see the module's note)."""
    if att.get("display_type") or att.get("resource_id") or att.get("day_period") == "lunch":
        return False
    if two_weeks and str(att.get("week_type") or "0") != "0":
        return False
    return _in_effect(att, today)


def periods(
    attendances: Iterable[Mapping[str, Any]], *, two_weeks: bool = False, today: date | None = None
) -> list[tuple[int, int, int]]:
    """(weekday 0-6, open minute, close minute) per merged period, sorted; raises HoursError."""
    today = today or date.today()
    spans: dict[int, list[tuple[int, int]]] = {}
    for att in attendances:
        if not counted(att, two_weeks=two_weeks, today=today):
            continue
        line = _label(att)
        day = str(att.get("dayofweek") or "")
        if day not in {str(i) for i in range(7)}:
            raise HoursError(f"{line}: dayofweek {day!r} is not 0 (Monday) .. 6 (Sunday)")
        opens = _minutes(att.get("hour_from"), "hour_from", line)
        closes = _minutes(att.get("hour_to"), "hour_to", line)
        if closes <= opens:
            raise HoursError(
                f"{line}: closes at {closes // 60:02d}:{closes % 60:02d}, not after it opens at "
                f"{opens // 60:02d}:{opens % 60:02d} (Linkit takes no overnight or empty period, G9); "
                "correct hour_from / hour_to in the calendar"
            )
        if opens == 24 * 60:
            raise HoursError(f"{line}: hour_from 24:00 is not a time a day can open at")
        spans.setdefault(int(day), []).append((opens, closes))
    out: list[tuple[int, int, int]] = []
    for weekday in sorted(spans):
        merged: list[list[int]] = []
        for opens, closes in sorted(spans[weekday]):
            if merged and opens <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], closes)
            else:
                merged.append([opens, closes])
        out += [(weekday, o, c) for o, c in merged]
    return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def working_hours(spans: list[tuple[int, int, int]], shape: str) -> list[dict[str, Any]] | dict[str, Any]:
    """The periods in Linkit's `periods` (canonical array) or `weekday` (legacy object) shape. The weekday
    object holds one period a day: from the first opening to the last closing (a break in between is lost)."""
    if shape == "periods":
        return [
            {
                "WeekDay": DAYS[day],
                "OpenHour": o // 60,
                "OpenMinute": o % 60,
                "CloseHour": c // 60,
                "CloseMinute": c % 60,
            }
            for day, o, c in spans
        ]
    if shape == "weekday":
        days: dict[str, dict[str, str]] = {}
        for day, o, c in spans:
            name = DAYS[day].lower()
            if name in days:
                days[name]["close"] = _hhmm(c)
            else:
                days[name] = {"open": _hhmm(o), "close": _hhmm(c)}
        return days
    raise ValueError(f"working_hours_shape must be one of {', '.join(SHAPES[:2])}, not {shape!r}")
