"""target-medusa: Odoo catalogue, stock and order progress into the MarqaSouq Medusa backend (seed 002)."""

from __future__ import annotations

import sys
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from singer_sdk import typing as th
from singer_sdk.target_base import Target

from etl.singer import FloatReader
from target_medusa.flow import DeadLettersFound, MedusaFlow
from target_medusa.sinks import MedusaSink


class ConfigError(ValueError):
    """A setting is wrong; the message names it and says how to fix it."""


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


class TargetMedusa(Target):
    """Singer target for the MarqaSouq `/odoo/*` API."""

    name = "target-medusa"
    config_jsonschema = CONFIG_SCHEMA
    default_sink_class = MedusaSink
    message_reader_class = FloatReader

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_config(dict(self.config))
        self.max_parallelism = 1  # one flow per run; its bulk calls are concurrent instead

    @cached_property
    def flow(self) -> MedusaFlow:
        return MedusaFlow(self.config)

    def _process_record_message(self, message_dict: dict) -> None:
        """Without stream maps, hand the record straight to the flow (the SDK's per-record path costs ~15 us:
        copy, map, metadata, timestamp parsing; the flow needs none of it)."""
        if self.config.get("stream_maps") or self.config.get("flattening_enabled"):
            super()._process_record_message(message_dict)
            return
        self._assert_line_requires(message_dict, requires={"stream", "record"})
        stream_name = message_dict["stream"]
        self._assert_sink_exists(stream_name)
        sink = self.get_sink(stream_name)
        record = message_dict["record"]
        sink._singer_validate_message(record)  # key properties present, as the Singer spec asks
        sink.tally_record_read()
        self.flow.add(stream_name, record)
        sink.record_counter_metric.increment()

    def _write_state_message(self, state: dict) -> None:
        """Hold STATE back while records read before it are still waiting to be sent."""
        if "flow" in self.__dict__ and self.flow.has_deferred():
            self.logger.debug("STATE held back: records before it are not sent yet")
            return
        super()._write_state_message(state)

    def process_endofpipe(self) -> None:
        super().process_endofpipe()
        try:
            self.flow.finish()
        except DeadLettersFound as exc:
            self.logger.error("%s", exc)
            sys.exit(1)


def cli() -> None:
    """Console script `target-medusa`; a wrong setting exits 2 naming it."""
    try:
        TargetMedusa.cli()
    except ConfigError as exc:
        print(f"target-medusa: {exc}", file=sys.stderr)
        sys.exit(2)
