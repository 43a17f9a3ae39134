"""The streams of tap-medusa: `orders` (seed 002 §4.1, §4.2) and `customers` (§4.4).

Record shapes are seed 002's: ids are strings, amounts integers in minor units (KWD: fils), times ISO 8601.
A field Medusa adds beyond them is left out of the record (singer-sdk logs its name once).
"""

from __future__ import annotations

import datetime as dt
import typing as t
from collections.abc import Iterable
from urllib.parse import quote

from singer_sdk import typing as th

from tap_medusa.client import MedusaAnswerError, MedusaHTTPError, MedusaStream, Row, medusa_time

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context


def _text(name: str, description: str = "") -> th.Property[t.Any]:
    return th.Property(name, th.StringType, description=description or None)


def _int(name: str, description: str = "") -> th.Property[t.Any]:
    return th.Property(name, th.IntegerType, description=description or None)


MINOR = "in minor units of currency_code (KWD: fils, x1000)"

ORDER_CUSTOMER = th.ObjectType(
    _text("id", "Medusa customer id (cus_...)"),
    _text("email"),
    _text("first_name"),
    _text("last_name"),
    _text("phone"),
)
# §4.1 elides shipping_address as {...}; these are the fields of §3.1's order.created payload
SHIPPING_ADDRESS = th.ObjectType(
    _text("first_name"),
    _text("last_name"),
    _text("address_1"),
    _text("city"),
    _text("country_code", "ISO 3166-1 alpha-2, lower case (kw)"),
    _text("postal_code"),
    _text("phone"),
)
ORDER_ITEM = th.ObjectType(
    _text("id", "line item id (li_...)"),
    _text("title"),
    _int("quantity"),
    _int("unit_price", MINOR),
    _int("subtotal", f"quantity x unit_price, {MINOR} (section 3.1)"),
    _text("sku", "matches default_code in Odoo"),
    _text("variant_id"),
    _text("product_id", "(section 3.1)"),
)
ORDER_SCHEMA = th.PropertiesList(
    th.Property("id", th.StringType, required=True, description="Medusa order id (order_...)"),
    _int("display_id", "the number a customer sees; Odoo's client_order_ref is MEDUSA-<display_id>"),
    _text("status", "pending, completed or cancelled"),
    _text("email"),
    _text("currency_code", "lower case (kwd)"),
    th.Property("created_at", th.DateTimeType, description="the replication key"),
    th.Property("customer", ORDER_CUSTOMER),
    th.Property("shipping_address", SHIPPING_ADDRESS),
    th.Property("items", th.ArrayType(ORDER_ITEM)),
    _int("subtotal", MINOR),
    _int("tax_total", MINOR),
    _int("shipping_total", MINOR),
    _int("total", MINOR),
).to_dict()

ADDRESS = th.ObjectType(
    _text("id", "address id (addr_...)"),
    _text("address_1"),
    _text("city"),
    _text("country_code", "ISO 3166-1 alpha-2, lower case (kw)"),
    _text("phone"),
    th.Property("is_default_shipping", th.BooleanType),
)
CUSTOMER_SCHEMA = th.PropertiesList(
    th.Property("id", th.StringType, required=True, description="Medusa customer id (cus_...)"),
    _text("email"),
    _text("first_name"),
    _text("last_name"),
    _text("phone"),
    th.Property("has_account", th.BooleanType),
    th.Property("created_at", th.DateTimeType, description="the replication key"),
    th.Property("addresses", th.ArrayType(ADDRESS)),
    _int("order_count"),
    _int("total_spent", MINOR),
).to_dict()

# what the Odoo mapping needs of an order (seed 002 §7 "Order Field Mapping") and a list may elide
ITEM_NEEDS = ("sku", "quantity", "unit_price")


def missing_parts(order: Row) -> list[str]:
    """The parts of an order the mapping needs that a list entry lacks (§4.1 elides shipping_address)."""
    missing = []
    items = order.get("items")
    if not isinstance(items, list):
        missing.append("items")
    elif any(not isinstance(i, dict) or any(k not in i for k in ITEM_NEEDS) for i in items):
        missing.append("items[].sku/quantity/unit_price")
    if not isinstance(order.get("shipping_address"), dict):
        missing.append("shipping_address")
    return missing


