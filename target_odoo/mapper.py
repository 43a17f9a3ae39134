"""Custom mapping functions for `target_odoo/mappings/*.json`: they build the payload the writer applies.

A payload says what one Odoo record should be, in Odoo's field names, without knowing Odoo's ids:

    {"xid": "medusa_order_order_01ABC",            # external id name, module odoo_hub (the exactly-once key)
     "label": "order MEDUSA-1001",                  # how a shop owner names it, in every dead letter
     "find": [{"field": "client_order_ref", "value": "MEDUSA-1001"}],   # other ways to find it first
     "vals": {"partner_id": {"$ref": {...}}, "client_order_ref": "MEDUSA-1001", ...},
     "lines": {"order_line": [{"product_id": {"$ref": {...}}, "product_uom_qty": 2, "price_unit": 5.0}]},
     "state": "confirm", "checks": {"total": 16.0, "tax_total": 0.0, "currency": "KWD"},
     "optional": ["x_medusa_order_id"]}              # fields set only where the database has them

A reference `{"$ref": {"model", "field", "value", "op"?, "what"?, "xid"?, "create"?}}` is resolved by the
writer in one search per model and field for a whole batch: by external id first when `xid` is given, then
by `field op value`, then created from `create` (a guest customer). Money arrives in minor units and leaves
in major ones (KWD: fils / 1000).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from etl.paths import get_path
from etl.transforms import BuildContext, currency_exponent, register_custom

_XID_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def xid_name(prefix: str, value: Any) -> str:
    """`medusa_order_` + `order_01ABC` -> `medusa_order_order_01ABC` (letters, digits and _ only)."""
    return prefix + _XID_UNSAFE.sub("_", str(value)).strip("_")


def major_units(value: Any, currency: str) -> float:
    """Minor units -> major: 5000 fils -> 5.0 KWD (exact through Decimal)."""
    return float(Decimal(str(value)) / (Decimal(10) ** currency_exponent(currency)))


def _currency(record: Mapping[str, Any], args: Mapping[str, Any], ctx: BuildContext) -> str:
    got = get_path(record, str(args.get("currency_field") or "currency_code"))
    return str(got or ctx.config.get("currency") or "KWD").upper()


@register_custom("odoo_xid")
def odoo_xid(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """External id name of the record: `args.prefix` + the source id."""
    return None if value in (None, "") else xid_name(str(args.get("prefix") or ""), value)


@register_custom("odoo_format")
def odoo_format(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """`args.template` with `{value}` (and `{0}`, `{1}` ... for a list of sources); none when all are empty.
    `args.first`: only the first non-empty source, as `{value}` / `{0}`; `args.every`: none unless every
    source has a value."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    if all(v in (None, "") for v in values) or (args.get("every") and any(v in (None, "") for v in values)):
        return None
    if args.get("first"):  # the first non-empty source stands for all: a name, else the code
        values = [next(v for v in values if v not in (None, ""))]
    return str(args.get("template") or "{value}").format(*values, value=values[0])


