"""An Odoo 17 sandbox per test (writes change it), a delivery product, the company in KWD, and a config."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.odoo import OdooSandbox, serve_odoo

SHIPPING = "MEDUSA-SHIP"


class Odoo:
    """Odoo's external API as a user of the sandbox would call it (XML-RPC, admin)."""

    def __init__(self, sb: OdooSandbox) -> None:
        self.db = sb.db
        self.uid = xmlrpc.client.ServerProxy(sb.url + "/xmlrpc/2/common").authenticate(
            sb.db, "admin", "admin", {}
        )
        self.obj = xmlrpc.client.ServerProxy(sb.url + "/xmlrpc/2/object", allow_none=True)

    def __call__(self, model: str, method: str, *args: Any, **kw: Any) -> Any:
        return self.obj.execute_kw(self.db, self.uid, "admin", model, method, list(args), kw)


@pytest.fixture
def sb() -> Iterator[OdooSandbox]:
    with serve_odoo(port=0) as sandbox:
        # the recorded demo company sells in USD; MarqaSouq's Odoo is a Kuwaiti company's: its currency
        # (res.currency 1 in this database) is KWD, as an admin sets it in Settings
        sandbox.store.names[("res.currency", 1)] = "KWD"
        yield sandbox


@pytest.fixture
def odoo(sb: OdooSandbox) -> Odoo:
    client = Odoo(sb)
    client("product.product", "create", {"name": "Shipping", "default_code": SHIPPING, "type": "service"})
    # the recordings hold the first 50 of Odoo's countries (AD..CR); Odoo's base data has Kuwait too
    client("res.country", "create", {"name": "Kuwait", "code": "KW", "phone_code": 965})
    return client


@pytest.fixture
def config(sb: OdooSandbox, odoo: Odoo, tmp_path: Path) -> dict[str, Any]:
    return {
        "url": sb.url,
        "database": sb.db,
        "username": "admin",
        "password": "admin",
        "ledger_url": f"sqlite:///{tmp_path}/ledger.sqlite",
        "delivery_product": SHIPPING,
        "company_id": 1,
        "max_tries": 2,
        "backoff_factor": 0.01,
    }
