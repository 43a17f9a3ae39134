"""What Odoo 17's business code does around the ORM, for the models the sandbox serves.

The store calls the hooks here on every create / write / unlink (defaults, checks, computed values) and
`rpc` serves the methods in `METHODS` (action_confirm, action_cancel, button_confirm, action_post,
action_apply_inventory, check_object_reference). Each rule says where it comes from: the write
recordings (`recordings/writes/writes.json`, "as recorded") or Odoo 17.0's source ("Odoo 17:
<module>/models/<file>.py") where the recordings do not show the behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sandbox.odoo.errors import AccessError, MissingError, OdooValueError, UserError, ValidationError
from sandbox.odoo.lazy import MISSING

if TYPE_CHECKING:
    from sandbox.odoo.store import Store

# ---------------------------------------------------------------------------------------------- constants
# Records of the recorded demo database the business code needs (ids as recorded).
COMPANY = 1  # My Company (San Francisco): the company of admin and demo
CURRENCY = 1  # USD
WAREHOUSE = 1  # YourCompany (WH)
STOCK_LOCATION = 8  # WH/Stock (the warehouse's lot_stock_id)
CUSTOMERS = 5  # Partners/Customers
VENDORS = 4  # Partners/Vendors
# The same locations in the 19 recordings (account and journal ids above stay 17's: ASSUMPTION on 19).
LOCATIONS_19 = {STOCK_LOCATION: 5, CUSTOMERS: 2, VENDORS: 1}  # WH/Stock, Customers, Vendors


def loc(store: Store, location: int) -> int:
    """A location id above, as the store's Odoo version numbers it."""
    return LOCATIONS_19.get(location, location) if store.major >= 19 else location


INVENTORY_LOSS = {1: 14, 2: 24}  # company -> Virtual Locations/Inventory adjustment
RECEIPTS, DELIVERIES = 1, 2  # stock.picking.type of WH
SALE_TEAM = 1  # Sales
JOURNALS = {"out_invoice": 1, "out_refund": 1, "in_invoice": 2, "in_refund": 2, "entry": 3}
INCOME_ACCOUNT, EXPENSE_ACCOUNT = 24, 30  # 400000 Product Sales, 600000 Expenses (recorded invoice lines)
RECEIVABLE, PAYABLE = 6, 14  # 121000 Account Receivable, 211000 Account Payable
TAX_ACCOUNT = {"sale": 19, "purchase": 8}  # 251000 Tax Received, 131000 Tax Paid
# action_cancel's wizard, as recorded: xmlid sale.mail_template_sale_cancellation and the
# view sale.sale_order_cancel_view_form have these ids in the recorded database.
CANCEL_TEMPLATE_ID = 19
CANCEL_VIEW_ID = 1334
# ir.model.data is not recorded; the real database held 27,620 external ids (the recorded create got 27621).
FIRST_IDS = {"ir.model.data": 27621}
MANDATORY = (
    "The operation cannot be completed:\n"
    "- Create/update: a mandatory field is not set.\n"
    "- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"
    "Model: {description} ({model})\nField: {string} ({name})\n"
)
# Required stored fields Odoo gives no default: a create or write leaving them empty is PostgreSQL's
# NOT NULL violation, which Odoo 17 reports with MANDATORY (as recorded for sale.order.partner_id).
REQUIRED = {
    "sale.order": ["partner_id"],
    "sale.order.line": ["order_id", "name"],
    "purchase.order": ["partner_id"],
    "purchase.order.line": ["order_id", "name"],
    "account.move.line": ["move_id"],
    "ir.model.data": ["name", "model"],
    "product.template": ["name"],
    "product.category": ["name"],
    "stock.location": ["name"],
    "stock.quant": ["product_id", "location_id"],
    "stock.move": ["product_id", "location_id", "location_dest_id"],
    "stock.picking": ["picking_type_id", "location_id", "location_dest_id"],
    "resource.calendar": ["name"],
    "resource.calendar.attendance": ["name", "dayofweek", "calendar_id"],
    "loyalty.program": ["name"],
    "loyalty.reward": ["program_id"],
    "loyalty.rule": ["program_id"],
    "account.tax": ["name"],
    "uom.uom": ["name"],
    "res.country": ["name", "code"],
    "product.supplierinfo": ["partner_id", "product_tmpl_id"],
}
RECURSION = {  # Odoo 17: base/models/res_partner.py, product/models/product_category.py
    "res.partner": "You cannot create recursive Partner hierarchies.",
    "product.category": "You cannot create recursive categories.",
}


def _spec(name: str, string: str, ftype: str, **extra: Any) -> dict[str, Any]:
    spec = {
        "name": name,
        "string": string,
        "type": ftype,
        "store": True,
        "readonly": False,
        "required": False,
        "searchable": True,
        "sortable": True,
        "manual": False,
        "exportable": True,
        "depends": [],
        "change_default": False,
        "company_dependent": False,
        "default_export_compatible": False,
    }
    spec.update(extra)
    return spec


def _log_fields() -> dict[str, dict[str, Any]]:
    return {
        "id": _spec("id", "ID", "integer", readonly=True),
        "display_name": _spec("display_name", "Display Name", "char", store=False, readonly=True),
        "create_date": _spec("create_date", "Created on", "datetime", readonly=True),
        "create_uid": _spec("create_uid", "Created by", "many2one", relation="res.users", readonly=True),
        "write_date": _spec("write_date", "Last Updated on", "datetime", readonly=True),
        "write_uid": _spec("write_uid", "Last Updated by", "many2one", relation="res.users", readonly=True),
    }


# Models the recordings lack but the recorded calls need, with the fields of Odoo 17's source
# (base/models/ir_model.py IrModelData, loyalty/models/loyalty_rule.py). Synthesized: an assumption.
SYNTHESIZED_FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "ir.model.data": {
        "name": _spec("name", "External Identifier", "char", required=True),
        "complete_name": _spec("complete_name", "Complete ID", "char", store=False, readonly=True),
        "model": _spec("model", "Model Name", "char", required=True),
        "module": _spec("module", "Module", "char", required=True),
        "res_id": _spec("res_id", "Record ID", "many2one_reference", model_field="model"),
        "noupdate": _spec("noupdate", "Non Updatable", "boolean"),
        "reference": _spec("reference", "Reference", "char", store=False, readonly=True),
        **_log_fields(),
    },
    "loyalty.rule": {
        "active": _spec("active", "Active", "boolean"),
        "program_id": _spec(
            "program_id", "Program", "many2one", relation="loyalty.program", required=True, ondelete="cascade"
        ),
        "program_type": _spec(
            "program_type", "Program Type", "selection", related="program_id.program_type", store=False
        ),
        "company_id": _spec("company_id", "Company", "many2one", relation="res.company"),
        "currency_id": _spec(
            "currency_id",
            "Currency",
            "many2one",
            relation="res.currency",
            related="program_id.currency_id",
            store=False,
        ),
        "product_domain": _spec("product_domain", "Product Domain", "char"),
        "product_ids": _spec("product_ids", "Products", "many2many", relation="product.product"),
        "product_category_id": _spec(
            "product_category_id", "Categories", "many2one", relation="product.category"
        ),
        "product_tag_id": _spec("product_tag_id", "Product Tag", "many2one", relation="product.tag"),
        "reward_point_amount": _spec("reward_point_amount", "Reward", "float"),
        "reward_point_split": _spec("reward_point_split", "Split per unit", "boolean"),
        "reward_point_mode": _spec(
            "reward_point_mode",
            "Reward Point Mode",
            "selection",
            required=True,
            selection=[["order", "per order"], ["money", "per $ spent"], ["unit", "per unit paid"]],
        ),
        "minimum_qty": _spec("minimum_qty", "Minimum Quantity", "integer"),
        "minimum_amount": _spec("minimum_amount", "Minimum Purchase", "monetary"),
        "minimum_amount_tax_mode": _spec(
            "minimum_amount_tax_mode",
            "Minimum Amount Tax Mode",
            "selection",
            required=True,
            selection=[["incl", "tax included"], ["excl", "tax excluded"]],
        ),
        "mode": _spec(
            "mode",
            "Application",
            "selection",
            required=True,
            selection=[["auto", "Automatic"], ["with_code", "With a promotion code"]],
        ),
        "code": _spec("code", "Discount code", "char"),
        **_log_fields(),
    },
}
SYNTHESIZED_DESCRIPTIONS = {"ir.model.data": "Model Data", "loyalty.rule": "Loyalty Rule"}

XMLRPC_NONE_FAULT = (
    "Traceback (most recent call last):\n"
    '  File "/opt/odoo17/server/odoo/addons/base/controllers/rpc.py", line 150, in xmlrpc_2\n'
    "    response = self._xmlrpc(service)\n"
    "               ^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "/opt/odoo17/server/odoo/addons/base/controllers/rpc.py", line 131, in _xmlrpc\n'
    "    return xmlrpc.client.dumps((result,), methodresponse=1, allow_none=False)\n"
    "           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "/usr/lib/python3.11/xmlrpc/client.py", line 981, in dumps\n'
    "    data = m.dumps(params)\n"
    "           ^^^^^^^^^^^^^^^\n"
    '  File "/usr/lib/python3.11/xmlrpc/client.py", line 514, in dumps\n'
    "    dump(v, write)\n"
    '  File "/usr/lib/python3.11/xmlrpc/client.py", line 536, in __dump\n'
    "    f(self, value, write)\n"
    '  File "/usr/lib/python3.11/xmlrpc/client.py", line 540, in dump_nil\n'
    '    raise TypeError("cannot marshal None unless allow_none is enabled")\n'
    "TypeError: cannot marshal None unless allow_none is enabled\n"
)
"""What Odoo 17 answers over XML-RPC when a method returns None (it marshals with allow_none=False), as
recorded for stock.quant.action_apply_inventory: faultCode 1 with this text, the call itself committed."""


