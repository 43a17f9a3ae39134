"""The `/odoo/*` routes of the MarqaSouq Medusa backend (seed 002 sections 4, 5, 6 and 13)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from sandbox.medusa import validation as v
from sandbox.medusa.state import MedusaState, now_iso

MAX_BULK = 1000
Answer = tuple[int, dict[str, Any]]


class ApiError(Exception):
    """An error answered with the seed's envelope `{"success": false, "error": {code, message, details}}`."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}

    def envelope(self) -> dict[str, Any]:
        return {
            "success": False,
            "error": {"code": self.code, "message": self.message, "details": self.details},
        }


def validation_error(exc: v.Invalid) -> ApiError:
    return ApiError(400, "VALIDATION_ERROR", f"Invalid {exc.field}: {exc.message}", {"field": exc.field})


def _invalid_item(index: int, sku: Any, exc: v.Invalid) -> dict[str, Any]:
    """One entry of a bulk answer's `errors` for an item that failed validation."""
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
    raise ApiError(400, "VALIDATION_ERROR", f"Invalid boolean {value!r}", {"field": "query"})


def _page(query: dict[str, str], default: int) -> tuple[int, int]:
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
        raise ApiError(400, "VALIDATION_ERROR", f"{field} must be an ISO date", {"field": field}) from exc


