"""The `/odoo/*` routes of the MarqaSouq Medusa backend (seed 002 sections 4, 5, 6, 9 and 13).

Two ways to answer, chosen once per sandbox (`answers=`):

- ``"seed"`` (the default, what the tests run on): every answer has exactly the shape seed 002 shows. Where
  the seed shows no answer, or does not say what a case looks like, the answer is the most minimal form the
  seed's examples allow, and the code says so in a comment starting ``# ASSUMPTION (seed 002 silent):``.
  A client written against this mode relies only on what the seed promises.
- ``"rich"``: the sandbox's older, more talkative answers (bulk ``errors`` entries with ``index``/``sku``/
  ``code``/``field``, ``details`` in error envelopes, order ``metadata`` flags, fulfillment/payment status,
  write bodies with previous/new quantities). NOT the contract: nothing in seed 002 says MarqaSouq answers
  like this, so no client may depend on it.

What the sandbox does to its state is the same in both modes; only the answers differ.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote

from sandbox.medusa import validation as v
from sandbox.medusa.state import MedusaState, now_iso

# ASSUMPTION (seed 002 silent): a bulk body (§5.2, §6.2, §6.3, §13.2) holds 1 to 1000 items; an empty or
# longer list is VALIDATION_ERROR (400) for the whole request.
MAX_BULK = 1000
Answer = tuple[int, dict[str, Any]]
Answers = Literal["seed", "rich"]
ANSWERS: tuple[Answers, ...] = ("seed", "rich")

# Fields of one order as seed 002 §4.1 shows them (GET /odoo/orders); nested objects likewise.
ORDER_FIELDS = (
    "id",
    "display_id",
    "status",
    "email",
    "currency_code",
    "created_at",
    "customer",
    "shipping_address",
    "items",
    "subtotal",
    "tax_total",
    "shipping_total",
    "total",
)
ORDER_CUSTOMER_FIELDS = ("id", "email", "first_name", "last_name", "phone")
# ASSUMPTION (seed 002 silent): §4.1 elides `shipping_address` as `{...}`; it has the fields of the
# shipping address in the §3.1 order.created payload.
SHIPPING_ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "address_1",
    "city",
    "country_code",
    "postal_code",
    "phone",
)
ORDER_ITEM_FIELDS = ("id", "title", "quantity", "unit_price", "sku", "variant_id")
# §4.4
CUSTOMER_FIELDS = (
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "has_account",
    "created_at",
    "addresses",
    "order_count",
    "total_spent",
)
ADDRESS_FIELDS = ("id", "address_1", "city", "country_code", "phone", "is_default_shipping")
# §4.5
INVENTORY_FIELDS = (
    "id",
    "sku",
    "title",
    "stocked_quantity",
    "reserved_quantity",
    "available_quantity",
    "location_id",
    "location_name",
)
INVENTORY_PRODUCT_FIELDS = ("id", "title", "handle", "variant_id")


class ApiError(Exception):
    """An error answered with the seed's §9 envelope `{"success": false, "error": {code, message, details}}`.

    `details` is what the rich mode shows; the seed mode always answers `details: {}`.
    """

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}

    def envelope(self, answers: Answers = "seed") -> dict[str, Any]:
        # ASSUMPTION (seed 002 silent): §9 shows `details` only as `{}` and never says what goes in it, so
        # the seed mode answers `{}` every time (no field name, no SKU). `message` is free human-readable
        # text (it may name the field); a client must not parse it.
        details = dict(self.details) if answers == "rich" else {}
        return {"success": False, "error": {"code": self.code, "message": self.message, "details": details}}


def validation_error(exc: v.Invalid) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", f"Invalid {exc.field}: {exc.message}", {"field": exc.field})


def _invalid_item(index: int, sku: Any, exc: v.Invalid) -> dict[str, Any]:
    """One rich-mode entry of a bulk answer's `errors` for an item that failed validation."""
    message = f"Invalid {exc.field}: {exc.message}"
    return {"index": index, "sku": sku, "code": "VALIDATION_ERROR", "message": message, "field": exc.field}


