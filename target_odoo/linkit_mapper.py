"""Custom mapping functions for `mappings/linkit.json`: Linkit `/api/v1` records (tap-linkit's streams, or the
bodies Linkit's connector apps POST) into target-odoo payloads.

What is Linkit's here: a branch's `working_hours` in either published shape (seed 000, research file §3.1)
-> `resource.calendar.attendance` rows; a SKU's integer `qty`; an offer's `direct_discount` -> a loyalty
rule and reward; when an offer counts as ended (deactivated or deleted). Each refusal names the record and
the value and says what to correct in Linkit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from etl.errors import MappingError
from etl.transforms import BuildContext, register_custom
from target_odoo.mapper import odoo_ref

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_INDEX = {d.lower(): i for i, d in enumerate(DAYS)}
_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")
OVERNIGHT = ("split", "refuse")
FULL_DAY = 24 * 60


def _refuse(ctx: BuildContext, field: str, reason: str, fix: str) -> MappingError:
    return MappingError(entity=ctx.entity, field=field, key=ctx.key, reason=reason, fix=fix)


# ------------------------------------------------------------------------------------------- working hours
def _branch(ctx: BuildContext) -> str:
    rec = ctx.record
    name = rec.get("name_en") or rec.get("name_ar")
    code = rec.get("iv_id") or rec.get("branch_iv_id") or ctx.key
    return f"branch {code}" + (f" ({name})" if name else "")


def _bad_hours(ctx: BuildContext, text: str) -> MappingError:
    """A branch's hours Odoo cannot take: names the branch and the value; the fix is in Linkit."""
    return _refuse(
        ctx, "working_hours", f"{_branch(ctx)}: {text}", f"correct {_branch(ctx)}'s working hours in Linkit"
    )


def _clock(value: Any, day: str, what: str, ctx: BuildContext) -> int:
    """`"HH:MM"` -> minutes after midnight; 24:00 only closes a day."""
    got = _HHMM.match(value) if isinstance(value, str) else None
    minutes = int(got.group(1)) * 60 + int(got.group(2)) if got else -1
    if (
        got is None
        or int(got.group(2)) > 59
        or not 0 <= minutes <= FULL_DAY
        or (minutes == FULL_DAY and what == "open")
    ):
        raise _bad_hours(
            ctx, f"{day} {what} {value!r} is not a time of day (00:00-23:59; a close may be 24:00)"
        )
    return minutes


def _whole(value: Any) -> int | None:
    """A JSON number without a fraction (9 or 9.0), else None."""
    number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return int(value) if number and value == int(value) else None


def _hour_minute(entry: Mapping[str, Any], day: str, what: str, ctx: BuildContext) -> int:
    """`OpenHour` + `OpenMinute` (or Close...) of a canonical period -> minutes after midnight."""
    hour, minute = _whole(entry.get(f"{what}Hour")), _whole(entry.get(f"{what}Minute", 0))
    if hour is None or minute is None:
        given = f"{what}Hour {entry.get(f'{what}Hour')!r}, {what}Minute {entry.get(f'{what}Minute')!r}"
        raise _bad_hours(ctx, f"{day} {given} are not whole numbers")
    total = hour * 60 + minute
    if not 0 <= minute <= 59 or not 0 <= total <= FULL_DAY or (total == FULL_DAY and what == "Open"):
        text = f"{hour:02d}:{minute:02d}"
        raise _bad_hours(
            ctx, f"{day} {what.lower()} {text} is not a time of day (00:00-23:59; a close may be 24:00)"
        )
    return total


def _day(name: Any, ctx: BuildContext) -> int:
    index = DAY_INDEX.get(str(name).strip().lower()) if isinstance(name, str) else None
    if index is None:
        raise _bad_hours(ctx, f"{name!r} is not a day of the week (Monday .. Sunday)")
    return index