class MedusaApp:
    """Route table and handlers over one `MedusaState`."""

    def __init__(self, state: MedusaState) -> None:
        self.state = state
        self.handles: dict[str, str] = {}
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

    def route(self, method: str, path: str) -> tuple[Callable[..., Answer], tuple[str, ...]]:
        """Handler and path arguments; NOT_FOUND for an unknown route or verb."""
        for verb, pattern, handler in self.routes:
            match = pattern.match(path)
            if match and verb == method:
                return handler, tuple(unquote(g) for g in match.groups())
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
        item["title"] = product["title"]
        item["product_id"] = product["id"]
        item["variant_id"] = product["variant_id"]
        if inv.get("quantity") is not None:
            item["stocked_quantity"] = int(inv["quantity"])
        st.writes["product.created" if created else "product.updated"] += 1
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
        created = updated = 0
        errors: list[dict[str, Any]] = []
        stamp = now_iso()
        with self.state.lock:
            for index, item in enumerate(items):
                sku = item.get("sku") if isinstance(item, dict) else None
                try:
                    v.check_product(item, f"products[{index}].")
                    result = self._apply_product(item, stamp)
                except v.Invalid as exc:
                    errors.append(_invalid_item(index, sku, exc))
                    continue
                except ApiError as exc:
                    errors.append({"index": index, "sku": sku, "code": exc.code, "message": exc.message})
                    continue
                if result["created"]:
                    created += 1
                else:
                    updated += 1
        results = {
            "total": len(items),
            "created": created,
            "updated": updated,
            "failed": len(errors),
            "errors": errors,
        }
        return 200, {"success": not errors, "results": results}

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
        return 200, {"success": True, "deleted": True, "sku": sku, "product_id": product["id"]}

    # ---------------------------------------------------------------- inventory (§4.5, §6)
    def _inventory_view(self, item: dict[str, Any], include_product: bool) -> dict[str, Any]:
        view = {
            k: item.get(k)
            for k in (
                "id",
                "sku",
                "title",
                "stocked_quantity",
                "reserved_quantity",
                "location_id",
                "location_name",
            )
        }
        view["available_quantity"] = item["stocked_quantity"] - item["reserved_quantity"]
        product = self.state.products.get(item["sku"])
        if include_product and product:
            view["product"] = {
                "id": product["id"],
                "title": product["title"],
                "handle": product["handle"],
                "variant_id": product["variant_id"],
            }
        return view

    def list_inventory(self, body: Any, query: dict[str, str]) -> Answer:
        limit, offset = _page(query, 100)
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
        return 200, {
            "success": True,
            "inventory": {
                "sku": body["sku"],
                "previous_quantity": before,
                "new_quantity": after,
                "location_id": self.state.inventory[body["sku"]]["location_id"],
            },
        }

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
        return 200, {
            "success": not errors,
            "results": {"total": len(items), "updated": updated, "not_found": not_found, "errors": errors},
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
        reduced = not_found = 0
        errors: list[dict[str, Any]] = []
        with self.state.lock:
            for index, item in enumerate(items):
                row = self.state.inventory.get(item["sku"])
                if row is None:
                    not_found += 1
                    errors.append(
                        {
                            "index": index,
                            "sku": item["sku"],
                            "code": "SKU_NOT_FOUND",
                            "message": f"Product with SKU {item['sku']} not found",
                        }
                    )
                    continue
                row["stocked_quantity"] = max(0, row["stocked_quantity"] - int(item["quantity"]))
                self.state.writes["inventory.reduced"] += 1
                reduced += 1
        return 200, {
            "success": not errors,
            "order_id": body["order_id"],
            "results": {"total": len(items), "reduced": reduced, "not_found": not_found, "errors": errors},
        }

    # ---------------------------------------------------------------- orders and customers (§4)
    def list_orders(self, body: Any, query: dict[str, str]) -> Answer:
        limit, offset = _page(query, 50)
        status = query.get("status")
        if status is not None and status not in ("pending", "completed", "cancelled"):
            raise ApiError(
                400, "VALIDATION_ERROR", "status must be pending, completed or cancelled", {"field": "status"}
            )
        since = _when(query["date_from"], "date_from") if "date_from" in query else None
        until = _when(query["date_to"], "date_to") if "date_to" in query else None
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
                rows.append(dict(order))
        return 200, {
            "orders": rows[offset : offset + limit],
            "total": len(rows),
            "limit": limit,
            "offset": offset,
        }

    def get_order(self, body: Any, query: dict[str, str], order_id: str) -> Answer:
        with self.state.lock:
            order = self.state.orders.get(order_id)
            if order is None:
                raise ApiError(404, "NOT_FOUND", f"Order {order_id} not found", {"order_id": order_id})
            return 200, {"order": dict(order)}

    def mark_synced(self, body: Any, query: dict[str, str], order_id: str) -> Answer:
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
        return 200, {
            "success": True,
            "order": {"id": order_id, "synced": True, "odoo_order_id": body["odoo_order_id"]},
        }

    def list_customers(self, body: Any, query: dict[str, str]) -> Answer:
        limit, offset = _page(query, 50)
        after = _when(query["created_after"], "created_after") if "created_after" in query else None
        with self.state.lock:
            rows = [
                dict(c)
                for c in self.state.customers.values()
                if (after is None or _when(c["created_at"], "created_at") > after)
                and ("email" not in query or c["email"].lower() == query["email"].lower())
                and ("phone" not in query or c["phone"] == query["phone"])
            ]
        return 200, {
            "customers": rows[offset : offset + limit],
            "total": len(rows),
            "limit": limit,
            "offset": offset,
        }

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
                if existing is None:
                    raise ApiError(404, "SKU_NOT_FOUND", f"Product with SKU {sku} not found", {"sku": sku})
                return self.delete_product(None, query, sku)
            if existing is not None:
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
                if item.get("adjustment_type", "absolute") not in ("absolute", "delta"):
                    raise v.Invalid(f"items[{index}].adjustment_type", "must be 'absolute' or 'delta'")
        except v.Invalid as exc:
            raise validation_error(exc) from exc
        results: list[dict[str, Any]] = []
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
                if after < 0:
                    failed += 1
                    results.append({"sku": item["sku"], "status": "failed", "error": "quantity below 0"})
                    continue
                row["stocked_quantity"] = after
                self.state.writes["inventory.updated"] += 1
                processed += 1
                results.append(
                    {
                        "sku": item["sku"],
                        "status": "success",
                        "previous_quantity": before,
                        "new_quantity": after,
                    }
                )
        return 200, {
            "success": failed == 0,
            "event_type": body["event_type"],
            "summary": {
                "total": len(items),
                "processed": processed,
                "failed": failed,
                "not_found": not_found,
            },
            "results": results,
        }

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
            updated = [flag, at]
            for name in extra:
                if info.get(name) is not None:
                    meta[name] = info[name]
                    updated.append(name)
            for name in ("odoo_order_id", "odoo_order_name"):
                if info.get(name) is not None:
                    meta[name] = info[name]
            if event == "order.cancelled":
                order["status"] = "cancelled"
            elif event == "order.delivered":
                order["fulfillment_status"] = "delivered"
                order["status"] = "completed"
            elif event == "order.shipped":
                order["fulfillment_status"] = "shipped"
            elif event == "order.paid":
                order["payment_status"] = "captured"
            self.state.order_events.append({"event_type": event, "order": dict(info), "received_at": stamp})
            self.state.writes["order_event"] += 1
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
