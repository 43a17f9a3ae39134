"""What `odoo-hub` needs from the Medusa target: config from the environment, an adapter, Medusa's stock.

odoo-hub drift --target medusa [--fix]      (MEDUSA_URL, MEDUSA_API_KEY, optional MEDUSA_* below)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from target_medusa.adapter import MedusaAdapter, medusa_http
from target_medusa.mapping import DEFAULT_MAPPING
from target_medusa.stock import stock_records as _stock_records

ENV = {
    "MEDUSA_CURRENCY": ("currency", str),
    "MEDUSA_QUANTITY_FIELD": ("quantity_field", str),
    "MEDUSA_SAFETY_STOCK": ("safety_stock", int),
    "MEDUSA_LOCATION_ID": ("location_id", str),
    "MEDUSA_ODOO_BASE_URL": ("odoo_base_url", str),
    "MEDUSA_BRAND_FIELD": ("brand_field", str),
}


class MedusaPlatform:
    name = "medusa"
    default_mapping: Path = DEFAULT_MAPPING
    inventory_entity = "inventory"

    def config_from_env(self, env: Mapping[str, str]) -> dict[str, Any]:
        for var in ("MEDUSA_URL", "MEDUSA_API_KEY"):
            if not env.get(var):
                raise ValueError(
                    f"environment variable {var} is not set (the Medusa base URL / x-odoo-api-key)"
                )
        config: dict[str, Any] = {"api_url": env["MEDUSA_URL"], "api_key": env["MEDUSA_API_KEY"]}
        for var, (name, kind) in ENV.items():
            if env.get(var):
                try:
                    config[name] = kind(env[var])
                except ValueError:
                    raise ValueError(
                        f"environment variable {var}: {env[var]!r} is not a valid {name}"
                    ) from None
        if env.get("MEDUSA_WAREHOUSES"):
            config["warehouses"] = [w.strip() for w in env["MEDUSA_WAREHOUSES"].split(",") if w.strip()]
        return config

    def make_adapter(self, config: Mapping[str, Any], ledger: Ledger) -> MedusaAdapter:
        return MedusaAdapter(medusa_http(config))

    def stock_records(self, rows: list[dict[str, Any]], config: Mapping[str, Any]) -> list[dict[str, Any]]:
        return _stock_records(rows, config)

    def stock_of(self, payload: Mapping[str, Any]) -> tuple[str, str, float]:
        return str(payload["sku"]), str(payload.get("location_id") or ""), float(payload["quantity"])

    def fetch_stock(self, config: Mapping[str, Any], skus: list[str]) -> dict[tuple[str, str], float]:
        """(sku, location) -> stocked quantity in Medusa; location is the configured `location_id` (or "")."""
        location = str(config.get("location_id") or "")
        http = medusa_http(config)
        try:
            stock = MedusaAdapter(http).fetch_stock(skus)
        finally:
            http.close()
        return {(sku, location): float(qty) for sku, qty in stock.items()}


PLATFORM = MedusaPlatform()