# ---------------------------------------------------------------------------------------------- helpers
def round2(value: float) -> float:
    """Odoo's currency rounding (0.01, half up on the decimal value, like float_round)."""
    return float(Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def missing(model: str, ids: list[int], uid: int) -> MissingError:
    """Odoo's MissingError for ids that do not exist (`sale.order(999999,)` as recorded)."""
    return MissingError(
        f"Record does not exist or has been deleted.\n(Record: {model}{tuple(ids)!r}, User: {uid})",
        "_check_access",
    )


def mandatory(store: Store, model: str, name: str) -> ValidationError:
    spec = store.tables[model].fields[name]
    text = MANDATORY.format(
        description=store.description(model), model=model, string=spec["string"], name=name
    )
    return ValidationError(text, "_create")


def insert_failed(store: Store, model: str) -> None:
    """PostgreSQL took an id for the INSERT that failed (NOT NULL, CHECK, UNIQUE): it stays used."""
    store.tables[model].next_id += 1


def _ids(value: Any) -> list[int]:
    ids = [value] if isinstance(value, int) and not isinstance(value, bool) else list(value or [])
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise OdooValueError(f"Invalid record ids: {value!r}", "browse")
    return ids


def _existing(store: Store, model: str, ids: Any, uid: int) -> list[int]:
    ids = _ids(ids)
    gone = [i for i in ids if not store.exists(model, i)]
    if gone:
        raise missing(model, gone, uid)
    return ids


def _v(store: Store, model: str, rid: int, field: str) -> Any:
    return store.value(model, rid, field)


def _id(store: Store, model: str, rid: int, field: str) -> Any:
    return store.raw_id(model, rid, field)


def _m2m(vals: dict[str, Any], key: str, ids: list[int]) -> None:
    if key not in vals:
        vals[key] = [(6, 0, ids)]


def _now(store: Store) -> str:
    return store._clock(None)


def _add_days(day: str, days: int) -> str:
    return (date.fromisoformat(day[:10]) + timedelta(days=days)).isoformat()


def next_name(store: Store, key: str, prefix: str, width: int) -> str:
    """The next name of a standard ir.sequence: consumed even when the call fails (no gap filling)."""
    number = store.sequences.get(key, 1)
    store.sequences[key] = number + 1
    return f"{prefix}{number:0{width}d}"


def _max_number(store: Store, model: str, field: str, prefix: str) -> int:
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    table = store.tables[model]
    best = 0
    for rid in table.ids:
        found = pattern.match(str(table.rows[rid].get(field) or ""))
        if found:
            best = max(best, int(found.group(1)))
    return best


def on_load(store: Store) -> None:
    """Sequences continue after the recorded data: S00025, P00012, WH/OUT/00012, WH/IN/00007 ..."""
    store.sequences["sale.order"] = _max_number(store, "sale.order", "name", "S") + 1
    store.sequences["purchase.order"] = _max_number(store, "purchase.order", "name", "P") + 1
    pickings = store.tables["stock.picking"]
    for rid in pickings.ids:
        row = pickings.rows[rid]
        kind, name = row.get("picking_type_id"), str(row.get("name") or "")
        if kind and "/" in name:
            prefix = name.rsplit("/", 1)[0] + "/"
            store.picking_prefixes.setdefault(kind, prefix)
    for prefix in set(store.picking_prefixes.values()):
        store.sequences["stock.picking:" + prefix] = _max_number(store, "stock.picking", "name", prefix) + 1
    moves = store.tables["account.move"]
    for rid in moves.ids:  # journal entry name formats per (journal, move type), as recorded
        row = moves.rows[rid]
        prefix, name = str(row.get("sequence_prefix") or ""), str(row.get("name") or "")
        if not prefix or not name.startswith(prefix):
            continue
        parts = prefix.split("/")  # INV/2026/ (yearly) or BILL/2026/11/ (monthly)
        form = parts[0] + "/{year}/" + ("{month}/" if len(parts) == 4 else "")
        key = (row.get("journal_id"), row.get("move_type"))
        store.move_formats.setdefault(key, (form, len(name) - len(prefix)))


# ---------------------------------------------------------------------------------------------- taxes
def compute_taxes(
    store: Store, tax_ids: list[int], price_unit: float, qty: float, discount: float = 0.0
) -> tuple[float, float, list[tuple[int, float]]]:
    """(untaxed, tax, [(tax id, amount)]) of one line, rounded per line (the company's round_per_line).

    Percent and fixed taxes, excluded or included in the price (Odoo 17 account.tax compute_all for
    the simple cases; groups and division taxes are treated as percent taxes).
    """
    price = float(price_unit or 0.0) * (1 - float(discount or 0.0) / 100.0)
    base = price * float(qty or 0.0)
    taxes = []
    for tid in tax_ids:
        if not store.exists("account.tax", tid):
            continue
        kind = _v(store, "account.tax", tid, "amount_type")
        amount = float(_v(store, "account.tax", tid, "amount") or 0.0)
        taxes.append((tid, kind, amount, bool(_v(store, "account.tax", tid, "price_include"))))
    included_rate = sum(a for _, k, a, inc in taxes if inc and k != "fixed")
    included_fixed = sum(a * float(qty or 0.0) for _, k, a, inc in taxes if inc and k == "fixed")
    untaxed = (base - included_fixed) / (1 + included_rate / 100.0)
    untaxed = round2(untaxed)
    amounts = []
    for tid, kind, amount, included in taxes:
        if kind == "fixed":
            value = round2(amount * float(qty or 0.0))
        elif included:
            value = round2(untaxed * amount / 100.0)
        else:
            value = round2(untaxed * amount / 100.0)
        amounts.append((tid, value))
    if included_rate or included_fixed:  # the included taxes take what the rounding left
        total_included = round2(base)
        spread = round2(total_included - untaxed - sum(v for t, v in amounts if _included(taxes, t)))
        if amounts and spread:
            first = next(i for i, (t, _) in enumerate(amounts) if _included(taxes, t))
            amounts[first] = (amounts[first][0], round2(amounts[first][1] + spread))
    return untaxed, round2(sum(v for _, v in amounts)), amounts


def _included(taxes: list[tuple[int, Any, float, bool]], tid: int) -> bool:
    return any(t == tid and inc for t, _, _, inc in taxes)


def _company_taxes(store: Store, tax_ids: list[int], company: int) -> list[int]:
    return [
        t
        for t in tax_ids
        if store.exists("account.tax", t) and _id(store, "account.tax", t, "company_id") in (company, False)
    ]


# ---------------------------------------------------------------------------------------------- partners
_EMAIL = re.compile(r"([^ ,<@]+@[^> ,]+)")


def email_normalize(text: Any) -> Any:
    """Odoo 17 tools.email_normalize: the one address in the text, lower-cased, else False."""
    if not text or not isinstance(text, str):
        return False
    found = _EMAIL.findall(text)
    if len(found) != 1:
        return False
    return found[0].lower()


def address_get(store: Store, partner: int, kind: str) -> int:
    """Odoo 17 res.partner.address_get([kind]): a child address of that type, else the contact."""
    result: dict[str, int] = {}
    wanted = {kind, "contact"}
    visited: set[int] = set()
    current: Any = partner
    while current:
        to_scan = [current]
        while to_scan:
            rec = to_scan.pop(0)
            visited.add(rec)
            rtype = _v(store, "res.partner", rec, "type") or "contact"
            if rtype in wanted and rtype not in result:
                result[rtype] = rec
            if len(result) == len(wanted):
                return result[kind]
            kids = [
                c
                for c in _v(store, "res.partner", rec, "child_ids") or []
                if c not in visited
                and store.exists("res.partner", c)
                and _v(store, "res.partner", c, "active") is not False
                and not _v(store, "res.partner", c, "is_company")
            ]
            to_scan = kids + to_scan
        if _v(store, "res.partner", current, "is_company") or not _id(
            store, "res.partner", current, "parent_id"
        ):
            break
        current = _id(store, "res.partner", current, "parent_id")
    return result.get(kind) or result.get("contact") or partner


def _commercial_partner(store: Store, partner: int) -> int:
    seen = set()
    while partner and partner not in seen:
        seen.add(partner)
        parent = _id(store, "res.partner", partner, "parent_id")
        if _v(store, "res.partner", partner, "is_company") or not parent:
            return partner
        partner = parent
    return partner


def _check_recursion(store: Store, model: str, rid: int, parent: Any) -> None:
    seen = set()
    while parent:
        if parent == rid or parent in seen:
            raise ValidationError(RECURSION[model], "_check_recursion")
        seen.add(parent)
        parent = _id(store, model, parent, "parent_id") if store.exists(model, parent) else False


def _partner_name_check(store: Store, name: Any, ptype: Any) -> None:
    """SQL CHECK res_partner_check_name: (type='contact' AND name IS NOT NULL) or type != 'contact'."""
    if (ptype or "contact") == "contact" and not name:
        raise ValidationError("The operation cannot be completed: Contacts require a name", "_create")


# ---------------------------------------------------------------------------------------------- products
def _product_exists(store: Store, product: Any, uid: int) -> None:
    if product and isinstance(product, int) and not store.exists("product.product", product):
        raise missing("product.product", [product], uid)


def _product_description(store: Store, product: int, field: str) -> str:
    """display_name + "\\n" + description_sale (Odoo 17 get_product_multiline_description_sale)."""
    name = store.display_name("product.product", product)
    extra = _v(store, "product.product", product, field)
    return f"{name}\n{extra}" if extra else name


def _product_type(store: Store, product: Any) -> Any:
    """17's product type; on 19 a storable good (`consu` + `is_storable`) counts as 17's `product`."""
    if not product:
        return False
    kind = _v(store, "product.product", product, "type")
    if store.major >= 19 and kind == "consu" and _v(store, "product.product", product, "is_storable"):
        return "product"
    return kind


# Odoo 19 names of the 17 fields the business rules below write (recordings19/README.md, diff-17-19.json).
RENAMED_IN_19 = {
    ("sale.order.line", "product_uom"): "product_uom_id",
    ("sale.order.line", "tax_id"): "tax_ids",
    ("purchase.order.line", "product_uom"): "product_uom_id",
    ("purchase.order.line", "taxes_id"): "tax_ids",
    ("product.product", "uom_po_id"): "uom_id",
}


def _f(store: Store, model: str, name: str) -> str:
    """The field's name on the store's Odoo version (the rules are written with 17's names)."""
    return RENAMED_IN_19.get((model, name), name) if store.major >= 19 else name


# ---------------------------------------------------------------------------------------------- hooks
def create_instead(store: Store, model: str, vals: dict[str, Any], uid: int) -> int | None:
    """A create Odoo answers with an existing record (stock.quant in inventory mode), else None."""
    if model == "stock.quant":
        return _quant_create_inventory(store, vals, uid)
    return None


def before_create(store: Store, model: str, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    """Defaults and checks of a new record (the values as Odoo stores them); may raise."""
    rule = _BEFORE_CREATE.get(model)
    if rule is not None:
        vals = rule(store, vals, uid)
    for name in REQUIRED.get(model, ()):
        if name in store.tables[model].fields and vals.get(name) in (None, False, ""):
            insert_failed(store, model)
            raise mandatory(store, model, name)
    return vals


def after_create(store: Store, model: str, rid: int, given: dict[str, Any], uid: int) -> None:
    rule = _AFTER_CREATE.get(model)
    if rule is not None:
        rule(store, rid, given, uid)


def before_write(store: Store, model: str, rid: int, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    for name in REQUIRED.get(model, ()):
        if name in vals and vals[name] in (None, False, ""):
            raise mandatory(store, model, name)
    if model in RECURSION and "parent_id" in vals and vals["parent_id"]:
        _check_recursion(store, model, rid, vals["parent_id"])
    rule = _BEFORE_WRITE.get(model)
    return rule(store, rid, vals, uid) if rule is not None else vals


def after_write(
    store: Store, model: str, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int
) -> None:
    rule = _AFTER_WRITE.get(model)
    if rule is not None:
        rule(store, rid, vals, old, uid)


def before_unlink(store: Store, model: str, rid: int) -> None:
    rule = _BEFORE_UNLINK.get(model)
    if rule is not None:
        rule(store, rid)


def after_unlink(store: Store, model: str, rid: int, row: dict[str, Any]) -> None:
    rule = _AFTER_UNLINK.get(model)
    if rule is not None:
        rule(store, rid, row)


def computed(store: Store, model: str, rid: int, field: str) -> Any:
    """Non-stored computed fields the sandbox computes (MISSING: not one of them)."""
    rule = _COMPUTED.get((model, field))
    return MISSING if rule is None else rule(store, rid)


def display_name(store: Store, model: str, rid: int) -> str | None:
    if model == "ir.model.data":
        target_model, target = _v(store, model, rid, "model"), _v(store, model, rid, "res_id")
        if target and target_model in store.tables and store.exists(target_model, target):
            return store.display_name(target_model, target)
        return str(_complete_name(store, rid))
    if model == "stock.quant":
        location = _id(store, model, rid, "location_id")
        return store.display_name("stock.location", location) if location else None
    return None


# ---------------------------------------------------------------------------------------------- res.partner
def _partner_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    vals.setdefault("type", "contact")
    if (vals["type"] or "contact") == "contact" and not vals.get("name"):
        insert_failed(store, "res.partner")
    _partner_name_check(store, vals.get("name"), vals.get("type"))
    vals.setdefault("lang", store.context.get("lang") or "en_US")
    if "email" in vals:
        vals["email_normalized"] = email_normalize(vals["email"])  # Odoo 17 does not validate emails
    return vals


def _partner_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    store._set("res.partner", rid, {"commercial_partner_id": _commercial_partner(store, rid)})


def _partner_before_write(store: Store, rid: int, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    if "name" in vals or "type" in vals:
        name = vals["name"] if "name" in vals else _v(store, "res.partner", rid, "name")
        ptype = vals["type"] if "type" in vals else _v(store, "res.partner", rid, "type")
        _partner_name_check(store, name, ptype)
    if "email" in vals:
        vals["email_normalized"] = email_normalize(vals["email"])
    return vals


def _partner_after_write(store: Store, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int) -> None:
    if "parent_id" in vals or "is_company" in vals:
        for pid in store.descendants("res.partner", [rid]):
            store._set("res.partner", pid, {"commercial_partner_id": _commercial_partner(store, pid)})


# ---------------------------------------------------------------------------------------------- sale.order
def _sale_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    """Odoo 17 sale/models/sale_order.py: defaults and precomputed fields of a quotation."""
    if not vals.get("name") or vals.get("name") in ("New", "/"):  # taken first, as Odoo 17's create does
        vals["name"] = next_name(store, "sale.order", "S", 5)  # as recorded: S00025 after S00024
    partner = vals.get("partner_id")
    if not partner:
        insert_failed(store, "sale.order")  # the INSERT's NOT NULL failure
        raise mandatory(store, "sale.order", "partner_id")  # as recorded
    if isinstance(partner, int) and not store.exists("res.partner", partner):
        raise missing("res.partner", [partner], uid)
    now = _now(store)
    vals.setdefault("state", "draft")
    vals.setdefault("date_order", now)
    vals.setdefault("company_id", COMPANY)
    vals.setdefault("currency_id", CURRENCY)
    vals.setdefault("currency_rate", 1.0)
    vals.setdefault("warehouse_id", WAREHOUSE)
    vals.setdefault("picking_policy", "direct")
    vals.setdefault("partner_invoice_id", address_get(store, partner, "invoice"))
    vals.setdefault("partner_shipping_id", address_get(store, partner, "delivery"))
    vals.setdefault("user_id", _id(store, "res.partner", partner, "user_id") or uid)
    vals.setdefault("team_id", SALE_TEAM)
    # the recorded company's settings: quotations valid 30 days, signature and payment asked
    vals.setdefault("validity_date", _add_days(store.today(), 30))
    vals.setdefault("require_signature", True)
    vals.setdefault("require_payment", True)
    vals.setdefault("prepayment_percent", 1.0)
    vals.setdefault("locked", False)
    vals.setdefault("invoice_status", "no")
    return vals


def _sale_line_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    order = vals.get("order_id")
    product = vals.get("product_id")
    _product_exists(store, product, uid)  # as recorded: MissingError product.product(999999,)
    if order and not store.exists("sale.order", order):
        raise missing("sale.order", [order], uid)
    if product and not vals.get("display_type"):
        vals.setdefault("name", _product_description(store, product, "description_sale"))
        vals.setdefault(
            _f(store, "sale.order.line", "product_uom"), _id(store, "product.product", product, "uom_id")
        )
        taxes = _company_taxes(store, list(_v(store, "product.product", product, "taxes_id") or []), COMPANY)
        _m2m(vals, _f(store, "sale.order.line", "tax_id"), taxes)
        vals.setdefault("price_unit", float(_v(store, "product.product", product, "lst_price") or 0.0))
        vals.setdefault("customer_lead", float(_v(store, "product.product", product, "sale_delay") or 0.0))
        kind = _product_type(store, product)
        vals.setdefault("qty_delivered_method", "stock_move" if kind in ("product", "consu") else "manual")
    vals.setdefault("product_uom_qty", 0.0 if vals.get("display_type") else 1.0)
    vals.setdefault("price_unit", 0.0)
    vals.setdefault("discount", 0.0)
    vals.setdefault("sequence", 10)
    vals.setdefault("invoice_status", "no")
    if order:
        vals["state"] = _v(store, "sale.order", order, "state")
        vals.setdefault("company_id", _id(store, "sale.order", order, "company_id"))
        vals.setdefault("currency_id", _id(store, "sale.order", order, "currency_id"))
        vals.setdefault("order_partner_id", _id(store, "sale.order", order, "partner_id"))
        vals.setdefault("salesman_id", _id(store, "sale.order", order, "user_id"))
    return vals


def _sale_line_amounts(store: Store, line: int) -> None:
    if _v(store, "sale.order.line", line, "display_type"):
        values = dict.fromkeys(("price_subtotal", "price_tax", "price_total"), 0.0)
    else:
        qty = float(_v(store, "sale.order.line", line, "product_uom_qty") or 0.0)
        untaxed, tax, _ = compute_taxes(
            store,
            list(_v(store, "sale.order.line", line, _f(store, "sale.order.line", "tax_id")) or []),
            _v(store, "sale.order.line", line, "price_unit"),
            qty,
            _v(store, "sale.order.line", line, "discount"),
        )
        values = {
            "price_subtotal": untaxed,
            "price_tax": tax,
            "price_total": round2(untaxed + tax),
            "price_reduce_taxexcl": round2(untaxed / qty) if qty else 0.0,
            "price_reduce_taxinc": round2((untaxed + tax) / qty) if qty else 0.0,
        }
    store._set("sale.order.line", line, values)


def _sale_amounts(store: Store, order: int) -> None:
    """Odoo 17 sale.order._compute_amounts: sums of the lines' subtotals and taxes."""
    lines = [
        i for i in _v(store, "sale.order", order, "order_line") or [] if store.exists("sale.order.line", i)
    ]
    untaxed = round2(sum(float(_v(store, "sale.order.line", i, "price_subtotal") or 0.0) for i in lines))
    tax = round2(sum(float(_v(store, "sale.order.line", i, "price_tax") or 0.0) for i in lines))
    store._set(
        "sale.order",
        order,
        {"amount_untaxed": untaxed, "amount_tax": tax, "amount_total": round2(untaxed + tax)},
    )


def _sale_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    _sale_amounts(store, rid)


def _sale_after_write(store: Store, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int) -> None:
    if "state" in vals:
        for line in _v(store, "sale.order", rid, "order_line") or []:
            if store.exists("sale.order.line", line):
                store._set("sale.order.line", line, {"state": vals["state"]})
    if "order_line" in vals:  # the amounts depend on the lines only
        _sale_amounts(store, rid)


def _sale_before_unlink(store: Store, rid: int) -> None:
    """Odoo 17 sale_order._unlink_except_draft_or_cancel."""
    if _v(store, "sale.order", rid, "state") not in ("draft", "cancel"):
        raise UserError(
            "You can not delete a sent quotation or a confirmed sales order. You must first cancel it.",
            "_unlink_except_draft_or_cancel",
        )


def _sale_after_unlink(store: Store, rid: int, row: dict[str, Any]) -> None:
    for line in row.get("order_line") or []:  # ondelete='cascade'
        store._unlink_one("sale.order.line", line)


def _sale_line_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    _sale_line_amounts(store, rid)
    order = _id(store, "sale.order.line", rid, "order_id")
    if order:
        _sale_amounts(store, order)
        if _v(store, "sale.order", order, "state") == "sale":
            _sale_delivery(store, order, [rid])


def _sale_line_after_write(
    store: Store, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int
) -> None:
    _sale_line_amounts(store, rid)
    order = _id(store, "sale.order.line", rid, "order_id")
    before = old.get("order_id")
    if before and before != order and store.exists("sale.order", before):
        _sale_amounts(store, before)
    if order:
        _sale_amounts(store, order)
        if "product_uom_qty" in vals and _v(store, "sale.order", order, "state") == "sale":
            _sale_delivery(store, order, [rid])


def _sale_line_before_unlink(store: Store, rid: int) -> None:
    """Odoo 17 sale_order_line._unlink_except_confirmed / _check_line_unlink, message as recorded."""
    order = _id(store, "sale.order.line", rid, "order_id")
    if not order or not store.exists("sale.order", order):
        return  # the order itself is being deleted (cascade)
    if (
        _v(store, "sale.order.line", rid, "state") == "sale"
        and (
            _v(store, "sale.order.line", rid, "invoice_lines")
            or not _v(store, "sale.order.line", rid, "is_downpayment")
        )
        and not _v(store, "sale.order.line", rid, "display_type")
    ):
        raise UserError(
            "Once a sales order is confirmed, you can't remove one of its lines (we need to track if "
            "something gets invoiced or delivered).\n                Set the quantity to 0 instead.",
            "_unlink_except_confirmed",
        )


def _sale_line_after_unlink(store: Store, rid: int, row: dict[str, Any]) -> None:
    order = row.get("order_id")
    if order and store.exists("sale.order", order):
        _sale_amounts(store, order)


def _type_name(store: Store, rid: int) -> str:
    """Odoo 17 sale.order._compute_type_name."""
    return (
        "Quotation" if _v(store, "sale.order", rid, "state") in ("draft", "sent", "cancel") else "Sales Order"
    )


def _open_delivery(store: Store, order: int) -> int | None:
    for pid in _v(store, "sale.order", order, "picking_ids") or []:
        if (
            store.exists("stock.picking", pid)
            and _v(store, "stock.picking", pid, "state") not in ("done", "cancel")
            and _id(store, "stock.picking", pid, "picking_type_id") == DELIVERIES
        ):
            return int(pid)
    return None


def _sale_delivery(store: Store, order: int, lines: list[int]) -> None:
    """Odoo 17 sale_stock: confirming creates one delivery (WH/OUT/...) with a move per storable or
    consumable line; a line added or changed later goes into the open delivery. Moves stay
    'confirmed' (the sandbox does not reserve stock), the picking too."""
    stamp = _now(store)
    wanted = []
    for line in lines:
        product = _id(store, "sale.order.line", line, "product_id")
        storable = product and _product_type(store, product) in ("product", "consu")
        if storable and not _v(store, "sale.order.line", line, "display_type"):
            wanted.append((line, product))
    if not wanted:
        return
    picking = _open_delivery(store, order)
    if picking is None:
        partner = _id(store, "sale.order", order, "partner_shipping_id") or _id(
            store, "sale.order", order, "partner_id"
        )
        picking = store._create_one(
            "stock.picking",
            {
                "picking_type_id": DELIVERIES,
                "location_id": loc(store, STOCK_LOCATION),
                "location_dest_id": loc(store, CUSTOMERS),
                "partner_id": partner,
                "origin": _v(store, "sale.order", order, "name"),
                "sale_id": order,
                "scheduled_date": stamp,
                "date_deadline": stamp,
                "state": "confirmed",
            },
            store.uid,
            None,
        )
    for line, product in wanted:
        qty = float(_v(store, "sale.order.line", line, "product_uom_qty") or 0.0)
        open_moves = [
            m
            for m in _v(store, "sale.order.line", line, "move_ids") or []
            if store.exists("stock.move", m) and _v(store, "stock.move", m, "state") not in ("done", "cancel")
        ]
        if open_moves:
            store._set("stock.move", open_moves[0], {"product_uom_qty": qty, "product_qty": qty})
            continue
        store._create_one(
            "stock.move",
            {
                "name": store.display_name("product.product", product),
                "product_id": product,
                "product_uom_qty": qty,
                "product_uom": _id(
                    store, "sale.order.line", line, _f(store, "sale.order.line", "product_uom")
                ),
                "location_id": loc(store, STOCK_LOCATION),
                "location_dest_id": loc(store, CUSTOMERS),
                "picking_id": picking,
                "picking_type_id": DELIVERIES,
                "sale_line_id": line,
                "partner_id": _id(store, "stock.picking", picking, "partner_id"),
                "origin": _v(store, "sale.order", order, "name"),
                "warehouse_id": WAREHOUSE,
                "state": "confirmed",
            },
            store.uid,
            None,
        )
    _delivery_status(store, order)


def _delivery_status(store: Store, order: int) -> None:
    """Odoo 17 sale_stock sale.order._compute_delivery_status."""
    states = [
        _v(store, "stock.picking", p, "state")
        for p in _v(store, "sale.order", order, "picking_ids") or []
        if store.exists("stock.picking", p)
    ]
    if not states or all(s == "cancel" for s in states):
        status: Any = False
    elif all(s in ("done", "cancel") for s in states):
        status = "full"
    elif any(s == "done" for s in states):
        status = "partial"
    else:
        status = "pending"
    store._set("sale.order", order, {"delivery_status": status})


def _cancel_pickings(store: Store, pickings: list[int]) -> None:
    for pid in pickings:
        if not store.exists("stock.picking", pid) or _v(store, "stock.picking", pid, "state") == "done":
            continue
        for move in _v(store, "stock.picking", pid, "move_ids") or []:
            if store.exists("stock.move", move) and _v(store, "stock.move", move, "state") != "done":
                store._set("stock.move", move, {"state": "cancel"})
        store._set("stock.picking", pid, {"state": "cancel"})


def sale_action_confirm(store: Store, model: str, uid: int, context: dict[str, Any], ids: Any) -> bool:
    """Odoo 17 sale.order.action_confirm: True, state 'sale', date_order now, a delivery (as recorded)."""
    ids = _existing(store, model, ids, uid)
    store.check_access(uid, model, "write")
    if any(_v(store, model, i, "state") not in ("draft", "sent") for i in ids):
        names = ", ".join(store.display_name(model, i) for i in ids)
        raise UserError(
            f"The following orders are not in a state requiring confirmation: {names}", "action_confirm"
        )
    stamp = _now(store)
    for order in ids:
        store._write_one(model, order, {"state": "sale", "date_order": stamp}, uid, stamp)
        _sale_delivery(store, order, list(_v(store, model, order, "order_line") or []))
    return True


def sale_action_draft(store: Store, model: str, uid: int, context: dict[str, Any], ids: Any) -> bool:
    """Odoo 17 sale.order.action_draft: cancelled or sent orders back to quotation; True."""
    ids = _existing(store, model, ids, uid)
    store.check_access(uid, model, "write")
    stamp = _now(store)
    values = {"state": "draft", "signed_by": False, "signed_on": False}
    for order in ids:
        if _v(store, model, order, "state") in ("cancel", "sent"):
            store._write_one(model, order, values, uid, stamp)
    return True


def sale_action_lock(store: Store, model: str, uid: int, context: dict[str, Any], ids: Any) -> None:
    """Odoo 17 sale.order.action_lock: locked = True; returns None (a fault over XML-RPC, see above)."""
    _sale_set_locked(store, model, uid, ids, True)


def sale_action_unlock(store: Store, model: str, uid: int, context: dict[str, Any], ids: Any) -> None:
    """Odoo 17 sale.order.action_unlock: locked = False; returns None."""
    _sale_set_locked(store, model, uid, ids, False)


def _sale_set_locked(store: Store, model: str, uid: int, ids: Any, locked: bool) -> None:
    ids = _existing(store, model, ids, uid)
    store.check_access(uid, model, "write")
    stamp = _now(store)
    for order in ids:
        store._write_one(model, order, {"locked": locked}, uid, stamp)


def sale_action_cancel(store: Store, model: str, uid: int, context: dict[str, Any], ids: Any) -> Any:
    """Odoo 17 sale.order.action_cancel: the sale.order.cancel wizard for a non-draft order (as recorded),
    unless the context has disable_cancel_warning; else cancel the orders and their open deliveries."""
    ids = _existing(store, model, ids, uid)
    store.check_access(uid, model, "write")
    if any(_v(store, model, i, "locked") for i in ids):
        raise UserError("You cannot cancel a locked order. Please unlock it first.", "action_cancel")
    if not context.get("disable_cancel_warning") and any(
        _v(store, model, i, "state") != "draft" for i in ids
    ):
        if len(ids) != 1:
            raise OdooValueError(f"Expected singleton: {model}{tuple(ids)!r}", "ensure_one")
        type_name = _type_name(store, ids[0])
        return {
            "name": f"Cancel {type_name}",
            "view_mode": "form",
            "res_model": "sale.order.cancel",
            "view_id": CANCEL_VIEW_ID,
            "type": "ir.actions.act_window",
            "context": {
                "default_template_id": CANCEL_TEMPLATE_ID,
                "default_order_id": ids[0],
                "mark_so_as_canceled": True,
                "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
                "model_description": type_name,
            },
            "target": "new",
        }
    stamp = _now(store)
    for order in ids:
        _cancel_pickings(store, list(_v(store, model, order, "picking_ids") or []))
        store._write_one(model, order, {"state": "cancel"}, uid, stamp)
        _delivery_status(store, order)
    return True


# ---------------------------------------------------------------------------------------------- purchase
def _purchase_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    if not vals.get("name") or vals.get("name") in ("New", "/"):  # taken first, as Odoo 17's create does
        vals["name"] = next_name(store, "purchase.order", "P", 5)  # as recorded: P00012 after P00011
    partner = vals.get("partner_id")
    if not partner:
        insert_failed(store, "purchase.order")
        raise mandatory(store, "purchase.order", "partner_id")
    if isinstance(partner, int) and not store.exists("res.partner", partner):
        raise missing("res.partner", [partner], uid)
    vals.setdefault("state", "draft")
    vals.setdefault("date_order", _now(store))
    vals.setdefault("company_id", COMPANY)
    vals.setdefault("currency_id", CURRENCY)
    vals.setdefault("currency_rate", 1.0)
    vals.setdefault("picking_type_id", RECEIPTS)
    vals.setdefault("user_id", uid)
    vals.setdefault("priority", "0")
    vals.setdefault("invoice_status", "no")
    return vals


def _select_seller(store: Store, product: int, partner: Any, qty: float, day: str) -> int | None:
    """Odoo 17 product.product._select_seller: the vendor's price line for this product and quantity."""
    model = "product.supplierinfo"
    template = _id(store, "product.product", product, "product_tmpl_id")
    partners = {partner, _commercial_partner(store, partner)} if partner else set()
    found = []
    for sid in _v(store, "product.template", template, "seller_ids") or []:
        if not store.exists(model, sid) or _id(store, model, sid, "partner_id") not in partners:
            continue
        start, end = _v(store, model, sid, "date_start"), _v(store, model, sid, "date_end")
        if (start and start > day) or (end and end < day):
            continue
        if _id(store, model, sid, "product_id") not in (False, product):
            continue
        if float(_v(store, model, sid, "min_qty") or 0.0) > qty:
            continue
        key = (
            int(_v(store, model, sid, "sequence") or 0),
            -float(_v(store, model, sid, "min_qty") or 0.0),
            float(_v(store, model, sid, "price") or 0.0),
            sid,
        )
        found.append((key, sid))
    return min(found)[1] if found else None


def _purchase_line_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    order = vals.get("order_id")
    product = vals.get("product_id")
    _product_exists(store, product, uid)
    if order and not store.exists("purchase.order", order):
        raise missing("purchase.order", [order], uid)
    if product and not vals.get("display_type"):
        vals.setdefault("name", _product_description(store, product, "description_purchase"))
        vals.setdefault(
            _f(store, "purchase.order.line", "product_uom"),
            _id(store, "product.product", product, _f(store, "product.product", "uom_po_id")),
        )
        taxes = _company_taxes(
            store, list(_v(store, "product.product", product, "supplier_taxes_id") or []), COMPANY
        )
        _m2m(vals, _f(store, "purchase.order.line", "taxes_id"), taxes)
        kind = _product_type(store, product)
        vals.setdefault("qty_received_method", "stock_moves" if kind in ("product", "consu") else "manual")
    vals.setdefault("product_qty", 0.0 if vals.get("display_type") else 1.0)
    if product and order and not vals.get("display_type"):
        # Odoo 17 _compute_price_unit_and_date_planned_and_name: the vendor's price line, else the cost
        date_order = _v(store, "purchase.order", order, "date_order") or _now(store)
        partner = _id(store, "purchase.order", order, "partner_id")
        seller = _select_seller(store, product, partner, float(vals["product_qty"] or 0.0), date_order[:10])
        if seller is None:
            vals.setdefault(
                "price_unit", float(_v(store, "product.product", product, "standard_price") or 0.0)
            )
            vals.setdefault("date_planned", date_order)
        else:
            vals.setdefault("price_unit", float(_v(store, "product.supplierinfo", seller, "price") or 0.0))
            vals.setdefault("discount", float(_v(store, "product.supplierinfo", seller, "discount") or 0.0))
            delay = int(_v(store, "product.supplierinfo", seller, "delay") or 0)
            day = _add_days(date_order, delay)
            vals.setdefault("date_planned", f"{day} {date_order[11:19] or '00:00:00'}")
    vals.setdefault("product_uom_qty", vals["product_qty"])
    vals.setdefault("price_unit", 0.0)
    vals.setdefault("discount", 0.0)
    vals.setdefault("sequence", 10)
    if order:
        vals["state"] = _v(store, "purchase.order", order, "state")
        vals.setdefault("date_planned", _v(store, "purchase.order", order, "date_order"))
        vals.setdefault("partner_id", _id(store, "purchase.order", order, "partner_id"))
        vals.setdefault("company_id", _id(store, "purchase.order", order, "company_id"))
        vals.setdefault("currency_id", _id(store, "purchase.order", order, "currency_id"))
    return vals


def _purchase_line_amounts(store: Store, line: int) -> None:
    model = "purchase.order.line"
    untaxed, tax, _ = compute_taxes(
        store,
        list(_v(store, model, line, _f(store, model, "taxes_id")) or []),
        _v(store, model, line, "price_unit"),
        _v(store, model, line, "product_qty"),
        _v(store, model, line, "discount"),
    )
    store._set(
        model, line, {"price_subtotal": untaxed, "price_tax": tax, "price_total": round2(untaxed + tax)}
    )


def _purchase_amounts(store: Store, order: int) -> None:
    lines = [
        i
        for i in _v(store, "purchase.order", order, "order_line") or []
        if store.exists("purchase.order.line", i)
    ]
    untaxed = round2(sum(float(_v(store, "purchase.order.line", i, "price_subtotal") or 0.0) for i in lines))
    tax = round2(sum(float(_v(store, "purchase.order.line", i, "price_tax") or 0.0) for i in lines))
    planned = [d for d in (_v(store, "purchase.order.line", i, "date_planned") for i in lines) if d]
    values: dict[str, Any] = {
        "amount_untaxed": untaxed,
        "amount_tax": tax,
        "amount_total": round2(untaxed + tax),
    }
    if planned:  # Odoo 17 purchase.order._compute_date_planned: the earliest line date
        values["date_planned"] = min(planned)
    store._set("purchase.order", order, values)


def _purchase_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    _purchase_amounts(store, rid)


def _purchase_after_write(
    store: Store, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int
) -> None:
    if "state" in vals:
        for line in _v(store, "purchase.order", rid, "order_line") or []:
            if store.exists("purchase.order.line", line):
                store._set("purchase.order.line", line, {"state": vals["state"]})
    if "order_line" in vals:
        _purchase_amounts(store, rid)


def _purchase_line_after(store: Store, rid: int, *_: Any) -> None:
    _purchase_line_amounts(store, rid)
    order = _id(store, "purchase.order.line", rid, "order_id")
    if order:
        _purchase_amounts(store, order)


def _purchase_line_after_unlink(store: Store, rid: int, row: dict[str, Any]) -> None:
    order = row.get("order_id")
    if order and store.exists("purchase.order", order):
        _purchase_amounts(store, order)


def _add_supplier_to_product(store: Store, order: int) -> None:
    """Odoo 17 purchase.order._add_supplier_to_product: the vendor becomes a seller of each product."""
    partner = _id(store, "purchase.order", order, "partner_id")
    vendor = _id(store, "res.partner", partner, "parent_id") or partner
    for line in _v(store, "purchase.order", order, "order_line") or []:
        product = _id(store, "purchase.order.line", line, "product_id")
        if not product:
            continue
        template = _id(store, "product.product", product, "product_tmpl_id")
        sellers = [
            s
            for s in _v(store, "product.template", template, "seller_ids") or []
            if store.exists("product.supplierinfo", s)
        ]
        if {vendor, partner} & {_id(store, "product.supplierinfo", s, "partner_id") for s in sellers}:
            continue
        if len(sellers) > 10:
            continue
        sequence = (
            max((int(_v(store, "product.supplierinfo", s, "sequence") or 0) for s in sellers), default=0) + 1
        )
        store._create_one(
            "product.supplierinfo",
            {
                "partner_id": vendor,
                "product_tmpl_id": template,
                "sequence": sequence if sellers else 1,
                "min_qty": 1.0,
                "price": float(_v(store, "purchase.order.line", line, "price_unit") or 0.0),
                "currency_id": CURRENCY,
                "discount": float(_v(store, "purchase.order.line", line, "discount") or 0.0),
                "delay": 0,
                "company_id": _id(store, "purchase.order", order, "company_id"),
            },
            store.uid,
            None,
        )


def _purchase_receipt(store: Store, order: int) -> None:
    """Odoo 17 purchase_stock: one receipt (WH/IN/...) with a move per storable/consumable line; moves
    from the vendor location are available at once ('assigned'), as the recorded receipts are."""
    stamp = _now(store)
    lines = []
    for line in _v(store, "purchase.order", order, "order_line") or []:
        product = _id(store, "purchase.order.line", line, "product_id")
        if product and _product_type(store, product) in ("product", "consu"):
            lines.append((line, product))
    if not lines:
        return
    picking = store._create_one(
        "stock.picking",
        {
            "picking_type_id": RECEIPTS,
            "location_id": loc(store, VENDORS),
            "location_dest_id": loc(store, STOCK_LOCATION),
            "partner_id": _id(store, "purchase.order", order, "partner_id"),
            "origin": _v(store, "purchase.order", order, "name"),
            "scheduled_date": _v(store, "purchase.order", order, "date_planned") or stamp,
            "state": "assigned",
        },
        store.uid,
        None,
    )
    for line, product in lines:
        qty = float(_v(store, "purchase.order.line", line, "product_qty") or 0.0)
        store._create_one(
            "stock.move",
            {
                "name": _v(store, "purchase.order.line", line, "name"),
                "product_id": product,
                "product_uom_qty": qty,
                "product_uom": _id(
                    store, "purchase.order.line", line, _f(store, "purchase.order.line", "product_uom")
                ),
                "location_id": loc(store, VENDORS),
                "location_dest_id": loc(store, STOCK_LOCATION),
                "picking_id": picking,
                "picking_type_id": RECEIPTS,
                "purchase_line_id": line,
                "partner_id": _id(store, "purchase.order", order, "partner_id"),
                "origin": _v(store, "purchase.order", order, "name"),
                "price_unit": float(_v(store, "purchase.order.line", line, "price_unit") or 0.0),
                "warehouse_id": WAREHOUSE,
                "state": "assigned",
            },
            store.uid,
            None,
        )
    pickings = list(_v(store, "purchase.order", order, "picking_ids") or [])
    store._set("purchase.order", order, {"picking_ids": [*pickings, picking], "receipt_status": "pending"})


def purchase_button_confirm(store: Store, model: str, uid: int, context: dict[str, Any], ids: Any) -> bool:
    """Odoo 17 purchase.order.button_confirm: True, state 'purchase', date_approve, a receipt (as
    recorded); orders not in draft/sent are skipped; the vendor is added to the products' sellers."""
    ids = _existing(store, model, ids, uid)
    store.check_access(uid, model, "write")
    stamp = _now(store)
    for order in ids:
        if _v(store, model, order, "state") not in ("draft", "sent"):
            continue
        _add_supplier_to_product(store, order)
        store._write_one(model, order, {"state": "purchase", "date_approve": stamp}, uid, stamp)
        _purchase_receipt(store, order)
    return True


# ---------------------------------------------------------------------------------------------- account.move
INVOICE_TYPES = ("out_invoice", "out_refund", "in_invoice", "in_refund")


def _direction(move_type: Any) -> int:
    """+1 where the customer or vendor owes (out_invoice, in_refund), -1 the other way."""
    return 1 if move_type in ("out_invoice", "in_refund", "out_receipt") else -1


def _move_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    move_type = vals.setdefault("move_type", "entry")
    partner = vals.get("partner_id")
    if isinstance(partner, int) and partner and not store.exists("res.partner", partner):
        raise missing("res.partner", [partner], uid)
    vals.setdefault("journal_id", JOURNALS.get(move_type, 3))
    vals.setdefault("state", "draft")
    vals.setdefault("name", "/")  # as recorded: a draft invoice is "/" until posted
    vals.setdefault("date", store.today())
    vals.setdefault("currency_id", CURRENCY)
    vals.setdefault("company_id", COMPANY)
    vals.setdefault("payment_state", "not_paid")
    vals.setdefault("auto_post", "no")
    if partner:
        vals.setdefault("commercial_partner_id", _commercial_partner(store, partner))
    if move_type in INVOICE_TYPES:
        vals.setdefault("invoice_user_id", uid)
        if partner:
            vals.setdefault("partner_shipping_id", partner)
            vals.setdefault("invoice_partner_display_name", store.display_name("res.partner", partner))
    return vals


def _move_line_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    move = vals.get("move_id")
    product = vals.get("product_id")
    _product_exists(store, product, uid)
    if move and not store.exists("account.move", move):
        raise missing("account.move", [move], uid)
    move_type = _v(store, "account.move", move, "move_type") if move else "entry"
    sale = move_type in ("out_invoice", "out_refund")
    vals.setdefault("display_type", "product")
    if vals["display_type"] == "product" and move_type in INVOICE_TYPES:
        if product:
            vals.setdefault(
                "name",
                _product_description(store, product, "description_sale" if sale else "description_purchase"),
            )
            vals.setdefault("product_uom_id", _id(store, "product.product", product, "uom_id"))
            taxes = list(
                _v(store, "product.product", product, "taxes_id" if sale else "supplier_taxes_id") or []
            )
            _m2m(vals, "tax_ids", _company_taxes(store, taxes, COMPANY))
            price = "lst_price" if sale else "standard_price"
            vals.setdefault("price_unit", float(_v(store, "product.product", product, price) or 0.0))
        vals.setdefault("account_id", INCOME_ACCOUNT if sale else EXPENSE_ACCOUNT)
        vals.setdefault("quantity", 1.0)
    vals.setdefault(
        "sequence", {"tax": 10000, "rounding": 11000, "payment_term": 12000}.get(vals["display_type"], 100)
    )
    vals.setdefault("discount", 0.0)
    if move:
        vals.setdefault(
            "partner_id",
            _v(store, "account.move", move, "commercial_partner_id")
            or _id(store, "account.move", move, "partner_id"),
        )
        vals.setdefault("company_id", _id(store, "account.move", move, "company_id"))
        vals.setdefault("currency_id", _id(store, "account.move", move, "currency_id"))
        vals.setdefault("journal_id", _id(store, "account.move", move, "journal_id"))
        vals.setdefault("date", _v(store, "account.move", move, "date"))
        vals.setdefault("parent_state", _v(store, "account.move", move, "state"))
        vals.setdefault("move_name", _v(store, "account.move", move, "name"))
    return vals


def _move_sync(store: Store, move: int) -> None:
    """Odoo 17 account.move: product lines' amounts, one tax line per tax, one payment term line, totals.

    Run once the move and all the lines of its create exist (as recorded: invoice lines 77, 78 first)."""
    if store._syncing or ("account.move", move) in store.creating:
        return
    move_type = _v(store, "account.move", move, "move_type")
    if move_type not in INVOICE_TYPES:
        return
    store._syncing = True
    try:
        _move_sync_lines(store, move, move_type)
    finally:
        store._syncing = False


def _move_sync_lines(store: Store, move: int, move_type: str) -> None:
    aml = "account.move.line"
    sign = -_direction(move_type)  # balance sign of the product lines (income is a credit)
    lines = [i for i in _v(store, "account.move", move, "line_ids") or [] if store.exists(aml, i)]
    products = [i for i in lines if _v(store, aml, i, "display_type") == "product"]
    per_tax: dict[int, list[float]] = {}
    untaxed = tax_total = 0.0
    for line in products:
        taxes = list(_v(store, aml, line, "tax_ids") or [])
        sub, tax, amounts = compute_taxes(
            store,
            taxes,
            _v(store, aml, line, "price_unit"),
            _v(store, aml, line, "quantity"),
            _v(store, aml, line, "discount"),
        )
        for tid, amount in amounts:
            slot = per_tax.setdefault(tid, [0.0, 0.0])
            slot[0] += amount
            slot[1] += sub
        untaxed += sub
        tax_total += tax
        balance = round2(sign * sub)
        store._set(aml, line, _balance(balance) | {"price_subtotal": sub, "price_total": round2(sub + tax)})
    existing = {
        _id(store, aml, i, "tax_line_id"): i for i in lines if _v(store, aml, i, "display_type") == "tax"
    }
    kind = "sale" if move_type.startswith("out") else "purchase"
    for tid, (amount, base) in per_tax.items():
        values = _balance(round2(sign * amount)) | {"tax_base_amount": round2(base)}
        if tid in existing:
            store._set(aml, existing.pop(tid), values)
            continue
        repartition = list(
            _v(
                store,
                "account.tax",
                tid,
                "invoice_repartition_line_ids"
                if move_type in ("out_invoice", "in_invoice")
                else "refund_repartition_line_ids",
            )
            or []
        )
        store._create_one(
            aml,
            {
                "move_id": move,
                "display_type": "tax",
                "name": _v(store, "account.tax", tid, "name"),
                "account_id": TAX_ACCOUNT[kind],
                "tax_line_id": tid,
                "tax_group_id": _id(store, "account.tax", tid, "tax_group_id"),
                "tax_repartition_line_id": repartition[-1] if repartition else False,
                "quantity": 0.0,
                **values,
            },
            store.uid,
            None,
        )
    for line in existing.values():
        store._unlink_one(aml, line)
    total = round2(untaxed + tax_total)
    terms = [i for i in lines if _v(store, aml, i, "display_type") == "payment_term"]
    due = (
        _v(store, "account.move", move, "invoice_date_due")
        or _v(store, "account.move", move, "invoice_date")
        or _v(store, "account.move", move, "date")
    )
    term_values = _balance(round2(-sign * total)) | {
        "date_maturity": due,
        "amount_residual": round2(-sign * total),
    }
    if terms:
        store._set(aml, terms[0], term_values)
    else:
        store._create_one(
            aml,
            {
                "move_id": move,
                "display_type": "payment_term",
                "name": _v(store, "account.move", move, "payment_reference") or "",
                "account_id": RECEIVABLE if kind == "sale" else PAYABLE,
                "quantity": 0.0,
                **term_values,
            },
            store.uid,
            None,
        )
    direction = _direction(move_type)
    untaxed, tax_total = round2(untaxed), round2(tax_total)
    _invoice_lines(store, move)
    store._set(
        "account.move",
        move,
        {
            "amount_untaxed": untaxed,
            "amount_tax": tax_total,
            "amount_total": total,
            "amount_residual": total,
            "amount_untaxed_signed": round2(direction * untaxed),
            "amount_tax_signed": round2(direction * tax_total),
            "amount_total_signed": round2(direction * total),
            "amount_total_in_currency_signed": round2(direction * total),
            "amount_residual_signed": round2(direction * total),
            "invoice_date_due": due,
        },
    )


def _invoice_lines(store: Store, move: int) -> None:
    """invoice_line_ids: the lines of line_ids shown on the invoice (its domain on display_type)."""
    shown = ("product", "line_section", "line_note")
    lines = [
        i
        for i in _v(store, "account.move", move, "line_ids") or []
        if store.exists("account.move.line", i) and _v(store, "account.move.line", i, "display_type") in shown
    ]
    store._set("account.move", move, {"invoice_line_ids": lines})


def _balance(balance: float) -> dict[str, Any]:
    return {
        "balance": balance,
        "amount_currency": balance,
        "debit": balance if balance > 0 else 0.0,
        "credit": -balance if balance < 0 else 0.0,
    }


def _move_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    _move_sync(store, rid)


def _move_after_write(store: Store, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int) -> None:
    if {"line_ids", "invoice_line_ids", "invoice_date", "invoice_date_due"} & set(vals):
        _move_sync(store, rid)


def _move_before_write(store: Store, rid: int, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    """Odoo 17 account.move._check_fiscalyear_lock_date / write: a posted entry's lines are locked."""
    if _v(store, "account.move", rid, "state") == "posted" and {"line_ids", "invoice_line_ids"} & set(vals):
        raise UserError("You cannot modify a posted entry of this journal.", "write")
    return vals


def _move_line_after(store: Store, rid: int, *_: Any) -> None:
    move = _id(store, "account.move.line", rid, "move_id")
    if move and _v(store, "account.move.line", rid, "display_type") == "product":
        _move_sync(store, move)
    if move and not store._syncing:
        _invoice_lines(store, move)


def _move_line_after_unlink(store: Store, rid: int, row: dict[str, Any]) -> None:
    move = row.get("move_id")
    if move and store.exists("account.move", move) and row.get("display_type") == "product":
        _move_sync(store, move)


def _move_after_unlink(store: Store, rid: int, row: dict[str, Any]) -> None:
    for line in row.get("line_ids") or []:  # ondelete='cascade'
        store._unlink_one("account.move.line", line)


def _move_before_unlink(store: Store, rid: int) -> None:
    """Odoo 17 account.move._unlink_forbid_parts_of_chain / posted entries cannot be deleted."""
    if _v(store, "account.move", rid, "state") == "posted":
        raise UserError(
            "You cannot delete an entry which has been posted once.", "_unlink_forbid_parts_of_chain"
        )


def _move_name(store: Store, move: int, when: str) -> tuple[str, str, int]:
    """The next name of the journal's sequence for the move's date (Odoo 17 sequence.mixin): the
    recorded format (INV/2026/00005 after INV/2026/00004; BILL/2026/11/0001 ...) and max + 1."""
    journal = _id(store, "account.move", move, "journal_id")
    move_type = _v(store, "account.move", move, "move_type")
    form, width = store.move_formats.get((journal, move_type), (None, 5))
    if form is None:
        code = {1: "INV", 2: "BILL", 3: "MISC"}.get(journal, f"J{journal}")
        form = ("R" if move_type in ("out_refund", "in_refund") else "") + code + "/{year}/"
    prefix = form.format(year=when[:4], month=when[5:7])
    moves = store.tables["account.move"]
    last = 0
    for rid in store.all_ids("account.move"):
        if store.value("account.move", rid, "sequence_prefix") == prefix and moves.exists(rid):
            last = max(last, int(store.value("account.move", rid, "sequence_number") or 0))
    number = last + 1
    return f"{prefix}{number:0{width}d}", prefix, number


def move_action_post(store: Store, model: str, uid: int, context: dict[str, Any], ids: Any) -> bool:
    """Odoo 17 account.move.action_post: posts and returns False (as recorded); invoice_date defaults
    to today for customer documents, the name comes from the journal's sequence."""
    ids = _existing(store, model, ids, uid)
    store.check_access(uid, model, "write")
    stamp = _now(store)
    for move in ids:
        name = _v(store, model, move, "name")
        move_type = _v(store, model, move, "move_type")
        if _v(store, model, move, "state") == "posted":
            raise UserError(f"The entry {name} (id {move}) is already posted.", "_post")
        if not [i for i in _v(store, model, move, "line_ids") or [] if store.exists("account.move.line", i)]:
            raise UserError("You need to add a line before posting.", "_post")
        invoice_date = _v(store, model, move, "invoice_date")
        if move_type in INVOICE_TYPES:
            if not _id(store, model, move, "partner_id"):
                who, what = (
                    ("Customer", "Customer Invoice")
                    if move_type.startswith("out")
                    else ("Vendor", "Vendor Bill")
                )
                raise UserError(
                    f"The field '{who}' is required, please complete it to validate the {what}.", "_post"
                )
            if not invoice_date:
                if move_type.startswith("in"):
                    raise UserError("The Bill/Refund date is required to validate this document.", "_post")
                invoice_date = store.today()
        when = invoice_date or _v(store, model, move, "date")
        new_name, prefix, number = (
            (name, False, 0) if name not in ("/", False, "") else _move_name(store, move, when)
        )
        values: dict[str, Any] = {"state": "posted", "date": when, "posted_before": True}
        if move_type in INVOICE_TYPES:
            values["invoice_date"] = invoice_date
            values["invoice_date_due"] = _v(store, model, move, "invoice_date_due") or invoice_date
        store._write_one(model, move, values, uid, stamp)
        extra: dict[str, Any] = {"name": new_name}
        if prefix:
            extra |= {"sequence_prefix": prefix, "sequence_number": number}
        if move_type in ("out_invoice", "out_refund") and not _v(store, model, move, "payment_reference"):
            extra["payment_reference"] = new_name
        store._set(model, move, extra)
        for line in _v(store, model, move, "line_ids") or []:
            if store.exists("account.move.line", line):
                line_vals: dict[str, Any] = {"parent_state": "posted", "move_name": new_name, "date": when}
                if _v(store, "account.move.line", line, "display_type") == "payment_term":
                    line_vals["name"] = extra.get("payment_reference") or _v(
                        store, "account.move.line", line, "name"
                    )
                if move_type in INVOICE_TYPES:
                    line_vals["invoice_date"] = invoice_date
                store._set("account.move.line", line, line_vals)
        partner = _id(store, model, move, "partner_id")
        if partner and move_type in INVOICE_TYPES:  # Odoo 17 res.partner._increase_rank on posting
            rank = "customer_rank" if move_type.startswith("out") else "supplier_rank"
            commercial = _commercial_partner(store, partner)
            store._set(
                "res.partner", commercial, {rank: int(_v(store, "res.partner", commercial, rank) or 0) + 1}
            )
    return False


# ---------------------------------------------------------------------------------------------- stock
def _inventory_mode(store: Store) -> bool:
    return bool(store.context.get("inventory_mode"))


INVENTORY_CREATE_FIELDS = {
    "product_id",
    "owner_id",
    "inventory_quantity",
    "inventory_quantity_auto_apply",
    "inventory_diff_quantity",
    "inventory_date",
    "user_id",
    "inventory_quantity_set",
    "is_outdated",
    "lot_id",
    "location_id",
    "package_id",
}


def _gather(store: Store, product: int, location: int, vals: dict[str, Any]) -> int | None:
    """The quant of (product, location, lot, package, owner), strict (Odoo 17 stock.quant._gather)."""
    for qid in store.children("stock.quant", "product_id", product):
        if (
            _id(store, "stock.quant", qid, "location_id") == location
            and _id(store, "stock.quant", qid, "lot_id") == (vals.get("lot_id") or False)
            and _id(store, "stock.quant", qid, "package_id") == (vals.get("package_id") or False)
            and _id(store, "stock.quant", qid, "owner_id") == (vals.get("owner_id") or False)
        ):
            return qid
    return None


def _quant_create_inventory(store: Store, vals: dict[str, Any], uid: int) -> int | None:
    """Odoo 17 stock.quant.create in inventory mode: returns the existing quant of the same product and
    location (as recorded: quant 2) or a new empty one, then sets the counted quantity on it."""
    if not (_inventory_mode(store) and ({"inventory_quantity", "inventory_quantity_auto_apply"} & set(vals))):
        return None
    if set(vals) - INVENTORY_CREATE_FIELDS:
        raise UserError("Quant's creation is restricted, you can't do this operation.", "create")
    vals = dict(vals)
    auto = "inventory_quantity_auto_apply" in vals
    counted = vals.pop("inventory_quantity_auto_apply", False) or vals.pop("inventory_quantity", False) or 0
    vals.pop("inventory_quantity", None)
    for name in ("product_id", "location_id"):
        if not vals.get(name):
            raise mandatory(store, "stock.quant", name)
    _product_exists(store, vals["product_id"], uid)
    quant = _gather(store, vals["product_id"], vals["location_id"], vals)
    if quant is None:
        quant = store._create_one("stock.quant", vals, uid, None)
    stamp = _now(store)
    if auto:
        store._write_one("stock.quant", quant, {"inventory_quantity_auto_apply": counted}, uid, stamp)
    else:
        store._write_one(
            "stock.quant",
            quant,
            {
                "inventory_quantity": counted,
                "user_id": vals.get("user_id", uid),
                "inventory_date": store.today(),
            },
            uid,
            stamp,
        )
    return quant


def _quant_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    product, location = vals.get("product_id"), vals.get("location_id")
    _product_exists(store, product, uid)
    if product and _product_type(store, product) != "product":  # Odoo 17 stock.quant.check_product_id
        raise ValidationError("Quants cannot be created for consumables or services.", "check_product_id")
    if location and store.exists("stock.location", location):
        if _v(store, "stock.location", location, "usage") == "view":
            name = _v(store, "stock.location", location, "name")
            raise ValidationError(
                f'You cannot take products from or deliver products to a location of type "view" ({name}).',
                "check_location_id",
            )
        vals.setdefault("company_id", _id(store, "stock.location", location, "company_id"))
    vals.setdefault("in_date", _now(store))
    vals.setdefault("quantity", 0.0)
    vals.setdefault("reserved_quantity", 0.0)
    vals.setdefault("inventory_quantity", 0.0)
    vals.setdefault("inventory_quantity_set", False)
    return vals


def _quant_before_write(store: Store, rid: int, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    forbidden = {"product_id", "location_id", "lot_id", "package_id", "owner_id"}
    if _inventory_mode(store) and forbidden & set(vals):
        raise UserError("Quant's editing is restricted, you can't do this operation.", "write")
    if "inventory_quantity_auto_apply" in vals:  # computed, its inverse applies in inventory mode
        counted = vals.pop("inventory_quantity_auto_apply")
        if _inventory_mode(store):
            vals["inventory_quantity"] = counted
            store.pending_apply.add(rid)
    return vals


def _quant_counted(store: Store, rid: int, vals: dict[str, Any]) -> None:
    """inventory_diff_quantity and inventory_quantity_set follow inventory_quantity (stored computes)."""
    if "inventory_quantity" in vals:
        values: dict[str, Any] = {}
        if "inventory_diff_quantity" not in vals:
            inventory = float(_v(store, "stock.quant", rid, "inventory_quantity") or 0.0)
            values["inventory_diff_quantity"] = inventory - float(
                _v(store, "stock.quant", rid, "quantity") or 0.0
            )
        if "inventory_quantity_set" not in vals:
            values["inventory_quantity_set"] = True
        store._set("stock.quant", rid, values)


def _quant_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    _quant_counted(store, rid, given)


def _quant_after_write(store: Store, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int) -> None:
    _quant_counted(store, rid, vals)
    if rid in store.pending_apply:
        store.pending_apply.discard(rid)
        quantity = float(_v(store, "stock.quant", rid, "quantity") or 0.0)
        if quantity != float(_v(store, "stock.quant", rid, "inventory_quantity") or 0.0):
            _apply_inventory(store, [rid])


def _next_inventory_date(store: Store) -> str:
    """The company's annual inventory day (31 December in the recorded data: quant 2 '2026-12-31')."""
    today = store.today()
    return f"{today[:4]}-12-31"


def _move_quant(store: Store, product: int, location: int, delta: float) -> None:
    quant = _gather(store, product, location, {})
    if quant is None:
        store._create_one(
            "stock.quant",
            {"product_id": product, "location_id": location, "quantity": delta, "in_date": _now(store)},
            store.uid,
            None,
        )
    else:
        store._set(
            "stock.quant",
            quant,
            {"quantity": float(_v(store, "stock.quant", quant, "quantity") or 0.0) + delta},
        )


def _apply_inventory(store: Store, quants: list[int]) -> None:
    """Odoo 17 stock.quant._apply_inventory: a done move from/to the inventory loss location for each
    difference, the quantities moved, the count cleared."""
    stamp = _now(store)
    for quant in quants:
        product = _id(store, "stock.quant", quant, "product_id")
        location = _id(store, "stock.quant", quant, "location_id")
        company = _id(store, "stock.quant", quant, "company_id") or COMPANY
        loss = INVENTORY_LOSS.get(company, INVENTORY_LOSS[COMPANY])
        diff = float(_v(store, "stock.quant", quant, "inventory_diff_quantity") or 0.0)
        if diff:
            source, dest = (loss, location) if diff > 0 else (location, loss)
            name = store.context.get("inventory_name") or "Product Quantity Updated"
            store._create_one(
                "stock.move",
                {
                    "name": name,
                    "reference": name,
                    "product_id": product,
                    "product_uom": _id(store, "product.product", product, "uom_id"),
                    "product_uom_qty": abs(diff),
                    "quantity": abs(diff),
                    "location_id": source,
                    "location_dest_id": dest,
                    "company_id": company,
                    "is_inventory": True,
                    "picked": True,
                    "state": "done",
                    "date": stamp,
                },
                store.uid,
                None,
            )
            _move_quant(store, product, location, diff)
            _move_quant(store, product, loss, -diff)
        store._set(
            "stock.quant",
            quant,
            {
                "inventory_quantity": 0.0,
                "inventory_diff_quantity": 0.0,
                "inventory_quantity_set": False,
                "user_id": False,
                "inventory_date": _next_inventory_date(store),
            },
        )
        if location and "last_inventory_date" in store.tables["stock.location"].fields:
            store._set("stock.location", location, {"last_inventory_date": store.today()})


def quant_action_apply_inventory(
    store: Store, model: str, uid: int, context: dict[str, Any], ids: Any
) -> Any:
    """Odoo 17 stock.quant.action_apply_inventory: applies the counts and returns None (as recorded:
    over XML-RPC that None is a fault although the change is committed; JSON-RPC has no result).
    Outdated counts or tracked products without lot answer Odoo's wizard actions instead."""
    ids = _existing(store, model, ids, uid)
    store.check_access(uid, model, "write")
    ctx = dict(context)
    ctx["default_quant_ids"] = ids
    outdated = [
        q
        for q in ids
        if _v(store, model, q, "inventory_quantity_set")
        and float(_v(store, model, q, "inventory_quantity") or 0.0)
        - float(_v(store, model, q, "inventory_diff_quantity") or 0.0)
        != float(_v(store, model, q, "quantity") or 0.0)
    ]
    if outdated:
        ctx["default_quant_to_fix_ids"] = outdated
        return _wizard("Conflict in Inventory Adjustment", "stock.inventory.conflict", ctx)
    tracked = []
    for q in ids:
        product = _id(store, model, q, "product_id")
        if (
            _v(store, "product.product", product, "tracking") in ("lot", "serial")
            and not _id(store, model, q, "lot_id")
            and _v(store, model, q, "inventory_quantity") != _v(store, model, q, "quantity")
            and not _v(store, model, q, "quantity")
        ):
            tracked.append(product)
    if tracked:
        ctx["default_product_ids"] = tracked
        return _wizard("Tracked Products in Inventory Adjustment", "stock.track.confirmation", ctx)
    _apply_inventory(store, ids)
    return None


def _wizard(name: str, res_model: str, context: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "type": "ir.actions.act_window",
        "view_mode": "form",
        "views": [[False, "form"]],
        "res_model": res_model,
        "target": "new",
        "context": context,
    }


def _picking_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    kind = vals.get("picking_type_id")
    if kind and (not vals.get("name") or vals.get("name") == "/"):
        prefix = store.picking_prefixes.get(kind)
        if prefix:
            vals["name"] = next_name(store, "stock.picking:" + prefix, prefix, 5)
    stock, vendors, customers = (loc(store, x) for x in (STOCK_LOCATION, VENDORS, CUSTOMERS))
    routes = {RECEIPTS: (vendors, stock), DELIVERIES: (stock, customers)}
    defaults = routes.get(kind) if isinstance(kind, int) else None
    if defaults:
        vals.setdefault("location_id", defaults[0])
        vals.setdefault("location_dest_id", defaults[1])
    now = _now(store)
    vals.setdefault("state", "draft")
    vals.setdefault("company_id", COMPANY)
    vals.setdefault("move_type", "direct")
    vals.setdefault("priority", "0")
    vals.setdefault("scheduled_date", now)
    vals.setdefault("date", now)
    return vals


def _stock_move_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    product = vals.get("product_id")
    _product_exists(store, product, uid)
    if product:
        vals.setdefault("name", store.display_name("product.product", product))
        vals.setdefault("product_uom", _id(store, "product.product", product, "uom_id"))
    vals.setdefault("product_uom_qty", 0.0)
    vals.setdefault("product_qty", vals["product_uom_qty"])
    vals.setdefault("state", "draft")
    vals.setdefault("company_id", COMPANY)
    vals.setdefault("date", _now(store))
    vals.setdefault("procure_method", "make_to_stock")
    vals.setdefault("sequence", 10)
    picking = vals.get("picking_id")
    if picking and store.exists("stock.picking", picking):
        vals.setdefault("reference", _v(store, "stock.picking", picking, "name"))
    return vals


# ---------------------------------------------------------------------------------------------- ir.model.data
def _complete_name(store: Store, rid: int) -> str:
    """Odoo 17 ir.model.data._compute_complete_name: module.name (as recorded)."""
    parts = [_v(store, "ir.model.data", rid, "module"), _v(store, "ir.model.data", rid, "name")]
    return ".".join(str(p) for p in parts if p)


def _imd_check(store: Store, rid: int | None, module: Any, name: Any) -> None:
    if isinstance(name, str) and " " in name:  # _sql_constraints name_nospaces
        raise ValidationError(
            "The operation cannot be completed: External IDs cannot contain spaces", "_create"
        )
    other = _imd_lookup(store, module, name)
    if other is not None and other != rid:
        raise ValidationError(  # unique index ir_model_data_module_name_uniq_index, as recorded
            "The operation cannot be completed: duplicate key value violates unique constraint "
            '"ir_model_data_module_name_uniq_index"\n'
            f"DETAIL:  Key (module, name)=({module}, {name}) already exists.\n",
            "_create",
        )


def _imd_lookup(store: Store, module: Any, name: Any) -> int | None:
    """The external id (module, name): candidates from the index, checked against the rows (so ids
    undone by a rolled back call, deleted or renamed are not found)."""
    table = store.tables["ir.model.data"]
    for rid in sorted(store.xmlids.get((module, name), ())):
        row = table.rows.get(rid)
        if row is not None and row.get("module") == module and row.get("name") == name:
            return rid
    return None


def _imd_index(store: Store, rid: int, *_: Any) -> None:
    key = (_v(store, "ir.model.data", rid, "module"), _v(store, "ir.model.data", rid, "name"))
    store.xmlids.setdefault(key, set()).add(rid)


def _imd_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    vals.setdefault("module", "")
    vals.setdefault("noupdate", False)
    if vals.get("name") and vals.get("model"):
        try:
            _imd_check(store, None, vals["module"], vals["name"])
        except ValidationError:
            insert_failed(store, "ir.model.data")
            raise
    return vals


def _imd_before_write(store: Store, rid: int, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    if "module" in vals or "name" in vals:
        module = vals.get("module", _v(store, "ir.model.data", rid, "module"))
        name = vals.get("name", _v(store, "ir.model.data", rid, "name"))
        _imd_check(store, rid, module, name)
    return vals


def imd_check_object_reference(
    store: Store,
    model: str,
    uid: int,
    context: dict[str, Any],
    module: Any,
    xml_id: Any,
    raise_on_access_error: bool = False,
) -> list[Any]:
    """Odoo 17 ir.model.data.check_object_reference: [model, res_id] (as recorded); a missing external id
    is ValueError 'External ID not found in the system: module.name'; a record gone is [model, False]."""
    xmlid = f"{module}.{xml_id}"
    rid = _imd_lookup(store, module, xml_id)
    found = None if rid is None else store.tables["ir.model.data"].rows[rid]
    if found is None or not found.get("res_id"):
        raise OdooValueError(f"External ID not found in the system: {xmlid}", "_xmlid_lookup")
    target_model, res_id = found.get("model"), found.get("res_id")
    if target_model not in store.tables:
        return [target_model, res_id]
    if store.search(target_model, [("id", "=", res_id)], context=context, uid=uid):
        return [target_model, res_id]
    if raise_on_access_error:
        raise AccessError(f"Not enough access rights on the external ID {xmlid!r}", "check_object_reference")
    return [target_model, False]


# ---------------------------------------------------------------------------------------------- calendars
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def _calendar_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    vals.setdefault("company_id", COMPANY)
    vals.setdefault("tz", store.context.get("tz") or "UTC")
    vals.setdefault("two_weeks_calendar", False)
    if "attendance_ids" not in vals:  # Odoo 17 resource.calendar._get_default_attendance_ids: 40h week
        vals["attendance_ids"] = [
            (
                0,
                0,
                {
                    "name": f"{day} {part}",
                    "dayofweek": str(i),
                    "hour_from": start,
                    "hour_to": end,
                    "day_period": period,
                },
            )
            for i, day in enumerate(DAYS)
            for part, start, end, period in (
                ("Morning", 8.0, 12.0, "morning"),
                ("Lunch", 12.0, 13.0, "lunch"),
                ("Afternoon", 13.0, 17.0, "afternoon"),
            )
        ]
    return vals


def _hours_per_day(store: Store, calendar: int) -> float:
    """Odoo 17 resource.calendar._compute_hours_per_day: hours of the global attendances (lunch left
    out) over the number of days they cover, rounded to 0.01 (as recorded: one Friday 8-12 -> 4.0)."""
    att = "resource.calendar.attendance"
    lines = [
        a
        for a in _v(store, "resource.calendar", calendar, "attendance_ids") or []
        if store.exists(att, a)
        and not _v(store, att, a, "date_from")
        and not _v(store, att, a, "date_to")
        and not _id(store, att, a, "resource_id")
        and not _v(store, att, a, "display_type")
        and _v(store, att, a, "day_period") != "lunch"
    ]
    if not lines:
        return 0.0
    if _v(store, "resource.calendar", calendar, "two_weeks_calendar"):
        days = len({(_v(store, att, a, "week_type"), _v(store, att, a, "dayofweek")) for a in lines})
    else:
        days = len({_v(store, att, a, "dayofweek") for a in lines})
    hours = sum(
        float(_v(store, att, a, "hour_to") or 0.0) - float(_v(store, att, a, "hour_from") or 0.0)
        for a in lines
    )
    return round2(hours / days) if days else 0.0


def _calendar_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    if "hours_per_day" not in given:
        store._set("resource.calendar", rid, {"hours_per_day": _hours_per_day(store, rid)})
    for a in _v(store, "resource.calendar", rid, "attendance_ids") or []:
        _attendance_days(store, a)


def _calendar_after_write(
    store: Store, rid: int, vals: dict[str, Any], old: dict[str, Any], uid: int
) -> None:
    if "attendance_ids" in vals and "hours_per_day" not in vals:
        store._set("resource.calendar", rid, {"hours_per_day": _hours_per_day(store, rid)})


def _attendance_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    vals.setdefault("sequence", 10)
    vals.setdefault("day_period", "morning")
    return vals


def _attendance_days(store: Store, rid: int) -> None:
    """Odoo 17 attendance duration_days: 0 for lunch, a day past 3/4 of the calendar's day, else half."""
    att = "resource.calendar.attendance"
    if not store.exists(att, rid):
        return
    calendar = _id(store, att, rid, "calendar_id")
    hours = float(_v(store, att, rid, "hour_to") or 0.0) - float(_v(store, att, rid, "hour_from") or 0.0)
    per_day = float(_v(store, "resource.calendar", calendar, "hours_per_day") or 0.0) if calendar else 0.0
    days = 0.0 if _v(store, att, rid, "day_period") == "lunch" else (1.0 if hours > per_day * 3 / 4 else 0.5)
    store._set(att, rid, {"duration_days": days})


# ---------------------------------------------------------------------------------------------- loyalty
def _loyalty_program_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    vals.setdefault("company_id", COMPANY)
    vals.setdefault("currency_id", CURRENCY)
    vals.setdefault("program_type", "promotion")
    vals.setdefault("trigger", "auto")
    vals.setdefault("applies_on", "current")
    vals.setdefault("sale_ok", True)
    vals.setdefault("pos_ok", True)
    return vals


def _loyalty_reward_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    program = vals.get("program_id")
    vals.setdefault("reward_type", "discount")
    vals.setdefault("discount", 10.0)
    vals.setdefault("discount_mode", "percent")
    vals.setdefault("discount_applicability", "order")
    vals.setdefault("required_points", 1.0)
    vals.setdefault("reward_product_qty", 1)
    vals.setdefault("discount_product_domain", "[]")
    if program and store.exists("loyalty.program", program):
        vals.setdefault("company_id", _id(store, "loyalty.program", program, "company_id"))
    return vals


def _reward_description(store: Store, reward: int) -> str:
    """Odoo 17 loyalty.reward._compute_description (as recorded: '10% on your order')."""
    model = "loyalty.reward"
    program = _id(store, model, reward, "program_id")
    program_type = _v(store, "loyalty.program", program, "program_type") if program else False
    if program_type == "gift_card":
        return "Gift Card"
    if program_type == "ewallet":
        return "eWallet"
    kind = _v(store, model, reward, "reward_type")
    if kind == "product":
        product = _id(store, model, reward, "reward_product_id")
        if not product:
            return "Free Product"
        return f"Free Product - {_v(store, 'product.product', product, 'name')}"
    if kind != "discount":
        return ""
    amount = float(_v(store, model, reward, "discount") or 0.0)
    mode = _v(store, model, reward, "discount_mode")
    text = {
        "percent": f"{amount:g}% on ",
        "per_point": f"$ {amount:g} per point on ",
        "per_order": f"$ {amount:g} per order on ",
    }.get(mode, "")
    applicability = _v(store, model, reward, "discount_applicability")
    text += {"order": "your order", "cheapest": "the cheapest product", "specific": "specific products"}.get(
        applicability, ""
    )
    top = float(_v(store, model, reward, "discount_max_amount") or 0.0)
    if top:
        text += f" (Max $ {top:g})"
    return text


def _loyalty_reward_after_create(store: Store, rid: int, given: dict[str, Any], uid: int) -> None:
    if not given.get("description"):
        store._set("loyalty.reward", rid, {"description": _reward_description(store, rid)})
    if not _id(store, "loyalty.reward", rid, "discount_line_product_id"):
        # Odoo 17 loyalty.reward._create_missing_discount_line_products (as recorded: product 78)
        product = store._create_one(
            "product.product",
            {
                "name": _v(store, "loyalty.reward", rid, "description"),
                "type": "service",
                "sale_ok": False,
                "purchase_ok": False,
                "list_price": 0.0,
            },
            uid,
            None,
        )
        store._set("loyalty.reward", rid, {"discount_line_product_id": product})


def _loyalty_rule_before_create(store: Store, vals: dict[str, Any], uid: int) -> dict[str, Any]:
    program = vals.get("program_id")
    vals.setdefault("active", True)
    vals.setdefault("reward_point_amount", 1.0)
    vals.setdefault("reward_point_mode", "order")
    vals.setdefault("minimum_qty", 1)
    vals.setdefault("minimum_amount_tax_mode", "incl")
    vals.setdefault("product_domain", "[]")
    if program and store.exists("loyalty.program", program):
        trigger = _v(store, "loyalty.program", program, "trigger")
        vals.setdefault("mode", "with_code" if trigger == "with_code" else "auto")
        vals.setdefault("company_id", _id(store, "loyalty.program", program, "company_id"))
    else:
        vals.setdefault("mode", "auto")
    return vals


# ---------------------------------------------------------------------------------------------- tables
Hook = Callable[..., Any]
_BEFORE_CREATE: dict[str, Hook] = {
    "res.partner": _partner_before_create,
    "sale.order": _sale_before_create,
    "sale.order.line": _sale_line_before_create,
    "purchase.order": _purchase_before_create,
    "purchase.order.line": _purchase_line_before_create,
    "account.move": _move_before_create,
    "account.move.line": _move_line_before_create,
    "stock.quant": _quant_before_create,
    "stock.picking": _picking_before_create,
    "stock.move": _stock_move_before_create,
    "ir.model.data": _imd_before_create,
    "resource.calendar": _calendar_before_create,
    "resource.calendar.attendance": _attendance_before_create,
    "loyalty.program": _loyalty_program_before_create,
    "loyalty.reward": _loyalty_reward_before_create,
    "loyalty.rule": _loyalty_rule_before_create,
}
_AFTER_CREATE: dict[str, Hook] = {
    "res.partner": _partner_after_create,
    "sale.order": _sale_after_create,
    "sale.order.line": _sale_line_after_create,
    "purchase.order": _purchase_after_create,
    "purchase.order.line": _purchase_line_after,
    "account.move": _move_after_create,
    "account.move.line": _move_line_after,
    "stock.quant": _quant_after_create,
    "resource.calendar": _calendar_after_create,
    "loyalty.reward": _loyalty_reward_after_create,
    "ir.model.data": _imd_index,
}
_BEFORE_WRITE: dict[str, Hook] = {
    "res.partner": _partner_before_write,
    "stock.quant": _quant_before_write,
    "ir.model.data": _imd_before_write,
    "account.move": _move_before_write,
}
_AFTER_WRITE: dict[str, Hook] = {
    "res.partner": _partner_after_write,
    "sale.order": _sale_after_write,
    "sale.order.line": _sale_line_after_write,
    "purchase.order": _purchase_after_write,
    "purchase.order.line": _purchase_line_after,
    "account.move": _move_after_write,
    "account.move.line": _move_line_after,
    "stock.quant": _quant_after_write,
    "resource.calendar": _calendar_after_write,
    "ir.model.data": _imd_index,
}
_BEFORE_UNLINK: dict[str, Hook] = {
    "sale.order": _sale_before_unlink,
    "sale.order.line": _sale_line_before_unlink,
    "account.move": _move_before_unlink,
}
_AFTER_UNLINK: dict[str, Hook] = {
    "sale.order": _sale_after_unlink,
    "sale.order.line": _sale_line_after_unlink,
    "purchase.order.line": _purchase_line_after_unlink,
    "account.move": _move_after_unlink,
    "account.move.line": _move_line_after_unlink,
}
# Odoo 19: account.root is keyed by the first two characters of the account code, so account_root_id
# answers ["12", "12"] (recordings19/notable_reads.json: accounts 5, 45 and 26). The codes of the other
# accounts of the recorded lines are ASSUMPTIONS from Odoo's generic chart of accounts (account.account
# is not recorded): 15 Account Payable 211000, 21 Tax Received 251000, 32 Expenses 600000, 46 Bank
# Suspense 101402.
ACCOUNT_ROOTS_19 = {5: "12", 45: "10", 26: "40", 15: "21", 21: "25", 32: "60", 46: "10"}


def _account_root(store: Store, line: int) -> Any:
    """account.move.line.account_root_id: 19's string ids (17 stores an integer id)."""
    root = ACCOUNT_ROOTS_19.get(_id(store, "account.move.line", line, "account_id"))
    if store.major < 19 or root is None:
        return False
    store.names[("account.root", root)] = root  # type: ignore[index]
    return [root]


_COMPUTED: dict[tuple[str, str], Callable[[Store, int], Any]] = {
    ("account.move.line", "account_root_id"): _account_root,
    ("sale.order", "type_name"): _type_name,
    ("ir.model.data", "complete_name"): _complete_name,
    ("ir.model.data", "reference"): lambda s, r: (
        f"{_v(s, 'ir.model.data', r, 'model')},{_v(s, 'ir.model.data', r, 'res_id')}"
    ),
    ("stock.quant", "available_quantity"): lambda s, r: (
        float(_v(s, "stock.quant", r, "quantity") or 0.0)
        - float(_v(s, "stock.quant", r, "reserved_quantity") or 0.0)
    ),
    ("stock.quant", "inventory_quantity_auto_apply"): lambda s, r: float(
        _v(s, "stock.quant", r, "quantity") or 0.0
    ),
}
# Model methods beyond the ORM's, by (model, name): f(store, model, uid, context, *args, **kwargs).
METHODS: dict[tuple[str, str], Hook] = {
    ("sale.order", "action_confirm"): sale_action_confirm,
    ("sale.order", "action_cancel"): sale_action_cancel,
    ("sale.order", "action_draft"): sale_action_draft,
    ("sale.order", "action_lock"): sale_action_lock,
    ("sale.order", "action_unlock"): sale_action_unlock,
    ("purchase.order", "button_confirm"): purchase_button_confirm,
    ("account.move", "action_post"): move_action_post,
    ("stock.quant", "action_apply_inventory"): quant_action_apply_inventory,
    ("ir.model.data", "check_object_reference"): imd_check_object_reference,
}
