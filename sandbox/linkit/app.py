"""The Linkit `/api/v1` routes, as far as `../shared/research/linkit-api.md` publishes them.

Every answer has the shape the research file shows. Where it shows none (its gaps G1-G20), the sandbox gives
the most minimal answer the contract allows, and the code says so in a comment starting
``# ASSUMPTION (Linkit silent, Gn):``; each is listed with its decision in `docs/sandbox-linkit.md`.
Richer answers are switches (`answers="rich"`, `offer_remote_id_visible=True`, ...), never the default.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote

from sandbox.linkit.state import LinkitState, now_iso

Answers = Literal["minimal", "rich"]
ANSWERS: tuple[Answers, ...] = ("minimal", "rich")
AuthScheme = Literal["bearer", "raw", "either"]
AUTH_SCHEMES: tuple[AuthScheme, ...] = ("bearer", "raw", "either")
OrderShape = Literal["unified", "legacy"]
ORDER_SHAPES: tuple[OrderShape, ...] = ("unified", "legacy")

MAX_BULK = 1000  # [bulk]
MAX_LIMIT = 100  # [ov]
DEFAULT_LIMIT = 20  # [ov]
MODES = ("create", "update", "upsert")  # [bulk]
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDER_STATUSES = (
    "pending",
    "confirmed",
    "preparing",
    "ready",
    "shipped",
    "delivered",
    "cancelled",
    "returned",
)
PAYMENT_STATUSES = ("pending", "paid", "refunded", "partially_refunded", "failed")
CUSTOMER_TYPES = ("individual", "corporate", "vip")
CUSTOMER_STATUSES = ("active", "inactive", "pending", "suspended", "blocked")
GENDERS = ("male", "female", "other")
OFFER_TYPES = ("direct_discount", "package_deal", "bundle_deal", "bogo", "btgo", "buy_x_get_discount")
# ASSUMPTION (Linkit silent, G15): the offer `status` enum is not published; only "active" appears. The
# sandbox accepts "active" and "inactive" and nothing else.
OFFER_STATUSES = ("active", "inactive")
# ASSUMPTION (Linkit silent, G15): only `discount_type: "percentage"` is published; nothing else is accepted.
DISCOUNT_TYPES = ("percentage",)
SPEC_VERSION = "2026-04-01"  # [ord2]

Answer = tuple[int, dict[str, Any] | None]


class ApiError(Exception):
    """An error answer."""

    def __init__(self, status: int, message: str, code: str = "error") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code

    def envelope(self, answers: Answers = "minimal") -> dict[str, Any]:
        # ASSUMPTION (Linkit silent, G3): the error body is not published. The sandbox answers
        # `{"success": false, "message": "<text>"}` (the keys of the published success envelope); a client
        # must go by the HTTP status and keep the raw body, never parse the text. The rich answers add `code`.
        body: dict[str, Any] = {"success": False, "message": self.message}
        if answers == "rich":
            body["code"] = self.code
        return body


class ItemError(Exception):
    """One bulk item refused (the others go on: partial success [bulk])."""


@dataclass
class Call:
    """One request as a handler sees it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    organization_header: str | None
    args: tuple[str, ...] = ()


@dataclass
class Settings:
    """The answers' switches (see `docs/sandbox-linkit.md`); the defaults are the minimal contract."""

    answers: Answers = "minimal"
    order_shape: OrderShape = "unified"
    sku_id_rule: Literal["strict", "free"] = "strict"
    offer_remote_id_visible: bool = False
    allow_overnight: bool = False
    sort_fields: tuple[str, ...] = ("created", "name_en")
    extra: dict[str, Any] = field(default_factory=dict)


def _view(record: dict[str, Any]) -> dict[str, Any]:
    """The public fields of a stored record (keys starting with `_` are the sandbox's own)."""
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _text(item: dict[str, Any], name: str, *, required: bool = False, max_len: int = 255) -> str | None:
    value = item.get(name)
    if value is None:
        if required:
            raise ItemError(f"{name} is required")
        return None
    # ASSUMPTION (Linkit silent, G10): string limits are published only for brands (code <= 50, names <=
    # 255); the sandbox applies 255 to every text field and refuses an empty required one.
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > max_len:
        raise ItemError(f"{name} must be a non-empty string of at most {max_len} characters")
    return value


def _number(item: dict[str, Any], name: str, *, low: float = 0, high: float | None = None) -> float | None:
    value = item.get(name)
    if value is None:
        return None
    if not _is_number(value) or value < low or (high is not None and value > high):
        bound = f"{low}..{high}" if high is not None else f">= {low}"
        raise ItemError(f"{name} must be a number {bound}")
    return float(value) if isinstance(value, float) else value


def _flag(item: dict[str, Any], name: str) -> bool | None:
    value = item.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ItemError(f"{name} must be a boolean")
    return value


def _when(item: dict[str, Any], name: str) -> str | None:
    value = item.get(name)
    if value is None:
        return None
    try:
        datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise ItemError(f"{name} must be an RFC 3339 timestamp") from exc
    return str(value)


def _query_bool(query: dict[str, str], name: str) -> bool | None:
    value = query.get(name)
    if value is None:
        return None
    # ASSUMPTION (Linkit silent, G3): a boolean filter other than true/false is a 400.
    if value not in ("true", "false"):
        raise ApiError(400, f"{name} must be true or false", "bad_request")
    return value == "true"


def _query_int(query: dict[str, str], name: str) -> int | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ApiError(400, f"{name} must be an integer", "bad_request") from exc


# ---------------------------------------------------------------------------------------------- hours
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def _period(day: str, oh: int, om: int, ch: int, cm: int, overnight: bool) -> dict[str, Any]:
    if not (0 <= oh <= 23 and 0 <= om <= 59 and 0 <= cm <= 59 and (0 <= ch <= 23 or (ch == 24 and cm == 0))):
        raise ItemError(f"working_hours {day}: hours must be 0..23 (close may be 24:00), minutes 0..59")
    # ASSUMPTION (Linkit silent, G9): overnight periods (close before open) are not published; refused unless
    # the sandbox is built with allow_overnight=True. A period of zero length is always refused.
    if (ch, cm) == (oh, om) or ((ch, cm) < (oh, om) and not overnight):
        raise ItemError(f"working_hours {day}: close must be after open")
    return {"WeekDay": day, "OpenHour": oh, "OpenMinute": om, "CloseHour": ch, "CloseMinute": cm}