def _require_event_type(body: Any, allowed: tuple[str, ...]) -> None:
    """A webhook body must be an object whose event_type is one of ``allowed`` (VALIDATION_ERROR if not)."""
    if not isinstance(body, dict) or body.get("event_type") not in allowed:
        raise ApiError(
            400,
            "VALIDATION_ERROR",
            f"event_type must be one of {', '.join(allowed)}",
            {"field": "event_type"},
        )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "product"


def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    # ASSUMPTION (seed 002 silent): a boolean query parameter that is not true/false/1/0/yes/no is a
    # VALIDATION_ERROR (400).
    raise ApiError(400, "VALIDATION_ERROR", f"Invalid boolean {value!r}", {"field": "query"})


def _page(query: dict[str, str], default: int) -> tuple[int, int]:
    # ASSUMPTION (seed 002 silent): limit must be 1..1000 and offset >= 0, anything else (or a non-integer)
    # is a VALIDATION_ERROR (400). Defaults: 50 for orders (§4.1's table), 50 for customers and 100 for
    # inventory (the `limit` of §4.4's and §4.5's example answers).
    try:
        limit = int(query.get("limit", default))
        offset = int(query.get("offset", 0))
    except ValueError as exc:
        raise ApiError(
            400, "VALIDATION_ERROR", "limit and offset must be integers", {"field": "limit"}
        ) from exc
    if limit < 1 or limit > 1000 or offset < 0:
        raise ApiError(400, "VALIDATION_ERROR", "limit must be 1..1000 and offset >= 0", {"field": "limit"})
    return limit, offset