def periods(value: Any, ctx: BuildContext) -> list[tuple[int, int, int]]:
    """(day 0-6, open minute, close minute) of either published shape: the canonical period array
    `[{"WeekDay", "OpenHour", "OpenMinute", "CloseHour", "CloseMinute"}]` or the weekday object
    `{"monday": {"open": "10:00", "close": "22:00"}}` (a day left out, or null, is closed)."""
    out: list[tuple[int, int, int, str]] = []
    if isinstance(value, list):
        for entry in value:
            if not isinstance(entry, Mapping):
                raise _bad_hours(ctx, f"a period is {entry!r}, not an object")
            day = _day(entry.get("WeekDay"), ctx)
            out.append((day, _hour_minute(entry, DAYS[day], "Open", ctx),
                        _hour_minute(entry, DAYS[day], "Close", ctx), DAYS[day]))  # fmt: skip
    elif isinstance(value, Mapping):
        for key, hours in value.items():
            day = _day(key, ctx)
            if hours is None:
                continue
            if not isinstance(hours, Mapping):
                raise _bad_hours(ctx, f"{DAYS[day]} is {hours!r}, not {{open, close}}")
            opens = _clock(hours.get("open"), DAYS[day], "open", ctx)
            out.append((day, opens, _clock(hours.get("close"), DAYS[day], "close", ctx), DAYS[day]))
    else:
        raise _bad_hours(
            ctx, f"working_hours is {type(value).__name__}, not a period list or a weekday object"
        )
    return [(d, o, c) for d, o, c, _ in out]


def _overnight(spans: list[tuple[int, int, int]], ctx: BuildContext) -> list[tuple[int, int, int]]:
    """A period that closes before it opens runs past midnight: split into the evening of its day and the
    early hours of the next (setting overnight_hours `split`, the default) or refused (`refuse`)."""
    policy = str(ctx.config.get("overnight_hours") or "split")
    out: list[tuple[int, int, int]] = []
    for day, opens, closes in spans:
        span = f"{DAYS[day]} {opens // 60:02d}:{opens % 60:02d}-{closes // 60:02d}:{closes % 60:02d}"
        if closes == opens:
            raise _bad_hours(
                ctx, f"{span} closes when it opens (a period of no time; leave a closed day out)"
            )
        if closes > opens:
            out.append((day, opens, closes))
        elif policy == "refuse":
            raise _refuse(
                ctx, "working_hours", f"{_branch(ctx)}: {span} closes before it opens (overnight)",
                "correct the hours in Linkit, or set overnight_hours to split (evening + next early morning)",
            )  # fmt: skip
        else:
            out.append((day, opens, FULL_DAY))
            if closes:
                out.append(((day + 1) % 7, 0, closes))
    return out


def _merged(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Periods of one day that overlap or touch become one (Odoo would count their hours twice)."""
    out: list[list[int]] = []
    for day, opens, closes in sorted(spans):
        if out and out[-1][0] == day and opens <= out[-1][2]:
            out[-1][2] = max(out[-1][2], closes)
        else:
            out.append([day, opens, closes])
    return [(d, o, c) for d, o, c in out]


@register_custom("odoo_linkit_branch_label")
def odoo_linkit_branch_label(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str:
    """`branch WH1 (Main Store)`: how the branch is named in every dead letter."""
    return _branch(ctx)


@register_custom("odoo_linkit_attendances")
def odoo_linkit_attendances(
    value: Any, args: Mapping[str, Any], ctx: BuildContext
) -> list[dict[str, Any]] | None:
    """A branch's `working_hours` (either shape) -> `resource.calendar.attendance` rows, sorted by day and
    time; an empty list or object (closed all week) -> no rows."""
    if value is None:
        return None
    rows = []
    for day, opens, closes in _merged(_overnight(periods(value, ctx), ctx)):
        rows.append(
            {
                "name": DAYS[day],
                "dayofweek": str(day),
                "hour_from": round(opens / 60, 6),
                "hour_to": round(closes / 60, 6),
                "day_period": "morning" if opens < 12 * 60 else "afternoon",
            }
        )
    return rows


# ------------------------------------------------------------------------------------------- customers
@register_custom("odoo_linkit_person_name")
def odoo_linkit_person_name(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """First and last name (sources 0 and 1), else the first of the other sources (email, phone)."""
    values = [str(v).strip() if v else "" for v in (value if isinstance(value, list | tuple) else [value])]
    return " ".join(v for v in values[:2] if v) or next((v for v in values[2:] if v), None)


# ------------------------------------------------------------------------------------------- stock
@register_custom("odoo_linkit_qty")
def odoo_linkit_qty(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int:
    """A SKU's `qty`: a whole number of units, 0 or more (Linkit's own rule, G12)."""
    what = f"SKU {ctx.record.get('product_iv_id')} at branch {ctx.record.get('branch_iv_id')}"
    count = _whole(value)
    if count is None or count < 0:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        kind = "below 0" if count is not None else "a fraction" if number else "not a number"
        raise _refuse(
            ctx,
            "qty",
            f"{what}: qty {value!r} is {kind}; Linkit counts stock in whole units, 0 or more",
            "correct the SKU's quantity in Linkit",
        )
    return count


@register_custom("odoo_linkit_sku_untouched")
def odoo_linkit_sku_untouched(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> bool | None:
    """True for a SKU Linkit generated (one per product x branch) that nobody has counted since: qty 0 and
    `updated` equal to `created`. Its 0 is no count, and applied it would empty Odoo's shelf."""
    rec = ctx.record
    fresh = rec.get("created") is not None and rec.get("created") == rec.get("updated")
    return True if fresh and _whole(rec.get("qty")) == 0 else None