def normalize_hours(value: Any, *, overnight: bool = False) -> list[dict[str, Any]]:
    """Either published working-hours shape -> the normalized period list (`working_hours_periods` [br2])."""
    periods: list[dict[str, Any]] = []
    if isinstance(value, list):
        keys = ("OpenHour", "OpenMinute", "CloseHour", "CloseMinute")
        for entry in value:
            # ASSUMPTION (Linkit silent, G9): WeekDay is spelled exactly as published ("Monday", capitalised
            # English); several periods on one day are allowed (the array form allows them).
            if not isinstance(entry, dict) or entry.get("WeekDay") not in DAYS:
                raise ItemError("working_hours: each period needs WeekDay Monday..Sunday")
            if not all(_is_int(entry.get(k)) for k in keys):
                raise ItemError(
                    "working_hours: OpenHour, OpenMinute, CloseHour, CloseMinute must be integers"
                )
            hm = [int(entry[k]) for k in keys]
            periods.append(_period(entry["WeekDay"], hm[0], hm[1], hm[2], hm[3], overnight))
    elif isinstance(value, dict):
        for key, hours in value.items():
            # ASSUMPTION (Linkit silent, G9): the legacy object has lowercase English day keys and "HH:MM"
            # strings (close may be "24:00"); a day that is absent is closed; one period per day.
            if key not in [d.lower() for d in DAYS] or not isinstance(hours, dict):
                raise ItemError(f"working_hours: unknown day {key!r} (monday..sunday)")
            opened, closed = hours.get("open"), hours.get("close")
            om = _HHMM.match(opened) if isinstance(opened, str) else None
            cm = _HHMM.match(closed) if isinstance(closed, str) else None
            if om is None or (cm is None and closed != "24:00"):
                raise ItemError(f"working_hours {key}: open/close must be HH:MM")
            ch, cmin = (24, 0) if cm is None else (int(cm.group(1)), int(cm.group(2)))
            periods.append(_period(key.capitalize(), int(om.group(1)), int(om.group(2)), ch, cmin, overnight))
    else:
        raise ItemError("working_hours must be a period array or a weekday object")
    periods.sort(key=lambda p: (DAYS.index(p["WeekDay"]), p["OpenHour"], p["OpenMinute"]))
    return periods


