"""Request bodies → records of target-odoo's Linkit streams, every item checked before anything is applied.

Route kind → stream, and the bodies taken (one object, a bare array, or Linkit's bulk wrapper):
- `hours` → `branches`: `{"branch_iv_id", "working_hours"}` (seed 000);
- `hours_bulk` → `branches`: `{"branches": [{"branch_iv_id", "working_hours"}, ...]}` (seed 000), or an array;
- `inventory` → `skus`: ASSUMPTION (Linkit silent, G18): Linkit's SKU shape `{iv_id?, product_iv_id,
  branch_iv_id, qty}`, one, an array, or `{"skus": [...]}` as `POST /api/v1/skus/bulk` takes it;
- `customers` → `customers`: ASSUMPTION (G18): Linkit's customer shape, one, an array or
  `{"customers": [...]}`;
- `offers` → `offers`: ASSUMPTION (G18): Linkit's offer shape, one, an array or `{"offers": [...]}` as
  `POST /api/v1/offers/bulk` takes it.

Records go on as received (Linkit's shapes, unknown fields kept); only `branch_iv_id` is also given as the
branch record's `iv_id`. A problem is an :class:`Issue` naming the item's index and the field path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

MAX_ITEMS = 1000  # Linkit's own bulk limit (research §2.7)
MAX_TEXT = 255
# the published Linkit enums (research §3.7, §3.8); offer `status` is the Linkit sandbox's
# ASSUMPTION (Linkit silent, G15): only "active" / "inactive"
GENDERS = ("male", "female", "other")
CUSTOMER_TYPES = ("individual", "corporate", "vip")
CUSTOMER_STATUSES = ("active", "inactive", "pending", "suspended", "blocked")
OFFER_TYPES = ("direct_discount", "package_deal", "bundle_deal", "bogo", "btgo", "buy_x_get_discount")
OFFER_STATUSES = ("active", "inactive")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,30}$")


@dataclass(frozen=True)
class Issue:
    field: str
    reason: str
    index: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "reason": self.reason}
        if self.index is not None:
            out["index"] = self.index
        return out

    def __str__(self) -> str:
        return f"{self.field or 'body'}: {self.reason}"


class BodyInvalid(ValueError):
    """The body as a whole cannot be read (not JSON, no items, too many): nothing is applied."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues[:3]))


@dataclass(frozen=True)
class Item:
    """One record of a body: its position, the stream it feeds, the record, its identity in the body."""

    index: int | None
    path: str
    stream: str
    record: dict[str, Any]
    identity: str
    renamed: dict[str, str] = field(default_factory=dict)  # record field -> the body's name for it

    def body_field(self, name: str) -> str:
        """Path in the body of a record field (`branches[1].branch_iv_id`)."""
        name = self.renamed.get(name, name)
        return f"{self.path}.{name}" if self.path else name


