"""target-odoo: platform records (Medusa orders and customers, and the other sources' streams) into Odoo."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from singer_sdk import typing as th

from etl.mapping import Mapping as EtlMapping
from etl.target import ConfigError, FlowTarget
from target_odoo.flow import MAPPINGS, OdooFlow, source_mapping

__all__ = ["CONFIG_SCHEMA", "ConfigError", "TargetOdoo", "check_config", "cli"]

CONFIG_SCHEMA = th.PropertiesList(
    th.Property("url", th.StringType, required=True, description="Odoo base URL, e.g. https://acme.odoo.com"),
    th.Property("database", th.StringType, required=True, description="Odoo database name"),
    th.Property("username", th.StringType, required=True, description="Login of the integration user"),
    th.Property("password", th.StringType, secret=True, description="Password (or use api_key)"),
    th.Property("api_key", th.StringType, secret=True, description="API key (needed for JSON-2 on Odoo 19)"),
    th.Property(
        "protocol",
        th.StringType,
        default="auto",
        allowed_values=["auto", "xmlrpc", "jsonrpc", "json2"],
        description="How to talk to Odoo (auto: JSON-2 with an API key on 19+, else JSON-RPC)",
    ),
    th.Property("timeout", th.NumberType, default=120, description="Seconds to wait for one answer"),
    th.Property("max_tries", th.IntegerType, default=8, description="Tries per call on transport faults"),
    th.Property("backoff_factor", th.NumberType, default=3, description="Exponential backoff factor (s)"),
    th.Property(
        "company_id", th.IntegerType, description="Company the records belong to (allowed_company_ids)"
    ),
    th.Property("lang", th.StringType, description="Language of the writes' context, e.g. en_US"),
    th.Property(
        "source",
        th.StringType,
        default="medusa",
        description="Source platform: picks target_odoo/mappings/<source>.json",
    ),
    th.Property("mapping_file", th.StringType, description="Mapping JSON replacing the source's mapping"),
    th.Property(
        "confirm",
        th.StringType,
        default="confirm",
        allowed_values=["confirm", "draft"],
        description="Confirm imported orders (action_confirm) or leave them as quotations",
    ),
    th.Property(
        "delivery_product",
        th.StringType,
        description="Internal Reference (default_code) of the product shipping is invoiced with",
    ),
    th.Property(
        "order_total_tolerance",
        th.NumberType,
        default=0.01,
        description="Largest gap (major units) between an order's total and lines + shipping + tax",
    ),
    th.Property(
        "total_policy",
        th.StringType,
        default="block",
        allowed_values=["block", "warn", "adjust"],
        description="A total that differs: dead letter, import with a warning, or an adjustment line",
    ),
    th.Property(
        "adjustment_product", th.StringType, description="default_code of the adjustment line (adjust)"
    ),
    th.Property(
        "currency_pricelists",
        th.ObjectType(),
        description='Orders in another currency than the company\'s: {"USD": <pricelist id>}',
    ),
    th.Property(
        "branch_calendar_field",
        th.StringType,
        default="linkit_resource_calendar_id",
        description="Linkit: the stock.warehouse many2one to the branch's hours calendar (seed 000's addon "
        "field); empty: calendars are not linked",
    ),
    th.Property(
        "overnight_hours",
        th.StringType,
        default="split",
        allowed_values=["split", "refuse"],
        description="Linkit: hours that close before they open (18:00-02:00): split at midnight, or refuse",
    ),
    th.Property("batch_size", th.IntegerType, default=100, description="Records per batch of Odoo calls"),
    th.Property(
        "fail_on_dead_letters", th.BooleanType, default=False, description="Exit 1 when a record failed"
    ),
    th.Property(
        "require_sync_complete",
        th.BooleanType,
        default=False,
        description="Exit 1 when the input ends without a tap end-of-sync mark (platform taps write none)",
    ),
    th.Property("ledger_url", th.StringType, secret=True, description="SQLAlchemy URL of the sync ledger"),
    th.Property("flow_name", th.StringType, description="Run name in the ledger (default <source>-to-odoo)"),
).to_dict()


def check_config(config: Mapping[str, Any]) -> None:
    """What JSON Schema cannot say; raises ConfigError naming the setting."""
    url = urlsplit(str(config.get("url") or ""))
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ConfigError("setting url: must be an http(s) URL such as https://acme.odoo.com")
    if not (config.get("password") or config.get("api_key")):
        raise ConfigError("settings password / api_key: set one of them (the integration user's)")
    if config.get("protocol") == "json2" and not config.get("api_key"):
        raise ConfigError("setting protocol: json2 authenticates with an API key; set api_key")
    if (
        not config.get("mapping_file")
        and not (MAPPINGS / f"{config.get('source') or 'medusa'}.json").is_file()
    ):
        known = ", ".join(sorted(p.stem for p in MAPPINGS.glob("*.json")))
        raise ConfigError(f"setting source: no mapping for {config.get('source')!r} (known: {known})")
    if config.get("total_policy") == "adjust" and not config.get("adjustment_product"):
        raise ConfigError("setting adjustment_product: total_policy adjust needs the product's default_code")
    if not 1 <= int(config.get("batch_size", 100)) <= 5000:
        raise ConfigError("setting batch_size: must be 1..5000")
    if float(config.get("order_total_tolerance", 0.01)) < 0:
        raise ConfigError("setting order_total_tolerance: must be 0 or more")


class TargetOdoo(FlowTarget[OdooFlow]):
    """Singer target writing into Odoo through tap-odoo's client."""

    name = "target-odoo"
    config_jsonschema = CONFIG_SCHEMA

    def check_config(self, config: dict[str, Any]) -> None:
        check_config(config)

    def make_flow(self) -> OdooFlow:
        return OdooFlow(self.config)

    @cached_property
    def mapping(self) -> EtlMapping:
        return source_mapping(self.config)

    def missing_field_fix(self, stream: str, fields: list[str]) -> str:
        return (
            f"The source tap does not send it on {stream}: pick it in the tap's catalog (meltano "
            "select), or remove it from the mapping file (mapping_file setting)"
        )

    def required_fields(self, stream: str) -> Mapping[str, str]:
        needs: dict[str, str] = {}
        for spec in self.mapping.entities_for_stream(stream):
            needs.update(self.mapping.needs(spec.name))
        return needs


def cli() -> None:
    """Console script `target-odoo`; a wrong setting exits 2 naming it."""
    TargetOdoo.main()