# ---------------------------------------------------------------------------------------------- the app
class LinkitApp:
    """Route table and handlers over one state; handlers run under `state.lock` (the server takes it)."""

    def __init__(self, state: LinkitState, settings: Settings | None = None) -> None:
        self.state = state
        self.settings = settings or Settings()
        if self.settings.answers not in ANSWERS:
            raise ValueError(f"answers must be one of {', '.join(ANSWERS)}")
        if self.settings.order_shape not in ORDER_SHAPES:
            raise ValueError(f"order_shape must be one of {', '.join(ORDER_SHAPES)}")
        if self.settings.sku_id_rule not in ("strict", "free"):
            raise ValueError("sku_id_rule must be strict or free")
        p = "/api/v1"
        self.routes: list[tuple[str, re.Pattern[str], Callable[[Call], Answer]]] = [
            ("GET", re.compile(rf"^{p}/auth/credentials$"), self.credentials),
            ("GET", re.compile(rf"^{p}/branches$"), self.list_branches),
            ("POST", re.compile(rf"^{p}/branches/bulk$"), self.bulk_branches),
            ("GET", re.compile(rf"^{p}/products$"), self.list_products),
            ("POST", re.compile(rf"^{p}/products/bulk$"), self.bulk_products),
            ("GET", re.compile(rf"^{p}/skus$"), self.list_skus),
            ("POST", re.compile(rf"^{p}/skus/bulk$"), self.bulk_skus),
            ("GET", re.compile(rf"^{p}/orders$"), self.list_orders),
            ("POST", re.compile(rf"^{p}/orders/bulk$"), self.bulk_orders),
            ("PATCH", re.compile(rf"^{p}/orders/bulk/status$"), self.bulk_order_status),
            ("GET", re.compile(rf"^{p}/orders/([^/]+)$"), self.get_order),
            ("GET", re.compile(rf"^{p}/customers$"), self.list_customers),
            ("POST", re.compile(rf"^{p}/customers$"), self.create_customer),
            ("PATCH", re.compile(rf"^{p}/customers/([^/]+)$"), self.update_customer),
            ("GET", re.compile(rf"^{p}/offers$"), self.list_offers),
            ("POST", re.compile(rf"^{p}/offers$"), self.create_offer),
            ("POST", re.compile(rf"^{p}/offers/bulk$"), self.bulk_offers),
            ("GET", re.compile(rf"^{p}/offers/([^/]+)$"), self.get_offer),
            ("PUT", re.compile(rf"^{p}/offers/([^/]+)$"), self.replace_offer),
            ("PATCH", re.compile(rf"^{p}/offers/([^/]+)/status$"), self.offer_status),
            ("DELETE", re.compile(rf"^{p}/offers/([^/]+)$"), self.delete_offer),
        ]

    @property
    def rich(self) -> bool:
        return self.settings.answers == "rich"

    def route(self, method: str, path: str) -> tuple[Callable[[Call], Answer], tuple[str, ...]]:
        for verb, pattern, handler in self.routes:
            match = pattern.match(path)
            if match and verb == method:
                return handler, tuple(unquote(g) for g in match.groups())
        # ASSUMPTION (Linkit silent, G8): only the published paths exist; anything else (an unpublished
        # single-record path, or a published path with another verb) is 404.
        raise ApiError(404, f"No route {method} {path}", "not_found")

    # ------------------------------------------------------------------------------ health & credentials
    def health(self) -> Answer:
        status = self.state.health_status
        body = {"status": status, "version": "1.0.0", "environment": "sandbox", "timestamp": now_iso()}
        return (503 if status == "unhealthy" else 200), body

    def credentials(self, call: Call) -> Answer:
        st = self.state
        # ASSUMPTION (Linkit silent, G2): only `checked_at`, `user{id,email,name,type}`,
        # `service_operational` and `billing.status` are published; the minimal answer is exactly those.
        # billing.status is "active", or "suspended" while the account is suspended (enum not published).
        body: dict[str, Any] = {
            "checked_at": now_iso(),
            "user": {
                "id": "usr_sandbox1",
                "email": "ops@example.com",
                "name": "Ops User",
                "type": "api_token",
            },
            "service_operational": st.health_status != "unhealthy",
            "billing": {"status": "suspended" if st.suspended else "active"},
        }
        if self.rich:
            body["organization"] = {"id": st.organization_id, "name": "Sandbox Organization"}
            body["wallet"] = {"balance": 0, "currency": "SAR"}
        return 200, body

    # ------------------------------------------------------------------------------ lists
    def _list(
        self,
        call: Call,
        rows: list[dict[str, Any]],
        view: Callable[[dict[str, Any]], dict[str, Any]] = _view,
    ) -> Answer:
        query = call.query
        page = _query_int(query, "page")
        limit = _query_int(query, "limit")
        page = 1 if page is None else page
        limit = DEFAULT_LIMIT if limit is None else limit
        if page < 1 or limit < 1:
            raise ApiError(400, "page and limit must be >= 1", "bad_request")
        # ASSUMPTION (Linkit silent, G3): `limit` above the published max of 100 is answered with 100
        # items and `limit: 100` (not an error); a client must page by `has_next`, not by the limit it asked.
        limit = min(limit, MAX_LIMIT)
        sort = query.get("sort", "-created")
        name = sort.removeprefix("-")
        # ASSUMPTION (Linkit silent, G6): only the published sort keys (`created`, `name_en`) are accepted;
        # `sort=updated` is a 400 unless the sandbox is built with sort_fields including "updated".
        if name not in self.settings.sort_fields:
            raise ApiError(400, f"sort must be one of {', '.join(self.settings.sort_fields)}", "bad_request")
        # ASSUMPTION (Linkit silent, G6): the default order of every list is `-created` (published for
        # products); ties keep creation order reversed.
        rows = sorted(rows, key=lambda r: (str(r.get(name) or ""), r["_seq"]), reverse=sort.startswith("-"))
        start = (page - 1) * limit
        data = [view(r) for r in rows[start : start + limit]]
        return 200, {
            "data": data,
            "count": len(data),
            "total_count": len(rows),
            "page": page,
            "limit": limit,
            "has_next": start + limit < len(rows),
            "meta": {},
        }

    # ------------------------------------------------------------------------------ bulk
    def _bulk_body(self, call: Call, plural: str, *, modes: tuple[str, ...] = MODES) -> tuple[str, list[Any]]:
        body = call.body
        if not isinstance(body, dict):
            raise ApiError(400, f'body must be {{"mode": ..., "{plural}": [...]}}', "bad_request")
        mode = body.get("mode")
        # ASSUMPTION (Linkit silent, G4): `mode` is required on product/branch/SKU bulk bodies (every example
        # has it); a missing or unknown mode is a 400 for the whole request.
        if mode not in modes:
            raise ApiError(400, f"mode must be one of {', '.join(modes)}", "bad_request")
        return mode, self._items(body.get(plural), plural)

    def _items(self, items: Any, plural: str) -> list[Any]:
        # ASSUMPTION (Linkit silent, G4): 1..1000 items; an empty list or more than 1000 is a 400 for the
        # whole request, nothing applied.
        if not isinstance(items, list) or not 1 <= len(items) <= MAX_BULK:
            raise ApiError(400, f"{plural} must be a list of 1 to {MAX_BULK} items", "bad_request")
        return items

    def _run_bulk(
        self, plural: str, items: list[Any], apply: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> Answer:
        results: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            key = item.get("iv_id") if isinstance(item, dict) else None
            try:
                if not isinstance(item, dict):
                    raise ItemError("item must be an object")
                record = apply(item)
                results.append({"index": index, "iv_id": key, "success": True, "id": record["id"]})
            except ItemError as exc:
                results.append({"index": index, "iv_id": key, "success": False, "error": str(exc)})
        failed = sum(1 for r in results if not r["success"])
        total = len(results)
        # ASSUMPTION (Linkit silent, G4): the published bulk answer is only `{"success": true, "message":
        # "Processed 100 products successfu…"}`. The minimal answer is HTTP 200 with exactly those two keys:
        # `success` is false when any item failed, `message` is free text. It does NOT say which items
        # failed: a client must read back (GET) to find them. `answers="rich"` adds `data` with per-item
        # results (index, iv_id, success, id / error) - not the contract.
        if failed:
            message = f"Processed {total} {plural}: {total - failed} succeeded, {failed} failed"
        else:
            message = f"Processed {total} {plural} successfully"
        body: dict[str, Any] = {"success": failed == 0, "message": message}
        if self.rich:
            body["data"] = {"total": total, "succeeded": total - failed, "failed": failed, "results": results}
        return 200, body

    def _stamp(self, record: dict[str, Any], created: bool) -> None:
        stamp = now_iso()
        record["updated"] = stamp
        if created:
            record["created"] = stamp
            record["_seq"] = next(self.state._ids)

    def _mode_check(self, mode: str, exists: bool, what: str, key: str) -> None:
        if mode == "create" and exists:
            raise ItemError(f"{what} {key} already exists")
        if mode == "update" and not exists:
            raise ItemError(f"{what} {key} not found")

    # ------------------------------------------------------------------------------ branches
    def list_branches(self, call: Call) -> Answer:
        rows = list(self.state.branches.values())
        rows = self._search(rows, call.query.get("search"), ("name_en", "name_ar"))
        active = _query_bool(call.query, "active")
        if active is not None:
            rows = [r for r in rows if r["active"] is active]
        return self._list(call, rows)

    def bulk_branches(self, call: Call) -> Answer:
        mode, items = self._bulk_body(call, "branches")
        return self._run_bulk("branches", items, lambda item: self._apply_branch(mode, item))

    def _apply_branch(self, mode: str, item: dict[str, Any]) -> dict[str, Any]:
        st = self.state
        iv_id = _text(item, "iv_id", required=True)
        assert iv_id is not None
        existing = st.branches.get(iv_id)
        self._mode_check(mode, existing is not None, "branch", iv_id)
        # ASSUMPTION (Linkit silent, G10): `name_en` is required to create a branch (as for brands).
        name_en = _text(item, "name_en", required=existing is None)
        name_ar = _text(item, "name_ar")
        active = _flag(item, "active")
        location = item.get("location")
        if location is not None and not (
            isinstance(location, dict)
            and _is_number(location.get("lat"))
            and _is_number(location.get("lon"))
            and -90 <= location["lat"] <= 90
            and -180 <= location["lon"] <= 180
        ):
            raise ItemError("location must be {lat, lon}")
        hours = item.get("working_hours")
        periods = None if hours is None else normalize_hours(hours, overnight=self.settings.allow_overnight)
        created = existing is None
        if created:
            # ASSUMPTION (Linkit silent, G10): an absent `active` is true; absent optional fields are null.
            record: dict[str, Any] = {
                "id": st.new_id(),
                "iv_id": iv_id,
                "organization_id": st.organization_id,
                "name_en": None,
                "name_ar": None,
                "active": True,
                "location": None,
                "working_hours": None,
                "working_hours_periods": [],
            }
        else:
            assert existing is not None
            record = existing
        # ASSUMPTION (Linkit silent, G4): update/upsert of an existing record changes only the fields sent
        # (unknown fields are dropped, never an error).
        for name, value in (("name_en", name_en), ("name_ar", name_ar), ("active", active)):
            if value is not None:
                record[name] = value
        if location is not None:
            record["location"] = {"lat": location["lat"], "lon": location["lon"]}
        if hours is not None:
            # ASSUMPTION (Linkit silent, G9): `working_hours` is kept as sent; `working_hours_periods` is the
            # normalized list of whichever shape was sent (the last one sent wins).
            record["working_hours"] = copy.deepcopy(hours)
            record["working_hours_periods"] = periods
        self._stamp(record, created)
        st.branches[iv_id] = record
        st.writes["branch.created" if created else "branch.updated"] += 1
        if created:
            st.created[f"branch:{iv_id}"] += 1
            for product in st.products.values():  # [br]: one SKU per existing product
                self._generate_sku(product, record)
        return record

    # ------------------------------------------------------------------------------ products
    def list_products(self, call: Call) -> Answer:
        rows = list(self.state.products.values())
        rows = self._search(rows, call.query.get("search"), ("name_en", "name_ar"))
        for name in ("brand_id", "category_id"):
            if name in call.query:
                rows = [r for r in rows if r.get(name) == call.query[name]]
        enabled = _query_bool(call.query, "is_enabled")
        if enabled is not None:
            rows = [r for r in rows if r["is_enabled"] is enabled]
        return self._list(call, rows)

    def bulk_products(self, call: Call) -> Answer:
        mode, items = self._bulk_body(call, "products")
        return self._run_bulk("products", items, lambda item: self._apply_product(mode, item))

    def _apply_product(self, mode: str, item: dict[str, Any]) -> dict[str, Any]:
        st = self.state
        iv_id = _text(item, "iv_id", required=True)
        assert iv_id is not None
        existing = st.products.get(iv_id)
        self._mode_check(mode, existing is not None, "product", iv_id)
        # ASSUMPTION (Linkit silent, G10): `name_en` is required to create a product; `average_price` >= 0,
        # `vat_value` a percentage 0..100; brand/category/generic ids are not checked for existence.
        values: dict[str, Any] = {
            "name_en": _text(item, "name_en", required=existing is None),
            "name_ar": _text(item, "name_ar"),
            "average_price": _number(item, "average_price"),
            "vat_value": _number(item, "vat_value", high=100),
            "barcode": _text(item, "barcode"),
            "brand_id": _text(item, "brand_id"),
            "category_id": _text(item, "category_id"),
            "generic_id": _text(item, "generic_id"),
            "is_enabled": _flag(item, "is_enabled"),
            "is_deleted": _flag(item, "is_deleted"),
        }
        created = existing is None
        if created:
            record: dict[str, Any] = {
                "id": st.new_id(),
                "iv_id": iv_id,
                "organization_id": st.organization_id,
            }
            record.update({name: None for name in values})
            # ASSUMPTION (Linkit silent, G10): an absent is_enabled is true, is_deleted false.
            record["is_enabled"], record["is_deleted"] = True, False
        else:
            assert existing is not None
            record = existing
        record.update({name: value for name, value in values.items() if value is not None})
        self._stamp(record, created)
        st.products[iv_id] = record
        st.writes["product.created" if created else "product.updated"] += 1
        if created:
            st.created[f"product:{iv_id}"] += 1
            for branch in st.branches.values():  # [prod]: one SKU per existing branch
                self._generate_sku(record, branch)
        return record

    # ------------------------------------------------------------------------------ SKUs
    def _generate_sku(self, product: dict[str, Any], branch: dict[str, Any]) -> None:
        st = self.state
        iv_id = f"{product['iv_id']}_{branch['iv_id']}"  # [sku]
        if iv_id in st.skus:
            return
        # ASSUMPTION (Linkit silent, G11): a generated SKU starts with qty 0, the product's average_price
        # (or 0), cost 0 and available false, until someone sets them.
        record: dict[str, Any] = {
            "id": st.new_id(),
            "iv_id": iv_id,
            "organization_id": st.organization_id,
            "product_iv_id": product["iv_id"],
            "branch_iv_id": branch["iv_id"],
            "qty": 0,
            "price": product.get("average_price") or 0,
            "cost": 0,
            "available": False,
        }
        self._stamp(record, True)
        st.skus[iv_id] = record
        st.created[f"sku:{iv_id}"] += 1

    def list_skus(self, call: Call) -> Answer:
        rows = list(self.state.skus.values())
        for name in ("product_iv_id", "branch_iv_id"):
            if name in call.query:
                rows = [r for r in rows if r[name] == call.query[name]]
        available = _query_bool(call.query, "available")
        if available is not None:
            rows = [r for r in rows if r["available"] is available]
        low, high = _query_int(call.query, "min_qty"), _query_int(call.query, "max_qty")
        if low is not None:
            rows = [r for r in rows if r["qty"] >= low]
        if high is not None:
            rows = [r for r in rows if r["qty"] <= high]
        return self._list(call, rows)

    def bulk_skus(self, call: Call) -> Answer:
        mode, items = self._bulk_body(call, "skus")
        return self._run_bulk("skus", items, lambda item: self._apply_sku(mode, item))

    def _apply_sku(self, mode: str, item: dict[str, Any]) -> dict[str, Any]:
        st = self.state
        product_iv_id = _text(item, "product_iv_id", required=True)
        branch_iv_id = _text(item, "branch_iv_id", required=True)
        rule = f"{product_iv_id}_{branch_iv_id}"
        iv_id = item.get("iv_id")
        # ASSUMPTION (Linkit silent, G11): by default (sku_id_rule="strict") `iv_id` is required and must be
        # `{product_iv_id}_{branch_iv_id}` ([sku]); the bulk example's free "SKU-001" is accepted only with
        # sku_id_rule="free". Either way a SKU is the product x branch pair.
        if self.settings.sku_id_rule == "strict" and iv_id != rule:
            raise ItemError(f"iv_id must be {rule} ({{product_iv_id}}_{{branch_iv_id}})")
        # ASSUMPTION (Linkit silent, G11): a SKU whose product or branch does not exist is refused (SKUs are
        # generated, never created by hand); so is mode "create" for a pair that exists (it always does).
        if product_iv_id not in st.products:
            raise ItemError(f"product {product_iv_id} not found")
        if branch_iv_id not in st.branches:
            raise ItemError(f"branch {branch_iv_id} not found")
        existing = st.skus.get(rule)
        self._mode_check(mode, existing is not None, "sku", rule)
        qty = item.get("qty")
        # ASSUMPTION (Linkit silent, G12): `qty` is a JSON integer >= 0 (5.0, "5", true or -1 are refused).
        if qty is not None and (not _is_int(qty) or qty < 0):
            raise ItemError("qty must be an integer >= 0")
        values = {
            "qty": qty,
            "price": _number(item, "price"),
            "cost": _number(item, "cost"),
            "available": _flag(item, "available"),
        }
        if existing is None:  # only reachable if a product/branch predates SKU generation (never) - keep safe
            self._generate_sku(st.products[product_iv_id], st.branches[branch_iv_id])
            existing = st.skus[rule]
        existing.update({name: value for name, value in values.items() if value is not None})
        self._stamp(existing, False)
        st.writes["sku.updated"] += 1
        return existing

    # ------------------------------------------------------------------------------ orders
    def _order_view(self, order: dict[str, Any]) -> dict[str, Any]:
        if self.settings.order_shape == "legacy":
            return _view(order)
        # ASSUMPTION (Linkit silent, G7): the read envelope is `{"spec_version": "2026-04-01",
        # "order": {...}}`; its "event metadata" fields are not published and left out. UnifiedOrderPayload
        # is filled from the written order: source_reference = external_id, order_status = status,
        # discounts_amount = discount, vat_amount = tax, comment = notes, skus = the lines' product_id;
        # fields never written are null. The write's `source` has no published read field and is not shown.
        lines = order.get("products") or []
        unified = {
            "id": order["id"],
            "organization_id": order["organization_id"],
            "source_reference": order.get("external_id"),
            "source_transaction_id": order.get("_source_transaction_id"),
            "source_timestamp": order["created"],
            "order_code": order.get("external_id") or order["id"],
            "order_type": None,
            "destination_id": order.get("_destination_id"),
            "destination_reference": order.get("_destination_reference"),
            "store_name": None,
            "order_status": order["status"],
            "fulfillment_status": order.get("fulfillment_status"),
            "payment_status": order.get("payment_status"),
            "fulfillment_method": None,
            "payment_method": None,
            "transport_type": None,
            "is_preorder": False,
            "promised_for": None,
            "total_amount": order["total_amount"],
            "discounts_amount": order.get("discount"),
            "vat_amount": order.get("tax"),
            "delivery_fee": order.get("delivery_fee"),
            "service_fee": None,
            "subtotal": order.get("subtotal"),
            "currency": order["currency"],
            "customer_name": order.get("customer_name"),
            "customer_phone": order.get("customer_phone"),
            "customer_email": order.get("customer_email"),
            "receiver_name": None,
            "receiver_phone": None,
            "skus": [line.get("product_id") for line in lines if line.get("product_id")],
            "products": copy.deepcopy(lines),
            "shipping_address": None,
            "dispatch_routing": None,
            "comment": order.get("notes"),
        }
        return {"spec_version": SPEC_VERSION, "order": unified}

    def list_orders(self, call: Call) -> Answer:
        rows = list(self.state.orders.values())
        status = call.query.get("status")
        if status is not None:
            rows = [r for r in rows if r["status"] == status]
        return self._list(call, rows, self._order_view)

    def get_order(self, call: Call) -> Answer:
        order = self.state.orders.get(call.args[0])
        if order is None:
            raise ApiError(404, f"order {call.args[0]} not found", "not_found")
        # ASSUMPTION (Linkit silent, G7): a single order is the envelope itself (no `data` wrapper).
        return 200, self._order_view(order)

    def bulk_orders(self, call: Call) -> Answer:
        # [bulk]: orders bulk create is a bare JSON array (no `mode`).
        items = self._items(call.body, "orders")
        return self._run_bulk("orders", items, self._create_order)

    def _create_order(self, item: dict[str, Any]) -> dict[str, Any]:
        st = self.state
        # ASSUMPTION (Linkit silent, G13): required are `source`, `products` (>= 1 line with an integer
        # quantity > 0 and a price >= 0), `total_amount` and a 3-letter upper-case `currency`, as in the
        # published bulk example; `status` defaults to "pending", `payment_status` to "pending",
        # `fulfillment_status` to null.
        source = _text(item, "source", required=True)
        lines = item.get("products")
        if not isinstance(lines, list) or not lines:
            raise ItemError("products must be a non-empty list")
        clean: list[dict[str, Any]] = []
        for line in lines:
            if not isinstance(line, dict) or not _is_int(line.get("quantity")) or line["quantity"] <= 0:
                raise ItemError("each product line needs an integer quantity > 0")
            if not _is_number(line.get("price")) or line["price"] < 0:
                raise ItemError("each product line needs a price >= 0")
            entry = {k: line.get(k) for k in ("product_id", "name", "quantity", "price")}
            entry["total"] = (
                line["total"] if _is_number(line.get("total")) else round(line["quantity"] * line["price"], 2)
            )
            clean.append(entry)
        total = _number(item, "total_amount")
        if total is None:
            raise ItemError("total_amount is required")
        currency = item.get("currency")
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
            raise ItemError("currency must be an ISO 4217 code")
        status = item.get("status", "pending")
        if status not in ORDER_STATUSES:
            raise ItemError(f"status must be one of {', '.join(ORDER_STATUSES)}")
        payment = item.get("payment_status", "pending")
        if payment not in PAYMENT_STATUSES:
            raise ItemError(f"payment_status must be one of {', '.join(PAYMENT_STATUSES)}")
        external_id = _text(item, "external_id")
        transaction = _text(item, "source_transaction_id")
        # ASSUMPTION (Linkit silent, G13): an order whose (source, external_id) or source_transaction_id is
        # already known is refused as a duplicate; an order with neither is always created anew.
        if external_id is not None and st.order_by_external(source or "", external_id) is not None:
            raise ItemError(f"order {source}/{external_id} already exists")
        if transaction is not None and any(
            o.get("_source_transaction_id") == transaction for o in st.orders.values()
        ):
            raise ItemError(f"order with source_transaction_id {transaction} already exists")
        destination = _text(item, "destination_reference")
        # ASSUMPTION (Linkit silent, G13): `destination_reference`, when sent, must be a known branch iv_id.
        if destination is not None and destination not in st.branches:
            raise ItemError(f"branch {destination} not found")
        record: dict[str, Any] = {
            "id": st.new_id(),
            "organization_id": st.organization_id,
            "source": source,
            "external_id": external_id,
            "customer_name": _text(item, "customer_name"),
            "customer_email": _text(item, "customer_email"),
            "customer_phone": _text(item, "customer_phone"),
            "products": clean,
            "subtotal": _number(item, "subtotal"),
            "discount": _number(item, "discount"),
            "tax": _number(item, "tax"),
            "delivery_fee": _number(item, "delivery_fee"),
            "total_amount": total,
            "currency": currency,
            "status": status,
            "payment_status": payment,
            "fulfillment_status": _text(item, "fulfillment_status"),
            "notes": _text(item, "notes", max_len=10000),
            "_source_transaction_id": transaction,
            "_destination_reference": destination,
            "_destination_id": st.branches[destination]["id"] if destination else None,
        }
        self._stamp(record, True)
        st.orders[record["id"]] = record
        st.writes["order.created"] += 1
        st.created[f"order:{source}:{external_id or record['id']}"] += 1
        return record

    def bulk_order_status(self, call: Call) -> Answer:
        # ASSUMPTION (Linkit silent, G13): the body is `{"orders": [{"id": "<Linkit order id>", "status": ...,
        # "payment_status"?: ..., "fulfillment_status"?: ...}]}` (1..1000); any published status may follow
        # any other; an unknown id fails that item only.
        if not isinstance(call.body, dict):
            raise ApiError(400, 'body must be {"orders": [...]}', "bad_request")
        items = self._items(call.body.get("orders"), "orders")
        return self._run_bulk("orders", items, self._order_status)

    def _order_status(self, item: dict[str, Any]) -> dict[str, Any]:
        order = self.state.orders.get(str(item.get("id")))
        if order is None:
            raise ItemError(f"order {item.get('id')} not found")
        status, payment = item.get("status"), item.get("payment_status")
        if status is None and payment is None and item.get("fulfillment_status") is None:
            raise ItemError("nothing to change (status, payment_status or fulfillment_status)")
        if status is not None and status not in ORDER_STATUSES:
            raise ItemError(f"status must be one of {', '.join(ORDER_STATUSES)}")
        if payment is not None and payment not in PAYMENT_STATUSES:
            raise ItemError(f"payment_status must be one of {', '.join(PAYMENT_STATUSES)}")
        fulfillment = _text(item, "fulfillment_status")
        for name, value in (
            ("status", status),
            ("payment_status", payment),
            ("fulfillment_status", fulfillment),
        ):
            if value is not None:
                order[name] = value
        self._stamp(order, False)
        self.state.writes["order.status"] += 1
        return order

    # ------------------------------------------------------------------------------ customers
    def list_customers(self, call: Call) -> Answer:
        # [cust]: X-Organization-ID is a required header of GET /customers.
        if not call.organization_header:
            raise ApiError(400, "X-Organization-ID header is required", "bad_request")
        rows = list(self.state.customers.values())
        for name in ("status", "type"):
            if name in call.query:
                rows = [r for r in rows if r.get(name) == call.query[name]]
        rows = self._search(rows, call.query.get("search"), ("first_name", "last_name", "email", "phone"))
        return self._list(call, rows)

    def _customer_values(self, item: dict[str, Any], creating: bool) -> dict[str, Any]:
        email = _text(item, "email")
        phone = _text(item, "phone")
        if creating and email is None and phone is None:
            raise ItemError("email or phone is required")
        if email is not None:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()):
                raise ItemError("email is not an email address")
            email = email.strip().lower()
        if phone is not None:
            # ASSUMPTION (Linkit silent, G14): "normalized with country code": spaces and dashes are removed,
            # what is left must be + and 8..15 digits.
            phone = re.sub(r"[\s-]", "", phone)
            if not re.fullmatch(r"\+\d{8,15}", phone):
                raise ItemError("phone must be in international form (+966501234567)")
        values = {
            "first_name": _text(item, "first_name"),
            "last_name": _text(item, "last_name"),
            "email": email,
            "phone": phone,
            "birthdate": item.get("birthdate"),
            "gender": item.get("gender"),
            "type": item.get("type"),
            "status": item.get("status"),
        }
        if values["birthdate"] is not None and not re.fullmatch(
            r"\d{4}-\d{2}-\d{2}", str(values["birthdate"])
        ):
            raise ItemError("birthdate must be YYYY-MM-DD")
        for name, allowed in (("gender", GENDERS), ("type", CUSTOMER_TYPES), ("status", CUSTOMER_STATUSES)):
            if values[name] is not None and values[name] not in allowed:
                raise ItemError(f"{name} must be one of {', '.join(allowed)}")
        return values

    def _customer_duplicate(self, values: dict[str, Any], own_id: str | None) -> None:
        for other in self.state.customers.values():
            if other["id"] == own_id:
                continue
            for name in ("email", "phone"):
                if values.get(name) and other.get(name) == values[name]:
                    raise ApiError(409, f"a customer with this {name} already exists", "conflict")

    def create_customer(self, call: Call) -> Answer:
        # ASSUMPTION (Linkit silent, G8/G14): no customer write is published. The sandbox serves
        # `POST /api/v1/customers` with the published customer fields; email or phone is required, a duplicate
        # email or phone is 409, the answer is 201 `{"success", "message", "data"}` like the published
        # brand create. There is no external-id field and no bulk customers endpoint [bulk].
        if not isinstance(call.body, dict):
            raise ApiError(400, "body must be an object", "bad_request")
        try:
            values = self._customer_values(call.body, True)
        except ItemError as exc:
            raise ApiError(422, str(exc), "validation_error") from exc
        self._customer_duplicate(values, None)
        st = self.state
        record: dict[str, Any] = {"id": st.new_id(), "organization_id": st.organization_id}
        record.update(values)
        record["type"] = values["type"] or "individual"
        record["status"] = values["status"] or "active"
        self._stamp(record, True)
        st.customers[record["id"]] = record
        st.writes["customer.created"] += 1
        st.created[f"customer:{record['email'] or record['phone']}"] += 1
        return 201, {"success": True, "message": "Customer created successfully", "data": _view(record)}

    def update_customer(self, call: Call) -> Answer:
        # ASSUMPTION (Linkit silent, G8/G14): `PATCH /api/v1/customers/{id}` changes the fields sent.
        record = self.state.customers.get(call.args[0])
        if record is None:
            raise ApiError(404, f"customer {call.args[0]} not found", "not_found")
        if not isinstance(call.body, dict):
            raise ApiError(400, "body must be an object", "bad_request")
        try:
            values = self._customer_values(call.body, False)
        except ItemError as exc:
            raise ApiError(422, str(exc), "validation_error") from exc
        self._customer_duplicate(values, record["id"])
        record.update({k: v for k, v in values.items() if v is not None})
        self._stamp(record, False)
        self.state.writes["customer.updated"] += 1
        return 200, {"success": True, "message": "Customer updated successfully", "data": _view(record)}

    # ------------------------------------------------------------------------------ offers
    def _offer_view(self, offer: dict[str, Any]) -> dict[str, Any]:
        view = _view(offer)
        # ASSUMPTION (Linkit silent, G15): whether `remote_offer_id` is returned is not published; by default
        # it is stored (the upsert key of /offers/bulk) but not shown, nor filterable. Shown with
        # offer_remote_id_visible=True.
        if self.settings.offer_remote_id_visible:
            view["remote_offer_id"] = offer.get("_remote_offer_id")
        return view

    def _offer_values(self, item: dict[str, Any]) -> dict[str, Any]:
        name = _text(item, "name", required=True)
        offer_type = item.get("offer_type")
        if offer_type not in OFFER_TYPES:
            raise ItemError(f"offer_type must be one of {', '.join(OFFER_TYPES)}")
        status = item.get("status", "active")
        if status not in OFFER_STATUSES:
            raise ItemError(f"status must be one of {', '.join(OFFER_STATUSES)}")
        is_active = _flag(item, "is_active")
        scope = item.get("target_scope")
        values: dict[str, Any] = {
            "organization_app_id": _text(item, "organization_app_id"),
            "name": name,
            "offer_type": offer_type,
            "status": status,
            # ASSUMPTION (Linkit silent, G15): an absent is_active follows status ("active" -> true).
            "is_active": status == "active" if is_active is None else is_active,
            "target_scope": scope,
            "target_iv_id": _text(item, "target_iv_id"),
            "target_barcode": _text(item, "target_barcode"),
            "discount_type": item.get("discount_type"),
            "discount_value": item.get("discount_value"),
            "start_at": _when(item, "start_at"),
            "end_at": _when(item, "end_at"),
            "meta": item.get("meta") if item.get("meta") is not None else {},
        }
        if not isinstance(values["meta"], dict):
            raise ItemError("meta must be an object")
        if values["start_at"] and values["end_at"]:
            start = datetime.fromisoformat(values["start_at"].replace("Z", "+00:00"))
            end = datetime.fromisoformat(values["end_at"].replace("Z", "+00:00"))
            if end <= start:
                raise ItemError("end_at must be after start_at")
        if offer_type == "direct_discount":
            # ASSUMPTION (Linkit silent, G15): a direct discount needs target_scope product|order, a
            # percentage discount_value in (0, 100], and, for scope product, target_iv_id or target_barcode.
            if scope not in ("product", "order"):
                raise ItemError("target_scope must be product or order")
            if scope == "product" and not (values["target_iv_id"] or values["target_barcode"]):
                raise ItemError("a product offer needs target_iv_id or target_barcode")
            if values["discount_type"] not in DISCOUNT_TYPES:
                raise ItemError(f"discount_type must be one of {', '.join(DISCOUNT_TYPES)}")
            value = values["discount_value"]
            if not _is_number(value) or not 0 < value <= 100:
                raise ItemError("discount_value must be a percentage > 0 and <= 100")
        elif offer_type in ("bogo", "buy_x_get_discount"):
            extra = ["buy_qty", "buy_iv_id"] + (["get_qty", "get_iv_id"] if offer_type == "bogo" else [])
            if offer_type == "buy_x_get_discount":
                extra.append("get_discount_percent")
            for key in extra:
                if item.get(key) is None:
                    raise ItemError(f"{key} is required for {offer_type}")
                values[key] = item[key]
        return values

    def _remote_id(self, item: dict[str, Any]) -> str | None:
        remote = item.get("remote_offer_id")
        if remote is not None and (not isinstance(remote, str) or not remote):
            raise ItemError("remote_offer_id must be a non-empty string")
        return remote

    def _store_offer(
        self, values: dict[str, Any], remote: str | None, existing: dict[str, Any] | None
    ) -> dict:
        st = self.state
        created = existing is None
        record: dict[str, Any] = (
            {"id": st.new_id(), "organization_id": st.organization_id}
            if existing is None
            else {k: existing[k] for k in ("id", "organization_id", "created", "_seq")}
        )
        record.update(values)
        old_remote = existing.get("_remote_offer_id") if existing else None
        if old_remote and old_remote != remote:
            st.offer_remote_ids.pop(old_remote, None)
        record["_remote_offer_id"] = remote
        if remote:
            st.offer_remote_ids[remote] = record["id"]
        self._stamp(record, created)
        st.offers[record["id"]] = record
        st.writes["offer.created" if created else "offer.updated"] += 1
        if created:
            st.created[f"offer:{remote or record['id']}"] += 1
        return record

    def list_offers(self, call: Call) -> Answer:
        rows = list(self.state.offers.values())
        names = [
            "status",
            "offer_type",
            "target_scope",
            "organization_app_id",
            "target_iv_id",
            "target_barcode",
        ]
        for name in names:
            if name in call.query:
                rows = [r for r in rows if r.get(name) == call.query[name]]
        active = _query_bool(call.query, "is_active")
        if active is not None:
            rows = [r for r in rows if r["is_active"] is active]
        if self.settings.offer_remote_id_visible and "remote_offer_id" in call.query:
            rows = [r for r in rows if r.get("_remote_offer_id") == call.query["remote_offer_id"]]
        # ASSUMPTION (Linkit silent, G15): the meaning of the `synced` filter is not published; it is ignored,
        # as is any unknown query parameter.
        rows = self._search(rows, call.query.get("search"), ("name",))
        return self._list(call, rows, self._offer_view)

    def _offer(self, offer_id: str) -> dict[str, Any]:
        offer = self.state.offers.get(offer_id)
        if offer is None:
            raise ApiError(404, f"offer {offer_id} not found", "not_found")
        return offer

    def get_offer(self, call: Call) -> Answer:
        # ASSUMPTION (Linkit silent, G15): single-offer answers use the published create envelope
        # `{"success": true, "data": {...}}` (a `message` only on writes).
        return 200, {"success": True, "data": self._offer_view(self._offer(call.args[0]))}

    def _validated(self, body: Any) -> tuple[dict[str, Any], str | None]:
        if not isinstance(body, dict):
            raise ApiError(400, "body must be an object", "bad_request")
        try:
            return self._offer_values(body), self._remote_id(body)
        except ItemError as exc:
            raise ApiError(422, str(exc), "validation_error") from exc

    def create_offer(self, call: Call) -> Answer:
        values, remote = self._validated(call.body)
        # ASSUMPTION (Linkit silent, G15): a single create with a remote_offer_id already known is 409
        # (the single POST is not an upsert; /offers/bulk is).
        if remote and remote in self.state.offer_remote_ids:
            raise ApiError(409, f"an offer with remote_offer_id {remote} already exists", "conflict")
        record = self._store_offer(values, remote, None)
        return 201, {
            "success": True,
            "message": "Offer created successfully",
            "data": self._offer_view(record),
        }

    def replace_offer(self, call: Call) -> Answer:
        existing = self._offer(call.args[0])
        values, remote = self._validated(call.body)
        # ASSUMPTION (Linkit silent, G15): PUT replaces every field; a remote_offer_id left out is kept, one
        # owned by another offer is 409.
        remote = remote or existing.get("_remote_offer_id")
        owner = self.state.offer_remote_ids.get(remote) if remote else None
        if owner is not None and owner != existing["id"]:
            raise ApiError(409, f"remote_offer_id {remote} belongs to another offer", "conflict")
        record = self._store_offer(values, remote, existing)
        return 200, {
            "success": True,
            "message": "Offer updated successfully",
            "data": self._offer_view(record),
        }

    def offer_status(self, call: Call) -> Answer:
        offer = self._offer(call.args[0])
        body = call.body if isinstance(call.body, dict) else {}
        status, active = body.get("status"), body.get("is_active")
        if (status is None and active is None) or (status is not None and status not in OFFER_STATUSES):
            raise ApiError(422, f"status must be one of {', '.join(OFFER_STATUSES)}", "validation_error")
        if active is not None and not isinstance(active, bool):
            raise ApiError(422, "is_active must be a boolean", "validation_error")
        if status is not None:
            offer["status"] = status
            offer["is_active"] = status == "active" if active is None else active
        elif active is not None:
            offer["is_active"] = active
        self._stamp(offer, False)
        self.state.writes["offer.status"] += 1
        return 200, {"success": True, "message": "Offer status updated", "data": self._offer_view(offer)}

    def delete_offer(self, call: Call) -> Answer:
        offer = self._offer(call.args[0])
        st = self.state
        del st.offers[offer["id"]]
        if offer.get("_remote_offer_id"):
            st.offer_remote_ids.pop(offer["_remote_offer_id"], None)
        st.deleted_offers.append(offer["id"])
        st.writes["offer.deleted"] += 1
        return 204, None  # [ov]: DELETE answers 204 without a body

    def bulk_offers(self, call: Call) -> Answer:
        # ASSUMPTION (Linkit silent, G15): the bulk body is `{"offers": [...]}` (1..1000), `mode` absent or
        # "upsert"; each item must carry remote_offer_id, the upsert key: a known one replaces that offer
        # (as PUT), an unknown one creates. The answer is the bulk answer of G4.
        body = call.body
        if not isinstance(body, dict) or body.get("mode", "upsert") != "upsert":
            raise ApiError(400, 'body must be {"offers": [...]} (mode upsert)', "bad_request")
        items = self._items(body.get("offers"), "offers")
        return self._run_bulk("offers", items, self._upsert_offer)

    def _upsert_offer(self, item: dict[str, Any]) -> dict[str, Any]:
        remote = self._remote_id(item)
        if not remote:
            raise ItemError("remote_offer_id is required in a bulk upsert")
        values = self._offer_values(item)
        return self._store_offer(values, remote, self.state.offer_by_remote(remote))

    # ------------------------------------------------------------------------------ helpers
    @staticmethod
    def _search(
        rows: list[dict[str, Any]], text: str | None, fields: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        if not text:
            return rows
        # ASSUMPTION (Linkit silent, G6): `search` is a case-insensitive substring match on the named fields.
        needle = text.lower()
        return [r for r in rows if any(needle in str(r.get(f) or "").lower() for f in fields)]