@register_custom("odoo_major_units")
def odoo_major_units(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | None:
    """Minor units of the record's currency (`args.currency_field`, default currency_code) -> major."""
    return None if value is None else major_units(value, _currency(ctx.record, args, ctx))


@register_custom("odoo_upper")
def odoo_upper(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    return str(value).strip().upper() or None if value not in (None, "") else None


@register_custom("odoo_join")
def odoo_join(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Non-empty sources joined with `args.sep` (default a space): first + last name."""
    parts = [str(v).strip() for v in (value if isinstance(value, list | tuple) else [value]) if v]
    return str(args.get("sep", " ")).join(p for p in parts if p) or None


@register_custom("odoo_ref")
def odoo_ref(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> dict[str, Any] | None:
    """A reference to an Odoo record by `args.field` (`args.op`, default `=`) of `args.model`."""
    if value in (None, ""):
        return None
    if args.get("upper"):
        value = str(value).upper()
    ref = {"model": args["model"], "field": args["field"], "value": value, "op": args.get("op", "=")}
    ref["what"] = str(args.get("what") or args["field"])
    return {"$ref": ref}


@register_custom("odoo_partner")
def odoo_partner(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> dict[str, Any] | None:
    """The customer of a record as a reference: by external id (`args.xid_prefix` + `args.id`), else by
    email (case-insensitive), else created from the names, phone and address at the given paths."""
    rec = ctx.record
    pid = get_path(rec, str(args.get("id") or "customer.id"))
    email = get_path(rec, str(args.get("email") or "email"))
    first = get_path(rec, str(args.get("first_name") or "customer.first_name"))
    last = get_path(rec, str(args.get("last_name") or "customer.last_name"))
    phone = get_path(rec, str(args.get("phone") or "customer.phone"))
    address = get_path(rec, str(args.get("address") or "shipping_address")) or {}
    if not isinstance(address, Mapping):
        address = {}
    name = odoo_join([first or address.get("first_name"), last or address.get("last_name")], {}, ctx)
    if not (pid or email or phone):
        raise ValueError(
            "no customer: the record has no customer id, email or phone, so Odoo cannot tell whose it is; "
            "add one at the source"
        )
    create: dict[str, Any] = {
        "name": name or email or phone,
        "email": email or None,
        "phone": phone or address.get("phone") or None,
        "street": address.get("address_1") or None,
        "street2": address.get("address_2") or None,
        "city": address.get("city") or None,
        "zip": address.get("postal_code") or None,
        "customer_rank": 1,
    }
    country = address.get("country_code")
    if country:
        create["country_id"] = odoo_ref(
            country, {"model": "res.country", "field": "code", "upper": True}, ctx
        )
    ref: dict[str, Any] = {
        "model": "res.partner",
        "field": "email" if email else "phone",
        "op": "=ilike" if email else "=",
        "value": email or phone,
        "what": "customer",
        "create": {k: v for k, v in create.items() if v is not None},
    }
    if pid:
        ref["xid"] = xid_name(str(args.get("xid_prefix") or ""), pid)
    return {"$ref": ref}


@register_custom("odoo_lines")
def odoo_lines(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[dict[str, Any]] | None:
    """Source items -> order line vals: product by SKU (`default_code`), quantity, unit price in major
    units; paths in args (`sku`, `quantity`, `unit_price`, `title`, `discount`); `args.qty_field` names the
    Odoo quantity field (sale: product_uom_qty, purchase: product_qty, invoice: quantity)."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError(f"expected a list of items, got {type(value).__name__}")
    currency = _currency(ctx.record, args, ctx)
    qty_field = str(args.get("qty_field") or "product_uom_qty")
    lines: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, Mapping):
            raise ValueError(f"an item is {type(item).__name__}, not an object")
        sku = get_path(item, str(args.get("sku") or "sku"))
        line: dict[str, Any] = {
            "product_id": odoo_ref(
                sku, {"model": "product.product", "field": "default_code", "what": "SKU"}, ctx
            )
            if sku not in (None, "")
            else None,
            qty_field: get_path(item, str(args.get("quantity") or "quantity")),
        }
        price = get_path(item, str(args.get("unit_price") or "unit_price"))
        if price is not None:  # args.minor_units false: the source already gives major units (Optiply)
            line["price_unit"] = (
                major_units(price, currency) if args.get("minor_units", True) else float(price)
            )
        title = get_path(item, str(args.get("title") or "title"))
        if title:
            line["name"] = str(title)
        discount = get_path(item, str(args.get("discount") or "discount_percent"))
        if discount:
            line["discount"] = float(discount)
        taxes = args.get("taxes")  # {"model": "account.tax", "field": "name", "lookup" | "values", "source"}
        if isinstance(taxes, Mapping):
            refs = odoo_refs(get_path(item, str(taxes.get("source") or "tax_code")), taxes, ctx)
            if refs is not None:
                line[str(taxes.get("target") or "tax_id")] = refs
        lines.append(line)
    return lines


@register_custom("odoo_state")
def odoo_state(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str:
    """The Odoo state a source status asks for: `args.cancel` statuses -> cancel; `args.draft` statuses
    -> draft; else `args.done` (default confirm; post for invoices) unless the `confirm` setting is draft."""
    if value is not None and str(value) in (args.get("cancel") or ["cancelled", "canceled"]):
        return "cancel"
    if value is not None and str(value) in (args.get("draft") or []):
        return "draft"
    done = str(args.get("done") or "confirm")
    return done if str(ctx.config.get("confirm") or "confirm") == "confirm" else "draft"


@register_custom("odoo_find")
def odoo_find(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[dict[str, Any]] | None:
    """Another way to find the record before creating it: `args.field` `args.op` (default `=`) the value
    (through `args.template`, as `odoo_format`); what makes a record created before a crash found again."""
    text = odoo_format(value, args, ctx)
    if text is None:
        return None
    return [{"field": str(args["field"]), "op": str(args.get("op") or "="), "value": text}]


@register_custom("odoo_finds")
def odoo_finds(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[dict[str, Any]] | None:
    """Several ways to find the record, in order (a customer by email, then by phone): `args.fields` is a
    list of `{"field", "op"?}`, one per source in order; empty sources are left out."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    finds = [
        {"field": str(spec["field"]), "op": str(spec.get("op") or "="), "value": v}
        for spec, v in zip(args["fields"], values, strict=False)
        if v not in (None, "")
    ]
    return finds or None


@register_custom("odoo_xid_ref")
def odoo_xid_ref(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> dict[str, Any] | None:
    """A reference to a record this target wrote before, by its external id (`args.prefix` + value)."""
    if value in (None, ""):
        return None
    name = xid_name(str(args.get("prefix") or ""), value)
    what = str(args.get("what") or args["model"])
    ref = {"model": args["model"], "field": "id", "value": value, "xid": name, "what": what, "xid_only": True}
    return {"$ref": ref}


@register_custom("odoo_refs")
def odoo_refs(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[dict[str, Any]] | None:
    """Several references (a line's taxes): `args.values`, or the lookup table `args.lookup` at the source
    value (else its `default` entry); each found by `args.field` of `args.model`."""
    found: Any = args.get("values")
    if found is None and args.get("lookup"):
        table = ctx.lookups.get(str(args["lookup"]), {})
        found = table.get(str(value), table.get("default"))
    if found in (None, "", []):
        return None
    names = found if isinstance(found, list) else [found]
    refs = [odoo_ref(n, {**args, "what": args.get("what") or args["field"]}, ctx) for n in names]
    return [r for r in refs if r is not None]


@register_custom("odoo_link")
def odoo_link(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> dict[str, Any] | None:
    """A record of another model that points at this one (a warehouse at its branch's calendar): found by
    `args.field` = the value (a dead letter naming it when Odoo lacks it); its many2one is the setting
    `args.setting` when set, else `args.link_field` (empty: the record must exist but is not linked)."""
    if value in (None, ""):
        return None
    ref = odoo_ref(value, {"model": args["model"], "field": args["field"], "what": args.get("what")}, ctx)
    setting = str(args.get("setting") or "")
    name = ctx.config[setting] if setting and setting in ctx.config else args.get("link_field")
    return {"model": str(args["model"]), "record": ref, "field": str(name) if name else None}