def _when(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        # ASSUMPTION (seed 002 silent): a date filter that is not an ISO date is a VALIDATION_ERROR (400).
        raise ApiError(400, "VALIDATION_ERROR", f"{field} must be an ISO date", {"field": field}) from exc


def _pick(source: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """Exactly `fields` of `source` (a missing one is null), copied."""
    return {name: copy.deepcopy(source.get(name)) for name in fields}


class MedusaApp:
    """Route table and handlers over one `MedusaState`; `answers` picks the seed or the rich answers."""

    def __init__(self, state: MedusaState, answers: Answers = "seed") -> None:
        if answers not in ANSWERS:
            raise ValueError(f"answers must be one of {', '.join(ANSWERS)} (got {answers!r})")
        self.state = state
        self.answers: Answers = answers
        self.handles: dict[str, str] = {}
        # ASSUMPTION (seed 002 silent): §4.1 shows `shipping_address` elided as `{...}`; a backend may list
        # orders without some parts and give them only through §4.2's single order. Fields named here are
        # left out of each GET /odoo/orders entry (never out of GET /odoo/orders/{id}). Default: none, the
        # seed's list as shown; tests set e.g. ("shipping_address", "items") to prove a client fetches them.
        self.order_list_omits: tuple[str, ...] = ()
        self.routes: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = [
            ("GET", re.compile(r"^/odoo/orders$"), self.list_orders),
            ("GET", re.compile(r"^/odoo/orders/([^/]+)$"), self.get_order),
            ("POST", re.compile(r"^/odoo/orders/([^/]+)/synced$"), self.mark_synced),
            ("GET", re.compile(r"^/odoo/customers$"), self.list_customers),
            ("GET", re.compile(r"^/odoo/inventory$"), self.list_inventory),
            ("POST", re.compile(r"^/odoo/inventory/update$"), self.update_inventory),
            ("POST", re.compile(r"^/odoo/inventory/bulk-update$"), self.bulk_update_inventory),
            ("POST", re.compile(r"^/odoo/inventory/reduce$"), self.reduce_inventory),
            ("POST", re.compile(r"^/odoo/products$"), self.upsert_product),
            ("POST", re.compile(r"^/odoo/products/bulk$"), self.bulk_products),
            ("DELETE", re.compile(r"^/odoo/products/(.+)$"), self.delete_product),
            ("POST", re.compile(r"^/odoo/webhooks/products$"), self.product_webhook),
            ("POST", re.compile(r"^/odoo/webhooks/inventory$"), self.inventory_webhook),
            ("POST", re.compile(r"^/odoo/webhooks/order-status$"), self.order_status_webhook),
        ]

    @property
    def rich(self) -> bool:
        return self.answers == "rich"

    def route(self, method: str, path: str) -> tuple[Callable[..., Answer], tuple[str, ...]]:
        """Handler and path arguments; NOT_FOUND for an unknown route or verb."""
        for verb, pattern, handler in self.routes:
            match = pattern.match(path)
            if match and verb == method:
                return handler, tuple(unquote(g) for g in match.groups())
        # ASSUMPTION (seed 002 silent): an unknown path, or a known path with another verb, is NOT_FOUND
        # (404).
        raise ApiError(404, "NOT_FOUND", f"No route {method} {path}")

    # ---------------------------------------------------------------- products (§5)
    def _apply_product(self, body: dict[str, Any], stamp: str) -> dict[str, Any]:
        """Create or update by SKU; DUPLICATE_SKU when the SKU belongs to another Odoo product."""
        st = self.state
        sku = body["sku"]
        existing = st.products.get(sku)
        odoo_id = body.get("odoo_product_id")
        if existing is not None:
            known = existing.get("odoo_product_id")
            # ASSUMPTION (seed 002 silent): §5.1 creates or updates by SKU; §9's DUPLICATE_SKU (409, "SKU
            # already exists") is answered when the SKU already belongs to another odoo_product_id.
            if known is not None and odoo_id is not None and known != odoo_id:
                raise ApiError(
                    409,
                    "DUPLICATE_SKU",
                    f"SKU {sku} already exists for Odoo product {known}",
                    {"sku": sku, "odoo_product_id": known},
                )
            product = {**existing, **body, "updated_at": stamp}
            created = False
        else:
            # ASSUMPTION (seed 002 silent): the handle is the slug of the title (§5.1's example), with the
            # SKU's slug appended when another SKU has it already; ids look like §5.1's (`prod_01...`).
            handle = _slug(body["title"])
            if self.handles.get(handle, sku) != sku:
                handle = f"{handle}-{_slug(sku)}"
            self.handles[handle] = sku
            product = {
                **body,
                "id": st.new_id("prod"),
                "variant_id": st.new_id("variant"),
                "handle": handle,
                "created_at": stamp,
                "updated_at": stamp,
            }
            created = True
            st.created[sku] += 1
        st.products[sku] = product
        inv = body.get("inventory") or {}
        item = st.inventory.get(sku)
        if item is None:
            item = {
                "id": st.new_id("inv"),
                "sku": sku,
                "stocked_quantity": 0,
                "reserved_quantity": 0,
                "location_id": st.location_id,
                "location_name": st.location_name,
            }
            st.inventory[sku] = item
        # ASSUMPTION (seed 002 silent): a product gets one inventory item at the sandbox's one location;
        # `inventory.quantity` (§5.1) sets its stocked quantity; without it the quantity stays (0 if new).
        item["title"] = product["title"]
        item["product_id"] = product["id"]
        item["variant_id"] = product["variant_id"]
        if inv.get("quantity") is not None:
            item["stocked_quantity"] = int(inv["quantity"])
        st.writes["product.created" if created else "product.updated"] += 1
        # §5.1's answer `product`, field for field.
        return {
            "id": product["id"],
            "title": product["title"],
            "handle": product["handle"],
            "variant_id": product["variant_id"],
            "sku": sku,
            "created": created,
            "updated": not created,
        }

    def upsert_product(self, body: Any, query: dict[str, str]) -> Answer:
        try:
            v.check_product(body)
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        with self.state.lock:
            return 200, {"success": True, "product": self._apply_product(body, now_iso())}

    def bulk_products(self, body: Any, query: dict[str, str]) -> Answer:
        try:
            items = v.list_of(body, "products", MAX_BULK)
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        created = updated = failed = 0
        errors: list[dict[str, Any]] = []
        stamp = now_iso()
        with self.state.lock:
            for index, item in enumerate(items):
                sku = item.get("sku") if isinstance(item, dict) else None
                try:
                    v.check_product(item, f"products[{index}].")
                    result = self._apply_product(item, stamp)
                except v.Invalid as exc:
                    failed += 1
                    errors.append(_invalid_item(index, sku, exc))
                    continue
                except ApiError as exc:
                    failed += 1
                    errors.append({"index": index, "sku": sku, "code": exc.code, "message": exc.message})
                    continue
                if result["created"]:
                    created += 1
                else:
                    updated += 1
        if self.rich:
            results = {
                "total": len(items),
                "created": created,
                "updated": updated,
                "failed": failed,
                "errors": errors,
            }
            return 200, {"success": not errors, "results": results}
        # §5.2's answer. ASSUMPTION (seed 002 silent): the seed never shows an entry of `errors`, so a
        # refused item (invalid, DUPLICATE_SKU) is only counted in `failed` and `errors` stays [] — the
        # answer does not say WHICH items failed.
        # ASSUMPTION (seed 002 silent): `success` stays true (200) when items failed, even when all did —
        # the seed's only example is `true`; a client must read `failed`, never `success`.
        results = {
            "total": len(items),
            "created": created,
            "updated": updated,
            "failed": failed,
            "errors": [],
        }
        return 200, {"success": True, "results": results}

    def delete_product(self, body: Any, query: dict[str, str], sku: str) -> Answer:
        st = self.state
        with st.lock:
            product = st.products.pop(sku, None)
            if product is None:
                raise ApiError(404, "SKU_NOT_FOUND", f"Product with SKU {sku} not found", {"sku": sku})
            st.inventory.pop(sku, None)
            self.handles.pop(product.get("handle", ""), None)
            st.deleted_skus.append(sku)
            st.writes["product.deleted"] += 1
        if self.rich:
            return 200, {"success": True, "deleted": True, "sku": sku, "product_id": product["id"]}
        # ASSUMPTION (seed 002 silent): §5.3 shows no answer; the minimal one is `{"success": true}`. Deleting
        # a product also deletes its inventory item (it no longer shows in GET /odoo/inventory).
        return 200, {"success": True}

    # ---------------------------------------------------------------- inventory (§4.5, §6)
    def _inventory_view(self, item: dict[str, Any], include_product: bool) -> dict[str, Any]:
        view = _pick(item, INVENTORY_FIELDS)
        view["available_quantity"] = item["stocked_quantity"] - item["reserved_quantity"]
        product = self.state.products.get(item["sku"])
        # ASSUMPTION (seed 002 silent): `product` (§4.5's example) is there only with include_products=true,
        # and left out for an inventory item that has no product (one made by the §13.1 product webhook).
        if include_product and product:
            view["product"] = _pick(product, INVENTORY_PRODUCT_FIELDS)
        return view

    def list_inventory(self, body: Any, query: dict[str, str]) -> Answer:
        limit, offset = _page(query, 100)
        # ASSUMPTION (seed 002 silent): low_stock means available_quantity < 10.
        low = _bool(query.get("low_stock"))
        include = bool(_bool(query.get("include_products")))
        with self.state.lock:
            if "sku" in query:
                rows = [self.state.inventory[query["sku"]]] if query["sku"] in self.state.inventory else []
            else:
                rows = [self.state.inventory[s] for s in sorted(self.state.inventory)]
            if low:
                rows = [r for r in rows if r["stocked_quantity"] - r["reserved_quantity"] < 10]
            page = [self._inventory_view(r, include) for r in rows[offset : offset + limit]]
        return 200, {"inventory": page, "total": len(rows), "limit": limit, "offset": offset}

    def _set_stock(self, item: dict[str, Any], where: str) -> tuple[int, int]:
        sku = item["sku"]
        row = self.state.inventory.get(sku)
        if row is None:
            raise ApiError(
                404, "SKU_NOT_FOUND", f"Product with SKU {sku} not found", {"sku": sku, "field": where}
            )
        before = row["stocked_quantity"]
        row["stocked_quantity"] = int(item["quantity"])
        if item.get("location_id"):
            row["location_id"] = item["location_id"]
        self.state.writes["inventory.updated"] += 1
        return before, row["stocked_quantity"]

    def update_inventory(self, body: Any, query: dict[str, str]) -> Answer:
        try:
            v.check_stock_item(body, "")
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        with self.state.lock:
            before, after = self._set_stock(body, "sku")
            location = self.state.inventory[body["sku"]]["location_id"]
        if self.rich:
            return 200, {
                "success": True,
                "inventory": {
                    "sku": body["sku"],
                    "previous_quantity": before,
                    "new_quantity": after,
                    "location_id": location,
                },
            }
        # ASSUMPTION (seed 002 silent): §6.1 shows no answer; the minimal one is `{"success": true}`
        # (an unknown SKU is SKU_NOT_FOUND 404, §9).
        return 200, {"success": True}

    def bulk_update_inventory(self, body: Any, query: dict[str, str]) -> Answer:
        try:
            items = v.list_of(body, "items", MAX_BULK)
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        updated = not_found = 0
        errors: list[dict[str, Any]] = []
        with self.state.lock:
            for index, item in enumerate(items):
                sku = item.get("sku") if isinstance(item, dict) else None
                try:
                    v.check_stock_item(item, f"items[{index}].")
                    self._set_stock(item, f"items[{index}].sku")
                    updated += 1
                except v.Invalid as exc:
                    errors.append(_invalid_item(index, sku, exc))
                except ApiError as exc:
                    not_found += 1
                    errors.append({"index": index, "sku": sku, "code": exc.code, "message": exc.message})
        if self.rich:
            return 200, {
                "success": not errors,
                "results": {
                    "total": len(items),
                    "updated": updated,
                    "not_found": not_found,
                    "errors": errors,
                },
            }
        # §6.2's answer. ASSUMPTION (seed 002 silent): an unknown SKU is only counted in `not_found`, and an
        # invalid item (e.g. a negative quantity; §6.2 has no `failed`) only in `total` — nothing is ever
        # listed in `errors`, so the answer does not say WHICH items were not applied.
        # ASSUMPTION (seed 002 silent): `success` stays true (200) whatever was not applied, as in §5.2.
        return 200, {
            "success": True,
            "results": {"total": len(items), "updated": updated, "not_found": not_found, "errors": []},
        }

    def reduce_inventory(self, body: Any, query: dict[str, str]) -> Answer:
        try:
            items = v.list_of(body, "items", MAX_BULK)
            if not isinstance(body.get("order_id"), str) or not body["order_id"]:
                raise v.Invalid("order_id", "order_id is required")
            for index, item in enumerate(items):
                v.check_stock_item(item, f"items[{index}].")
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        with self.state.lock:
            # ASSUMPTION (seed 002 silent): §6.3 reduces all items or none — an unknown SKU is SKU_NOT_FOUND
            # (404, §9) for the whole request and nothing is reduced; stock never goes below 0.
            missing = [item["sku"] for item in items if item["sku"] not in self.state.inventory]
            if missing:
                raise ApiError(
                    404,
                    "SKU_NOT_FOUND",
                    f"Product with SKU {missing[0]} not found",
                    {"sku": missing[0], "skus": missing},
                )
            for item in items:
                row = self.state.inventory[item["sku"]]
                row["stocked_quantity"] = max(0, row["stocked_quantity"] - int(item["quantity"]))
                self.state.writes["inventory.reduced"] += 1
        if self.rich:
            return 200, {
                "success": True,
                "order_id": body["order_id"],
                "results": {"total": len(items), "reduced": len(items), "not_found": 0, "errors": []},
            }
        # ASSUMPTION (seed 002 silent): §6.3 shows no answer; the minimal one is `{"success": true}`.
        return 200, {"success": True}

    # ---------------------------------------------------------------- orders and customers (§4)
    def _order_view(self, order: dict[str, Any]) -> dict[str, Any]:
        """One order as an answer shows it: §4.1's fields only (rich mode: everything the sandbox keeps)."""
        if self.rich:
            return copy.deepcopy(order)
        view = _pick(order, ORDER_FIELDS)
        view["customer"] = _pick(order.get("customer") or {}, ORDER_CUSTOMER_FIELDS)
        view["shipping_address"] = _pick(order.get("shipping_address") or {}, SHIPPING_ADDRESS_FIELDS)
        view["items"] = [_pick(item, ORDER_ITEM_FIELDS) for item in order.get("items") or []]
        return view

    def list_orders(self, body: Any, query: dict[str, str]) -> Answer:
        limit, offset = _page(query, 50)
        status = query.get("status")
        if status is not None and status not in ("pending", "completed", "cancelled"):
            # ASSUMPTION (seed 002 silent): a status filter other than the three of §4.1 is VALIDATION_ERROR.
            raise ApiError(
                400, "VALIDATION_ERROR", "status must be pending, completed or cancelled", {"field": "status"}
            )
        since = _when(query["date_from"], "date_from") if "date_from" in query else None
        until = _when(query["date_to"], "date_to") if "date_to" in query else None
        # ASSUMPTION (seed 002 silent): `synced` filters on whether POST /odoo/orders/{id}/synced was called.
        synced = _bool(query.get("synced"))
        with self.state.lock:
            rows = []
            for order in self.state.orders.values():
                created = _when(order["created_at"], "created_at")
                if status and order["status"] != status:
                    continue
                if (since and created < since) or (until and created > until):
                    continue
                if synced is not None and order["synced"] != synced:
                    continue
                rows.append(order)
            # ASSUMPTION (seed 002 silent): the list comes in the order the orders were created (insertion
            # order); the seed does not say, so a client must not rely on it.
            page = [self._order_view(o) for o in rows[offset : offset + limit]]
        for view in page:
            for name in self.order_list_omits:
                view.pop(name, None)
        return 200, {"orders": page, "total": len(rows), "limit": limit, "offset": offset}

    def get_order(self, body: Any, query: dict[str, str], order_id: str) -> Answer:
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None:
                raise ApiError(404, "NOT_FOUND", f"Order {order_id} not found", {"order_id": order_id})
            # ASSUMPTION (seed 002 silent): §4.2 shows no answer; it is `{"order": {...}}` with the order in
            # the shape of one §4.1 list item (no metadata, no fulfillment/payment status).
            return 200, {"order": self._order_view(order)}

    def mark_synced(self, body: Any, query: dict[str, str], order_id: str) -> Answer:
        # ASSUMPTION (seed 002 silent): §4.3's `odoo_order_id` is required (an integer, as in its example);
        # without it the answer is VALIDATION_ERROR. `synced_at` is optional.
        if not isinstance(body, dict) or not isinstance(body.get("odoo_order_id"), int):
            raise ApiError(
                400, "VALIDATION_ERROR", "odoo_order_id is required (integer)", {"field": "odoo_order_id"}
            )
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None:
                raise ApiError(404, "NOT_FOUND", f"Order {order_id} not found", {"order_id": order_id})
            order["synced"] = True
            order["odoo_order_id"] = body["odoo_order_id"]
            order["synced_at"] = body.get("synced_at") or now_iso()
            self.state.writes["order.synced"] += 1
        if self.rich:
            return 200, {
                "success": True,
                "order": {"id": order_id, "synced": True, "odoo_order_id": body["odoo_order_id"]},
            }
        # ASSUMPTION (seed 002 silent): §4.3 shows no answer; the minimal one is `{"success": true}`.
        return 200, {"success": True}

    def _customer_view(self, customer: dict[str, Any]) -> dict[str, Any]:
        if self.rich:
            return copy.deepcopy(customer)
        view = _pick(customer, CUSTOMER_FIELDS)
        view["addresses"] = [_pick(a, ADDRESS_FIELDS) for a in customer.get("addresses") or []]
        return view

    def list_customers(self, body: Any, query: dict[str, str]) -> Answer:
        limit, offset = _page(query, 50)
        after = _when(query["created_after"], "created_after") if "created_after" in query else None
        # ASSUMPTION (seed 002 silent): `email` matches the whole address, case-insensitively; `phone` matches
        # exactly.
        with self.state.lock:
            rows = [
                c
                for c in self.state.customers.values()
                if (after is None or _when(c["created_at"], "created_at") > after)
                and ("email" not in query or c["email"].lower() == query["email"].lower())
                and ("phone" not in query or c["phone"] == query["phone"])
            ]
            page = [self._customer_view(c) for c in rows[offset : offset + limit]]
        return 200, {"customers": page, "total": len(rows), "limit": limit, "offset": offset}

    # ---------------------------------------------------------------- webhooks from Odoo (§13)
    def product_webhook(self, body: Any, query: dict[str, str]) -> Answer:
        _require_event_type(body, v.PRODUCT_EVENTS)
        product = body.get("product")
        if not isinstance(product, dict):
            raise ApiError(400, "VALIDATION_ERROR", "product must be an object", {"field": "product"})
        try:
            sku = v._sku(product.get("sku"), "product.sku")
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        st = self.state
        with st.lock:
            st.product_events.append(
                {"event_type": body["event_type"], "product": product, "received_at": now_iso()}
            )
            existing = st.products.get(sku)
            if body["event_type"] == "product.deleted":
                # ASSUMPTION (seed 002 silent): product.deleted deletes the product like §5.3 and answers
                # like it (`{"success": true}`); an unknown SKU is SKU_NOT_FOUND (404).
                if existing is None:
                    raise ApiError(404, "SKU_NOT_FOUND", f"Product with SKU {sku} not found", {"sku": sku})
                return self.delete_product(None, query, sku)
            if existing is not None:
                # ASSUMPTION (seed 002 silent): §13.1's body is Odoo's own units — list_price in KWD
                # (stored times 1000, in fils), weight in kg (stored in g), qty_available absolute.
                # ASSUMPTION (seed 002 silent): product.created for a SKU already in the catalogue updates it
                # and answers `action: "updated"` like product.updated (§13.1's success answer).
                if isinstance(product.get("name"), str) and product["name"]:
                    existing["title"] = product["name"]
                if isinstance(product.get("list_price"), int | float):
                    existing["price"] = round(product["list_price"] * 1000)
                for src, dst in (("description", "description"), ("barcode", "barcode")):
                    if product.get(src):
                        existing[dst] = product[src]
                if isinstance(product.get("weight"), int | float):
                    existing["weight"] = round(product["weight"] * 1000, 3)
                if isinstance(product.get("qty_available"), int | float):
                    st.inventory[sku]["stocked_quantity"] = max(0, int(product["qty_available"]))
                st.writes["product.updated"] += 1
                return 200, {
                    "success": True,
                    "action": "updated",
                    "product": {
                        "variant_id": existing["variant_id"],
                        "product_id": existing["id"],
                        "sku": sku,
                    },
                }
            qty = product.get("qty_available")
            st.inventory.setdefault(
                sku,
                {
                    "id": st.new_id("inv"),
                    "sku": sku,
                    "title": product.get("name"),
                    "stocked_quantity": max(0, int(qty)) if isinstance(qty, int | float) else 0,
                    "reserved_quantity": 0,
                    "location_id": st.location_id,
                    "location_name": st.location_name,
                },
            )
            st.writes["inventory.created"] += 1
        # §13.1 "Response (Product Not in Catalog)", word for word.
        return 200, {
            "success": True,
            "action": "inventory_created",
            "message": "Product not found in catalog, inventory item created for future linking",
            "sku": sku,
        }

    def inventory_webhook(self, body: Any, query: dict[str, str]) -> Answer:
        _require_event_type(body, v.INVENTORY_EVENTS)
        try:
            items = v.list_of(body, "items", MAX_BULK)
            for index, item in enumerate(items):
                v.check_stock_item(item, f"items[{index}].", allow_negative=True)
                # ASSUMPTION (seed 002 silent): a missing adjustment_type means "absolute".
                if item.get("adjustment_type", "absolute") not in ("absolute", "delta"):
                    raise v.Invalid(f"items[{index}].adjustment_type", "must be 'absolute' or 'delta'")
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        results: list[dict[str, Any]] = []
        listed: list[dict[str, Any]] = []
        processed = failed = not_found = 0
        with self.state.lock:
            for item in items:
                row = self.state.inventory.get(item["sku"])
                if row is None:
                    not_found += 1
                    results.append({"sku": item["sku"], "status": "not_found"})
                    continue
                before = row["stocked_quantity"]
                delta = item.get("adjustment_type") == "delta"
                after = before + int(item["quantity"]) if delta else int(item["quantity"])
                # ASSUMPTION (seed 002 silent): an adjustment that would leave stock below 0 is not applied
                # and counted in `failed`.
                if after < 0:
                    failed += 1
                    results.append({"sku": item["sku"], "status": "failed", "error": "quantity below 0"})
                    continue
                row["stocked_quantity"] = after
                self.state.writes["inventory.updated"] += 1
                processed += 1
                done = {
                    "sku": item["sku"],
                    "status": "success",
                    "previous_quantity": before,
                    "new_quantity": after,
                }
                results.append(done)
                listed.append(done)
        summary = {"total": len(items), "processed": processed, "failed": failed, "not_found": not_found}
        if self.rich:
            return 200, {
                "success": failed == 0,
                "event_type": body["event_type"],
                "summary": summary,
                "results": results,
            }
        # §13.2's answer. ASSUMPTION (seed 002 silent): `results` lists only the applied items, in the shape
        # §13.2 shows (status "success"); an unknown SKU or a failed item is only counted in `summary`.
        # ASSUMPTION (seed 002 silent): `success` stays true (200) whatever failed, as in §5.2.
        return 200, {"success": True, "event_type": body["event_type"], "summary": summary, "results": listed}

    # ASSUMPTION (seed 002 silent): §13.3 names the metadata keys only for order.shipped (odoo_shipped,
    # odoo_shipped_at, tracking_number, tracking_url, carrier_name); the other events write the same pattern
    # (odoo_<event>, odoo_<event>_at, plus cancelled_reason for order.cancelled).
    EVENT_METADATA: dict[str, tuple[str, ...]] = {
        "order.confirmed": ("odoo_confirmed", "odoo_confirmed_at"),
        "order.shipped": (
            "odoo_shipped",
            "odoo_shipped_at",
            "tracking_number",
            "tracking_url",
            "carrier_name",
        ),
        "order.delivered": ("odoo_delivered", "odoo_delivered_at"),
        "order.cancelled": ("odoo_cancelled", "odoo_cancelled_at", "cancelled_reason"),
        "order.invoiced": ("odoo_invoiced", "odoo_invoiced_at"),
        "order.paid": ("odoo_paid", "odoo_paid_at"),
    }

    def order_status_webhook(self, body: Any, query: dict[str, str]) -> Answer:
        try:
            event, info = v.check_order_status(body)
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        oid = info["medusa_order_id"]
        with self.state.lock:
            order = self.state.orders.get(oid)
            if order is None:
                raise ApiError(404, "NOT_FOUND", f"Order {oid} not found", {"medusa_order_id": oid})
            stamp = now_iso()
            meta = order["metadata"]
            flag, at, *extra = self.EVENT_METADATA[event]
            meta[flag] = True
            meta[at] = info.get("shipped_date") or info.get("delivered_date") or stamp
            # ASSUMPTION (seed 002 silent): `metadata_updated` names the flag, its time and only those extra
            # fields the request carried.
            updated = [flag, at]
            for name in extra:
                if info.get(name) is not None:
                    meta[name] = info[name]
                    updated.append(name)
            for name in ("odoo_order_id", "odoo_order_name"):
                if info.get(name) is not None:
                    meta[name] = info[name]
            # ASSUMPTION (seed 002 silent): which order fields an event changes. Kept as internal state only
            # (never in a seed-mode answer except `status`): order.cancelled sets status "cancelled",
            # order.delivered sets status "completed" (§4.1's status values); order.shipped and
            # order.delivered set fulfillment_status "fulfilled", order.paid payment_status "captured"
            # (the values of §3.3's order.status_updated).
            if event == "order.cancelled":
                order["status"] = "cancelled"
            elif event == "order.delivered":
                order["fulfillment_status"] = "fulfilled"
                order["status"] = "completed"
            elif event == "order.shipped":
                order["fulfillment_status"] = "fulfilled"
            elif event == "order.paid":
                order["payment_status"] = "captured"
            self.state.order_events.append({"event_type": event, "order": dict(info), "received_at": stamp})
            self.state.writes["order_event"] += 1
        # §13.3's answer, field for field. ASSUMPTION (seed 002 silent): `odoo_order_id` / `odoo_order_name`
        # echo the request's, null when it has none (e.g. §13.3's order.delivered body).
        return 200, {
            "success": True,
            "event_type": event,
            "order": {
                "medusa_order_id": oid,
                "display_id": order["display_id"],
                "odoo_order_id": info.get("odoo_order_id"),
                "odoo_order_name": info.get("odoo_order_name"),
            },
            "metadata_updated": updated,
        }
