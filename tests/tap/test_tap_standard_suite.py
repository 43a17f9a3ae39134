"""singer-sdk's standard tap test suite against the loopback Odoo sandbox (a few streams, few records).

The class is built at import time, so the sandbox is started at import and stopped at interpreter exit.
"""

from __future__ import annotations

import atexit

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from sandbox.odoo import serve_odoo
from tap_odoo.tap import TapOdoo

_SANDBOX = serve_odoo(products=0, version="17.0", seed=1, port=0)
_SB = _SANDBOX.__enter__()
atexit.register(_SANDBOX.__exit__, None, None, None)

CONFIG = {
    "url": _SB.url,
    "database": _SB.db,
    "username": "admin",
    "password": _SB.users["admin"]["password"],
    "models": ["product.product", "product.category", "sale.order", "uom.uom"],
    "stock_levels": True,
    "page_size": 20,
    "backoff_factor": 0.01,
}

TestTapOdoo = get_tap_test_class(
    TapOdoo,
    config=CONFIG,
    suite_config=SuiteConfig(max_records_limit=40),
)
