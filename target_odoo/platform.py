"""What `odoo-hub` needs from target-odoo: config from the environment, the writer for `retry`, the
payload validator by Odoo model, and the import check.

odoo-hub retry --target odoo        (ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_PASSWORD or ODOO_API_KEY)
odoo-hub check --target odoo        (also MEDUSA_URL, MEDUSA_API_KEY to read the orders to import)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from etl.validation import PayloadValidator
from target_odoo.adapter import OdooApi
from target_odoo.check import ImportIssue, import_issues
from target_odoo.flow import MAPPINGS, ModelValidator, source_mapping
from target_odoo.writer import OdooWriter

ENV = {
    "ODOO_URL": "url",
    "ODOO_DB": "database",
    "ODOO_USERNAME": "username",
    "ODOO_PASSWORD": "password",
    "ODOO_API_KEY": "api_key",
    "ODOO_PROTOCOL": "protocol",
    "ODOO_DELIVERY_PRODUCT": "delivery_product",
    "ODOO_HUB_SOURCE": "source",
    "MEDUSA_URL": "medusa_url",
    "MEDUSA_API_KEY": "medusa_api_key",
}


class OdooPlatform:
    name = "odoo"
    default_mapping: Path = MAPPINGS / "medusa.json"
    inventory_entity = ""

    def config_from_env(self, env: Mapping[str, str]) -> dict[str, Any]:
        config = {name: env[var] for var, name in ENV.items() if env.get(var)}
        for var in ("ODOO_URL", "ODOO_DB", "ODOO_USERNAME"):
            if not env.get(var):
                raise ValueError(f"environment variable {var} is not set")
        if not (config.get("password") or config.get("api_key")):
            raise ValueError("environment variable ODOO_PASSWORD or ODOO_API_KEY is not set")
        return config

    def make_adapter(self, config: Mapping[str, Any], ledger: Ledger) -> OdooWriter:
        mapping = source_mapping(config)
        models = {name: str(spec.model) for name, spec in mapping.entities.items()}
        return OdooWriter(OdooApi.from_config(config), models, config)

    def validator(self, config: Mapping[str, Any]) -> PayloadValidator:
        mapping = source_mapping(config)
        return ModelValidator({name: str(spec.model) for name, spec in mapping.entities.items()})

    def fetch_stock(self, config: Mapping[str, Any], skus: list[str]) -> dict[tuple[str, str], float]:
        raise NotImplementedError("target-odoo writes into Odoo: there is no platform stock to compare")

    def import_issues(self, client: Any, config: Mapping[str, Any]) -> list[ImportIssue]:
        if not (config.get("medusa_url") and config.get("medusa_api_key")):
            return [
                ImportIssue(
                    "warning",
                    "SOURCE_NOT_SET",
                    "MEDUSA_URL / MEDUSA_API_KEY are not set: the orders to import were not read",
                    "set them to check SKUs, delivery product and currencies against Medusa's orders",
                )
            ]
        return import_issues(client, config)


PLATFORM = OdooPlatform()