# ------------------------------------------------------------------------------------------- offers
def _deleted(record: Mapping[str, Any]) -> bool:
    return bool(record.get("_sdc_deleted_at") or record.get("is_deleted"))


@register_custom("odoo_linkit_offer_deleted")
def odoo_linkit_offer_deleted(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> bool | None:
    """True for an offer Linkit deleted (`_sdc_deleted_at` from the tap, or `is_deleted`)."""
    return True if _deleted(ctx.record) else None


@register_custom("odoo_linkit_offer_ended")
def odoo_linkit_offer_ended(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> bool | None:
    """True for an offer Linkit deleted or deactivated (`is_active` false, or a `status` other than active):
    its Odoo program is archived."""
    rec = ctx.record
    status = rec.get("status")
    if _deleted(rec) or rec.get("is_active") is False or (status is not None and status != "active"):
        return True
    return None


def _discount(ctx: BuildContext) -> float | None:
    """The percentage of a direct discount, or why the offer cannot be a promotion (a dead letter)."""
    rec = ctx.record
    if _deleted(rec):
        return None
    label = f"offer {rec.get('name')!r} ({rec.get('id')})"
    kind, mode, value = rec.get("offer_type"), rec.get("discount_type"), rec.get("discount_value")
    if kind != "direct_discount":
        raise _refuse(
            ctx,
            "offer_type",
            f"{label}: offer type {kind!r} has no discount Odoo can take (only direct_discount is mapped)",
            "make it a direct discount in Linkit, or build the promotion in Odoo by hand",
        )
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if mode != "percentage" or number is None or not 0 < number <= 100:
        raise _refuse(
            ctx,
            "discount_value",
            f"{label}: no discount (discount_type {mode!r}, discount_value {value!r}); a promotion needs a "
            "percentage above 0 and at most 100",
            "set the offer's percentage discount in Linkit",
        )
    return float(number)


def _product(ctx: BuildContext) -> dict[str, Any] | None:
    """The product of a product-scope offer: by Internal Reference (`target_iv_id`), else by barcode."""
    rec = ctx.record
    if rec.get("target_scope") != "product":
        return None
    if rec.get("target_iv_id"):
        return odoo_ref(rec["target_iv_id"], {"model": "product.product", "field": "default_code",
                                              "what": "offer product"}, ctx)  # fmt: skip
    if rec.get("target_barcode"):
        return odoo_ref(rec["target_barcode"], {"model": "product.product", "field": "barcode",
                                                "what": "offer product barcode"}, ctx)  # fmt: skip
    raise _refuse(
        ctx,
        "target_iv_id",
        f"offer {rec.get('name')!r} ({rec.get('id')}): a product offer without target_iv_id or barcode",
        "name the offer's product in Linkit",
    )


@register_custom("odoo_linkit_offer_rules")
def odoo_linkit_offer_rules(
    value: Any, args: Mapping[str, Any], ctx: BuildContext
) -> list[dict[str, Any]] | None:
    """The program's one rule: every order (scope order) or orders with the offer's product."""
    if _discount(ctx) is None:
        return None
    rule: dict[str, Any] = {"reward_point_mode": "order", "reward_point_amount": 1.0}
    product = _product(ctx)
    if product:
        rule["product_ids"] = [product]
    return [rule]


@register_custom("odoo_linkit_offer_rewards")
def odoo_linkit_offer_rewards(
    value: Any, args: Mapping[str, Any], ctx: BuildContext
) -> list[dict[str, Any]] | None:
    """The program's one reward: the offer's percentage off the order, or off its product."""
    percent = _discount(ctx)
    if percent is None:
        return None
    reward: dict[str, Any] = {
        "reward_type": "discount",
        "discount": percent,
        "discount_mode": "percent",
        "discount_applicability": "order",
        "required_points": 1.0,
    }
    product = _product(ctx)
    if product:
        reward.update(discount_applicability="specific", discount_product_ids=[product])
    return [reward]
