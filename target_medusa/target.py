"""target-medusa: Odoo catalogue, stock and order progress into the MarqaSouq Medusa backend (seed 002)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from singer_sdk import typing as th

from etl.mapping import Mapping as EtlMapping
from etl.mapping import load_mapping
from etl.target import ConfigError, FlowTarget
from target_medusa.flow import MedusaFlow, stream_needs
from target_medusa.mapping import DEFAULT_MAPPING

__all__ = ["CONFIG_SCHEMA", "ConfigError", "TargetMedusa", "check_config", "cli"]


CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "api_url",
        th.StringType,
        required=True,
        title="Medusa base URL",
        description="Base URL of the MarqaSouq backend, e.g. https://admin.markasouqs.com",
    ),
    th.Property(
        "api_key", th.StringType, required=True, secret=True, description="Value of the x-odoo-api-key header"
    ),
    th.Property(
        "currency",
        th.StringType,
        default="KWD",
        description="ISO currency of Odoo prices; amounts are sent in its minor units (KWD: fils)",
    ),
    th.Property(
        "odoo_base_url",
        th.StringType,
        description="Public Odoo URL for image links (/web/image/product.product/<id>/image_1920)",
    ),
    th.Property("brand_field", th.StringType, description="Odoo field holding the brand, e.g. x_brand"),
    th.Property(
        "title_ar_field",
        th.StringType,
        description="Odoo field holding the Arabic title (seed 002: name_ar, a custom field), e.g. x_name_ar",
    ),
    th.Property(
        "require_sync_complete",
        th.BooleanType,
        default=True,
        description="Send stock sums and order events only after the tap's end-of-sync mark (tap-odoo "
        "writes it); off for a tap without it, accepting that a cut input sends partial sums",
    ),
    th.Property(
        "warehouses",
        th.ArrayType(th.StringType),
        default=[],
        description="Warehouse codes whose stock is summed per SKU (empty: all)",
    ),
    th.Property(
        "quantity_field",
        th.StringType,
        default="qty_available",
        allowed_values=["qty_available", "virtual_available", "free_qty"],
        description="Stock figure sent: on hand, forecast or free",
    ),
    th.Property(
        "safety_stock", th.IntegerType, default=0, description="Units held back per SKU (never below 0)"
    ),
    th.Property("location_id", th.StringType, description="Medusa stock location id sent with stock updates"),
    th.Property(
        "on_archive",
        th.StringType,
        default="leave",
        allowed_values=["delete", "leave"],
        description="Archived or deleted Odoo product: DELETE it in Medusa by SKU, or leave it",
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
        "mapping_file", th.StringType, description="Mapping JSON replacing target_medusa/mapping.json"
    ),
    th.Property(
        "lookups", th.ObjectType(), description="Lookup tables merged into the mapping's (category_handle)"
    ),
    th.Property(
        "order_cancel_reason",
        th.StringType,
        default="Cancelled in Odoo",
        description="cancelled_reason when the Odoo order carries none",
    ),
    th.Property("request_timeout", th.NumberType, default=30, description="Seconds per HTTP request"),
    th.Property("max_retries", th.IntegerType, default=6, description="Retries on 429/5xx/connection errors"),
    th.Property("flow_name", th.StringType, default="odoo-to-medusa", description="Run name in the ledger"),
).to_dict()


def check_config(config: dict[str, Any]) -> None:
    """What JSON Schema cannot say; raises ConfigError naming the setting."""
    url = urlsplit(str(config.get("api_url") or ""))
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError("setting api_url: must be an http(s) URL such as https://admin.markasouqs.com")
    if not str(config.get("api_key") or "").strip():
        raise ConfigError("setting api_key: empty; set the x-odoo-api-key value from the Medusa admin")
    if not 1 <= int(config.get("batch_size", 500)) <= 1000:
        raise ConfigError(
            "setting batch_size: must be 1..1000 (Medusa takes at most 1000 items per bulk call)"
        )
    if not 1 <= int(config.get("concurrency", 4)) <= 16:
        raise ConfigError("setting concurrency: must be 1..16")
    if int(config.get("safety_stock", 0)) < 0:
        raise ConfigError("setting safety_stock: must be 0 or more")
    currency = str(config.get("currency", "KWD"))
    if len(currency) != 3 or not currency.isalpha():
        raise ConfigError(f"setting currency: {currency!r} is not an ISO 4217 code such as KWD")
    base = config.get("odoo_base_url")
    if base and urlsplit(str(base)).scheme not in ("http", "https"):
        raise ConfigError("setting odoo_base_url: must be an http(s) URL")


class TargetMedusa(FlowTarget[MedusaFlow]):
    """Singer target for the MarqaSouq `/odoo/*` API."""

    name = "target-medusa"
    config_jsonschema = CONFIG_SCHEMA

    def check_config(self, config: dict[str, Any]) -> None:
        check_config(config)

    def make_flow(self) -> MedusaFlow:
        return MedusaFlow(self.config)

    @cached_property
    def mapping(self) -> EtlMapping:
        lookups = self.config.get("lookups") or None
        return load_mapping(self.config.get("mapping_file"), DEFAULT_MAPPING, lookups=lookups)

    def required_fields(self, stream: str) -> Mapping[str, str]:
        return stream_needs(self.mapping, self.config, stream)


def cli() -> None:
    """Console script `target-medusa`; a wrong setting exits 2 naming it."""
    TargetMedusa.main()
