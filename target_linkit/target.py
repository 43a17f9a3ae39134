"""target-linkit: Odoo catalogue, stock, branches, customers, orders and offers into Linkit's `/api/v1`
(seed 000)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from singer_sdk import typing as th

from etl.mapping import Mapping as EtlMapping
from etl.mapping import load_mapping
from etl.target import ConfigError, FlowTarget
from target_linkit.flow import LinkitFlow, stream_needs
from target_linkit.hours import SHAPES as HOUR_SHAPES
from target_linkit.mapping import DEFAULT_MAPPING, QUANTITY_FIELDS
from target_linkit.offers import DEFAULT_SOURCES
from target_linkit.offers import SOURCES as OFFER_SOURCES

__all__ = ["CONFIG_SCHEMA", "ConfigError", "TargetLinkit", "check_config", "cli"]


CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "api_url",
        th.StringType,
        required=True,
        title="Linkit API base URL",
        description="Linkit /api/v1 base URL, e.g. https://linkit.works/api/v1",
    ),
    th.Property(
        "api_token", th.StringType, required=True, secret=True, description="Linkit API token (dashboard)"
    ),
    th.Property(
        "organization_id",
        th.StringType,
        description="Sent as X-Organization-ID on every call (a token not scoped to one organization)",
    ),
    th.Property(
        "auth_scheme",
        th.StringType,
        default="bearer",
        allowed_values=["bearer", "raw"],
        description="bearer: Authorization: Bearer <token> (the Odoo addon); raw: Authorization: <key>",
    ),
    th.Property(
        "default_branch",
        th.StringType,
        description="Branch iv_id for stock of a warehouse without a code (seed 000's Default branch IV id)",
    ),
    th.Property(
        "branches",
        th.ObjectType(),
        default={},
        description="Warehouse code -> Linkit branch iv_id (default: the code itself); null leaves a "
        "warehouse out. Several warehouses on one branch are summed",
    ),
    th.Property(
        "quantity_field",
        th.StringType,
        default="qty_available",
        allowed_values=list(QUANTITY_FIELDS),
        description="Stock figure sent as qty: on hand, forecast or free",
    ),
    th.Property(
        "safety_stock", th.IntegerType, default=0, description="Units held back per SKU (qty never below 0)"
    ),
    th.Property(
        "name_ar_field",
        th.StringType,
        description="Odoo field holding the Arabic name (name_ar), e.g. x_name_ar",
    ),
    th.Property(
        "phone_country_code",
        th.StringType,
        description="Country code for customer phones written without one, e.g. +966 (0501234567 -> "
        "+966501234567); without it such a phone is a dead letter",
    ),
    th.Property(
        "order_line_ref",
        th.StringType,
        default="sku",
        allowed_values=["sku", "product"],
        description="What an order line's product_id carries: sku = the SKU iv_id {product}_{branch}; "
        "product = the product iv_id (the Odoo internal reference)",
    ),
    th.Property(
        "pos_orders",
        th.BooleanType,
        default=True,
        description="Send POS orders (paid/done/invoiced, source odoo-pos); needs Odoo's point_of_sale "
        "(pos.order streams, the warehouses' pos_type_id)",
    ),
    th.Property(
        "offer_sources",
        th.ArrayType(th.StringType),
        default=list(DEFAULT_SOURCES),
        description="Odoo promotions sent as Linkit offers: coupon (promotions, discount codes, coupons, "
        "buy X get Y), loyalty (loyalty cards), pricelist (pricelist item discounts; off by default)",
    ),
    th.Property(
        "branch_calendar_field",
        th.StringType,
        description="stock.warehouse field (a resource.calendar) holding a branch's working hours, e.g. the "
        "Linkit addon's linkit_resource_calendar_id; default: the warehouse company's resource_calendar_id",
    ),
    th.Property(
        "working_hours_shape",
        th.StringType,
        default="periods",
        allowed_values=list(HOUR_SHAPES),
        description="periods: canonical array [{WeekDay, OpenHour, ...}]; weekday: {monday: {open, close}}; "
        "none: branches without working hours",
    ),
    th.Property(
        "require_sync_complete",
        th.BooleanType,
        default=True,
        description="Send SKU stock only after the tap's end-of-sync mark (tap-odoo writes it)",
    ),
    th.Property("batch_size", th.IntegerType, default=500, description="Items per bulk call (1-1000)"),
    th.Property("concurrency", th.IntegerType, default=4, description="Bulk calls in flight at once (1-16)"),
    th.Property(
        "fail_on_dead_letters",
        th.BooleanType,
        default=False,
        description="Exit with status 1 when a record went to the dead letters",
    ),
    th.Property(
        "ledger_url",
        th.StringType,
        secret=True,
        description="SQLAlchemy URL of the sync ledger (default $ODOO_HUB_LEDGER_URL)",
    ),
    th.Property(
        "mapping_file", th.StringType, description="Mapping JSON replacing target_linkit/mapping.json"
    ),
    th.Property("request_timeout", th.NumberType, default=30, description="Seconds per HTTP request"),
    th.Property("max_retries", th.IntegerType, default=6, description="Retries on 429/5xx/connection errors"),
    th.Property("flow_name", th.StringType, default="odoo-to-linkit", description="Run name in the ledger"),
).to_dict()


def check_config(config: dict[str, Any]) -> None:
    """What JSON Schema cannot say; raises ConfigError naming the setting."""
    url = urlsplit(str(config.get("api_url") or ""))
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError("setting api_url: must be an http(s) URL such as https://linkit.works/api/v1")
    if not str(config.get("api_token") or "").strip():
        raise ConfigError("setting api_token: empty; set the API token from the Linkit dashboard")
    if config.get("auth_scheme", "bearer") not in ("bearer", "raw"):
        raise ConfigError("setting auth_scheme: must be bearer or raw")
    if not 1 <= int(config.get("batch_size", 500)) <= 1000:
        raise ConfigError(
            "setting batch_size: must be 1..1000 (Linkit takes at most 1000 items per bulk call)"
        )
    if not 1 <= int(config.get("concurrency", 4)) <= 16:
        raise ConfigError("setting concurrency: must be 1..16")
    if int(config.get("safety_stock", 0)) < 0:
        raise ConfigError("setting safety_stock: must be 0 or more")
    if config.get("quantity_field", "qty_available") not in QUANTITY_FIELDS:
        raise ConfigError(f"setting quantity_field: must be one of {', '.join(QUANTITY_FIELDS)}")
    branches = config.get("branches") or {}
    if not isinstance(branches, dict):
        raise ConfigError('setting branches: must be an object {"<warehouse code>": "<branch iv_id>"}')
    for code, branch in branches.items():
        if branch is not None and (not isinstance(branch, str) or not branch.strip()):
            raise ConfigError(
                f"setting branches: warehouse {code!r} -> {branch!r} is not a branch iv_id (a non-empty "
                "text), nor null (which leaves the warehouse out)"
            )
    prefix = config.get("phone_country_code")
    if prefix is not None and not re.fullmatch(r"\+[1-9][0-9]{0,3}", str(prefix)):
        raise ConfigError("setting phone_country_code: must be + and 1 to 4 digits, e.g. +966")
    sources = config.get("offer_sources", list(DEFAULT_SOURCES))
    if not isinstance(sources, list) or any(s not in OFFER_SOURCES for s in sources):
        raise ConfigError(
            f"setting offer_sources: a list of {', '.join(OFFER_SOURCES)} (e.g. [coupon, loyalty])"
        )
    if config.get("order_line_ref", "sku") not in ("sku", "product"):
        raise ConfigError("setting order_line_ref: must be sku or product")
    if config.get("working_hours_shape", "periods") not in HOUR_SHAPES:
        raise ConfigError(f"setting working_hours_shape: must be one of {', '.join(HOUR_SHAPES)}")
    field = config.get("branch_calendar_field")
    if field is not None and not re.fullmatch(r"[a-z_][a-z0-9_]*", str(field)):
        raise ConfigError(
            "setting branch_calendar_field: must be the name of a stock.warehouse field, e.g. "
            "linkit_resource_calendar_id"
        )
    default = config.get("default_branch")
    if default is not None and not str(default).strip():
        raise ConfigError("setting default_branch: must be a branch iv_id (non-empty)")


class TargetLinkit(FlowTarget[LinkitFlow]):
    """Singer target for Linkit `/api/v1`."""

    name = "target-linkit"
    config_jsonschema = CONFIG_SCHEMA

    def check_config(self, config: dict[str, Any]) -> None:
        check_config(config)

    def make_flow(self) -> LinkitFlow:
        return LinkitFlow(self.config)

    @cached_property
    def mapping(self) -> EtlMapping:
        return load_mapping(self.config.get("mapping_file"), DEFAULT_MAPPING)

    def required_fields(self, stream: str) -> Mapping[str, str]:
        return stream_needs(self.mapping, self.config, stream)


def cli() -> None:
    """Console script `target-linkit`; a wrong setting exits 2 naming it."""
    TargetLinkit.main()