class OrdersStream(MedusaStream):
    """``GET /odoo/orders`` from the window's start up to the run's start (``date_from`` / ``date_to``),
    ``status`` when set; ``GET /odoo/orders/{id}`` for an entry that lacks what the mapping needs."""

    name = "orders"
    path = "/odoo/orders"
    records_key = "orders"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, schema=ORDER_SCHEMA, **kwargs)
        self._start: dt.datetime | None = None

    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"limit": self.page_size, "offset": next_page_token or 0}
        if self._start is not None:
            params["date_from"] = medusa_time(self._start)
        params["date_to"] = self.get_replication_key_signpost(context)
        if self.config.get("status"):
            params["status"] = self.config["status"]
        return params

    def get_records(self, context: Context | None) -> Iterable[Row]:
        self._start = self.window_start(context)
        self.logger.info(
            "orders: created from %s to %s%s",
            medusa_time(self._start) if self._start else "the first",
            self.get_replication_key_signpost(context),
            f", status {self.config['status']}" if self.config.get("status") else "",
        )
        mode = str(self.config.get("order_details", "missing"))
        fetched = 0
        for row in self.unique(self.request_records(context)):
            missing = missing_parts(row)
            if mode == "always" or (mode == "missing" and missing):
                detail = self.fetch_order(row["id"], context)
                if detail is not None:
                    fetched += 1
                    row = {**row, **{k: v for k, v in detail.items() if v is not None}}
                    missing = missing_parts(row)
            if missing:
                self.logger.warning(
                    "orders: order %s has no %s (neither in the list nor from GET /odoo/orders/%s)",
                    row["id"],
                    ", ".join(missing),
                    row["id"],
                )
            yield row
        if fetched:
            self.logger.info("orders: %d order(s) read one by one through GET /odoo/orders/{id}", fetched)

    def fetch_order(self, order_id: str, context: Context | None) -> Row | None:
        """``GET /odoo/orders/{id}``: the order (``{"order": {...}}``, or the order itself: seed 002 §4.2
        shows no answer); None when Medusa no longer has it (404)."""
        prepared = self.build_prepared_request(
            method="GET",
            url=f"{self.url_base}{self.path}/{quote(order_id, safe='')}",
            headers=self.http_headers,
        )
        try:
            response = self.request_decorator(self._request)(prepared, context)
        except MedusaHTTPError as exc:
            if exc.status != 404:
                raise
            self.logger.warning(
                "orders: GET /odoo/orders/%s answered 404; the list entry is emitted", order_id
            )
            return None
        body = self.body_of(response)
        inner = body.get("order")
        order: Row = inner if isinstance(inner, dict) else body
        if order.get("id") != order_id:
            raise MedusaAnswerError(
                f"GET /odoo/orders/{order_id} answered {str(body)[:200]}, which is not that order"
            )
        return order


class CustomersStream(MedusaStream):
    """``GET /odoo/customers`` created after the window's start (``created_after``)."""

    name = "customers"
    path = "/odoo/customers"
    records_key = "customers"

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, schema=CUSTOMER_SCHEMA, **kwargs)
        self._start: dt.datetime | None = None

    def get_url_params(self, context: Context | None, next_page_token: int | None) -> dict[str, t.Any]:
        params: dict[str, t.Any] = {"limit": self.page_size, "offset": next_page_token or 0}
        if self._start is not None:
            # seed 002: "customers created after this date"; one millisecond earlier reads the bookmark's own
            # millisecond again, so a customer created in it but not yet listed last run is not missed
            params["created_after"] = medusa_time(self._start - dt.timedelta(milliseconds=1))
        return params

    def get_records(self, context: Context | None) -> Iterable[Row]:
        self._start = self.window_start(context)
        self.logger.info(
            "customers: created from %s", medusa_time(self._start) if self._start else "the first"
        )
        yield from self.unique(self.request_records(context))