class Fields:
    """Checks on one item; each problem is noted with the field's path and the item's index."""

    def __init__(self, item: dict[str, Any], path: str, index: int | None) -> None:
        self.item, self.path, self.index = item, path, index
        self.issues: list[Issue] = []

    def at(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def bad(self, name: str, reason: str) -> None:
        self.issues.append(Issue(self.at(name) if name else self.path, reason, self.index))

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.item.get(name)
        if value is None:
            if required:
                self.bad(name, "is required")
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            self.bad(name, f"must be a non-empty string of at most {MAX_TEXT} characters")
            return None
        return value

    def number(self, name: str) -> None:
        """A JSON number 0 or more (prices, costs, a discount), when present."""
        value = self.item.get(name)
        if value is None:
            return
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            self.bad(name, "must be a number >= 0")

    def flag(self, name: str) -> None:
        if self.item.get(name) is not None and not isinstance(self.item[name], bool):
            self.bad(name, "must be true or false")

    def one_of(self, name: str, allowed: tuple[str, ...], *, required: bool = False) -> Any:
        value = self.item.get(name)
        if value is None and not required:
            return None
        if value not in allowed:
            self.bad(name, f"must be one of {', '.join(allowed)}")
        return value

    def timestamp(self, name: str) -> datetime | None:
        value = self.item.get(name)
        if value is None:
            return None
        try:
            when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.bad(name, "must be an RFC 3339 timestamp such as 2026-05-01T00:00:00Z")
            return None
        if when.tzinfo is None:
            self.bad(name, "must carry its time zone (2026-05-01T00:00:00Z)")
            return None
        return when


# ------------------------------------------------------------------------------------------ items


def _sku(f: Fields) -> str:
    product = f.text("product_iv_id", required=True)
    branch = f.text("branch_iv_id", required=True)
    f.text("iv_id")
    if f.item.get("qty") is None:
        f.bad("qty", "is required (the absolute stock level)")
    # whether qty is a whole number >= 0 (Linkit's rule, G12) the mapping says (target-odoo's odoo_linkit_qty)
    f.number("price")
    f.number("cost")
    f.flag("available")
    return f"{product}@{branch}"


def _customer(f: Fields) -> str:
    """Field types, and email or phone (how Odoo finds a customer it has not seen); whether a Linkit `id`
    is needed is the mapping's to say (its key), in the dry run."""
    f.text("id")
    for name in ("first_name", "last_name"):
        f.text(name)
    email = f.text("email")
    phone = f.text("phone")
    if email is not None and not EMAIL.match(email.strip()):
        f.bad("email", "is not an email address")
    if phone is not None and not PHONE.match(phone.strip()):
        f.bad("phone", "must be a phone number in international form (+966501234567)")
    if email is None and phone is None and not any(i.field.endswith(("email", "phone")) for i in f.issues):
        f.bad("email", "email or phone is required (how the customer is found again in Odoo)")
    birthdate = f.item.get("birthdate")
    if birthdate is not None:
        try:
            date.fromisoformat(str(birthdate))
        except ValueError:
            f.bad("birthdate", "must be a date YYYY-MM-DD")
    f.one_of("gender", GENDERS)
    f.one_of("type", CUSTOMER_TYPES)
    f.one_of("status", CUSTOMER_STATUSES)
    if f.item.get("id") is not None:
        return f"id {f.item['id']}"
    if email:
        return f"email {email.strip().lower()}"
    return f"phone {re.sub(r'[^0-9+]', '', phone or '')}"


def _offer(f: Fields) -> str:
    """The offer's identity and field types; what Odoo can make of it (a direct percentage discount) is
    the mapping's to say, in the dry run before anything is applied."""
    remote = f.text("remote_offer_id")
    linkit_id = f.text("id")
    f.text("name", required=True)
    f.one_of("offer_type", OFFER_TYPES, required=True)
    f.one_of("status", OFFER_STATUSES)
    f.flag("is_active")
    f.one_of("target_scope", ("product", "order"))
    f.text("target_iv_id")
    f.text("target_barcode")
    f.number("discount_value")
    start, end = f.timestamp("start_at"), f.timestamp("end_at")
    if start and end and end <= start:
        f.bad("end_at", "must be after start_at")
    meta = f.item.get("meta")
    if meta is not None and not isinstance(meta, dict):
        f.bad("meta", "must be an object")
    return f"id {linkit_id}" if linkit_id else f"remote {remote}"


def _branch_hours(f: Fields) -> str:
    if "branch_iv_id" in f.item or "iv_id" not in f.item:
        iv_id = f.text("branch_iv_id", required=True)
    else:  # Linkit's branch shape names it iv_id
        iv_id = f.text("iv_id", required=True)
    f.text("name_en")
    if not isinstance(f.item.get("working_hours"), list | dict):
        # the periods are read by the mapping (target_odoo's odoo_linkit_attendances) before anything
        # is applied, so a bad period is refused with the same words the writer would use
        f.bad("working_hours", "is required: a period array or a weekday object (seed 000's two shapes)")
    return str(iv_id)


def _branch_record(item: dict[str, Any]) -> dict[str, Any]:
    record = dict(item)
    record["iv_id"] = item.get("branch_iv_id", item.get("iv_id"))
    if item.get("name_en") and not item.get("name"):
        record["name"] = item["name_en"]
    return record


@dataclass(frozen=True)
class Kind:
    stream: str
    plural: str | None  # the wrapper key of a list body; None: one object only
    check: Callable[[Fields], str]
    what: str


KINDS: dict[str, Kind] = {
    "inventory": Kind("skus", "skus", _sku, "SKU"),
    "customers": Kind("customers", "customers", _customer, "customer"),
    "offers": Kind("offers", "offers", _offer, "offer"),
    "hours": Kind("branches", None, _branch_hours, "branch"),
    "hours_bulk": Kind("branches", "branches", _branch_hours, "branch"),
}


def parse_json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise BodyInvalid([Issue("body", f"is not valid JSON ({reason})")]) from None


def _entries(kind: Kind, body: Any) -> list[tuple[int | None, str, Any]]:
    """(index, path, item) of each entry of the body, or BodyInvalid for the body's own shape."""
    if kind.plural is None:
        if not isinstance(body, dict):
            raise BodyInvalid([Issue("body", f"must be one {kind.what} object")])
        return [(None, "", body)]
    if isinstance(body, dict) and kind.plural in body:
        mode = body.get("mode")
        if mode not in (None, "upsert"):
            raise BodyInvalid([Issue("mode", "must be upsert or left out (this service always upserts)")])
        entries, prefix = body[kind.plural], kind.plural
        if not isinstance(entries, list):
            raise BodyInvalid([Issue(kind.plural, f"must be an array of {kind.what} objects")])
    elif isinstance(body, list):
        entries, prefix = body, ""
    elif isinstance(body, dict) and kind.stream != "branches":
        return [(None, "", body)]
    else:
        raise BodyInvalid(
            [Issue("body", f'must be {{"{kind.plural}": [...]}} or an array of {kind.what} objects')]
        )
    if not 1 <= len(entries) <= MAX_ITEMS:
        raise BodyInvalid([Issue(prefix or "body", f"must hold 1..{MAX_ITEMS} {kind.what} items")])
    return [(i, f"{prefix}[{i}]", entry) for i, entry in enumerate(entries)]


def read_items(kind_name: str, body: Any) -> tuple[list[Item], list[Issue]]:
    """Every entry of the body as an item, and the problems found (each naming its item's index); a
    problem of the body itself raises BodyInvalid. An entry that is not an object is kept as `{"value"}`
    (so that, in per-item mode, it can become a dead letter like any refused item)."""
    kind = KINDS[kind_name]
    items: list[Item] = []
    issues: list[Issue] = []
    seen: dict[str, int | None] = {}
    for index, path, entry in _entries(kind, body):
        if not isinstance(entry, dict):
            issues.append(Issue(path or "body", f"must be a {kind.what} object", index))
            items.append(Item(index, path, kind.stream, {"value": entry}, f"item {index}"))
            continue
        fields = Fields(entry, path, index)
        identity = kind.check(fields)
        if not fields.issues and identity in seen:
            first = seen[identity]
            fields.bad("", f"the same {kind.what} ({identity}) as item {first}: send each {kind.what} once")
        if not fields.issues:
            seen[identity] = index
        issues += fields.issues
        record = _branch_record(entry) if kind.stream == "branches" else dict(entry)
        renamed = {"iv_id": "branch_iv_id"} if "branch_iv_id" in entry and "iv_id" not in entry else {}
        items.append(Item(index, path, kind.stream, record, identity, renamed))
    return items, issues
