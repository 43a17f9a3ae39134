"""Custom mapping functions of `target_linkit/mapping.json` for orders and offers (registered with etl when
`target_linkit.mapping` is imported)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from etl.errors import TransformError
from etl.transforms import BuildContext, register_custom
from target_linkit.mapping import price, text


def _line_number(line: Mapping[str, Any], name: str | None) -> float:
    value = line.get(name) if name else None
    if value is None or value is False:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TransformError(f"line {line.get('id')}: {name} is {value!r}, not a number")
    return float(value)


@register_custom("linkit_order_lines")
def order_lines(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[dict[str, Any]]:
    """Linkit `products` of an order from its lines (`order_lines`, joined by the flow, each with its
    `linkit_sku`); args name the Odoo line fields: qty, price, discount (a percentage), total, name. `price`
    is the unit price after the line's discount. A line with a negative unit price is a discount (reward,
    coupon: see linkit_order_discount); a line of 0 units sold nothing. Linkit takes whole units (G13): a
    fractional or negative quantity is an error naming the line."""
    out: list[dict[str, Any]] = []
    for line in value or []:
        price = _line_number(line, args.get("price"))
        qty = _line_number(line, args.get("qty"))
        if price < 0 or qty == 0:
            continue
        label = f"line {line.get('id')} ({text(line.get(args.get('name') or 'name'), args, ctx) or '-'})"
        if qty < 0 or qty != int(qty):
            raise TransformError(
                f"{label}: quantity {qty:g} is not a whole number of units; Linkit orders take whole units "
                "(sell in a unit of measure that counts whole items)"
            )
        off = Decimal(str(_line_number(line, args.get("discount")))) / 100
        item = {
            "product_id": line.get("linkit_sku"),
            "name": text(line.get(args.get("name") or "name"), args, ctx),
            "quantity": int(qty),
            "price": float(round(Decimal(str(price)) * (1 - off), 3)),
            "total": float(round(Decimal(str(_line_number(line, args.get("total")))), 3)),
        }
        out.append({k: v for k, v in item.items() if v is not None})
    if not out:
        raise TransformError("the order has no line with a product sold")
    return out


@register_custom("linkit_order_discount")
def order_discount(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | None:
    """The order's `discount`: its discount lines (negative unit price), as a positive amount (args.total:
    the line field holding the line's amount)."""
    total = sum(
        -_line_number(line, args.get("total"))
        for line in value or []
        if _line_number(line, args.get("price")) < 0
    )
    return float(round(Decimal(str(total)), 3)) if total else None


@register_custom("linkit_order_state")
def order_state(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """A Linkit order or payment status from the lookup table `args.table`: the source is
    [state_key, refinement] (e.g. ["sale.order:sale", delivery_status]); `<state_key>:<refinement>` wins
    over `<state_key>`; a state the table lacks gives none (Linkit keeps its default)."""
    table = ctx.lookups.get(str(args.get("table")), {})
    key, refine = [*value, None, None][:2] if isinstance(value, list) else (value, None)
    got = table.get(f"{key}:{refine}") if refine else None
    return got if got is not None else table.get(str(key))


@register_custom("linkit_table")
def table(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    """The value through the mapping's lookup table `args.table`; a value the table lacks is an error saying
    `args.why` (what Linkit cannot take), none when the value is empty."""
    if value is None or value is False:
        return None
    found = ctx.lookups.get(str(args.get("table")), {}).get(str(value))
    if found is None:
        raise TransformError(
            f"{value!r}: {args.get('why') or 'not in lookup table ' + str(args.get('table'))}"
        )
    return found


@register_custom("linkit_when")
def when(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """An Odoo date or datetime as RFC 3339 UTC (`2026-05-01T00:00:00Z`); a date ends at 23:59:59 with
    `args.day_end` (an offer valid until a day is valid all that day)."""
    got = text(value, args, ctx)
    if got is None:
        return None
    if len(got) == 10:
        return got + ("T23:59:59Z" if args.get("day_end") else "T00:00:00Z")
    moment = datetime.fromisoformat(got.replace("Z", "+00:00").replace(" ", "T"))
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@register_custom("linkit_pricelist_percent")
def pricelist_percent(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | None:
    """The percentage a pricelist item takes off the sales price: `percent_price` of a Discount item,
    `price_discount` of a Formula item based on the sales price; a fixed price or a formula on the cost or
    another pricelist is not a percentage discount Linkit can take (G15)."""
    rec = ctx.record
    if value == "percentage":
        return price(rec.get("percent_price"), args, ctx)
    if value == "formula" and rec.get("base") in (None, "list_price"):
        return price(rec.get("price_discount"), args, ctx)
    raise TransformError(
        f"a {value} price (base {rec.get('base')}) is not a percentage off the sales price: a Linkit "
        "direct_discount is a percentage (G15)"
    )


@register_custom("linkit_pricelist_name")
def pricelist_name(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """A name for a pricelist discount (its own name is computed, not stored): `<pricelist>: <what>`."""
    rec = ctx.record
    what = rec.get("target_iv_id") or ("all products" if rec.get("applied_on") == "3_global" else "")
    name = text(value.get("name") if isinstance(value, Mapping) else value, args, ctx) or "Pricelist"
    return f"{name}: {what}".strip(": ") if what else name
