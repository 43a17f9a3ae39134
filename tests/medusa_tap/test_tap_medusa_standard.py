"""singer-sdk's standard tap tests (`get_tap_test_class`) against the Medusa sandbox over real HTTP.

The SDK builds the test class at import, from a config dict it keeps (not a copy); the sandbox is started by a
module fixture, on a port of its own (port 0: each pytest-xdist worker that runs these tests starts its own),
and its URL is written into that dict before the SDK's class-scoped runner syncs. Seed 002's answers (the
default), a few orders and customers, pages of 2 so paging is part of every sync.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from sandbox.medusa import MedusaSandbox, serve_medusa
from tap_medusa.tap import TapMedusa

from .conftest import KEY

CONFIG: dict[str, Any] = {
    "api_url": "http://127.0.0.1:9",  # replaced by the sandbox's URL before any sync (fixture below)
    "api_key": KEY,
    "page_size": 2,
    "backoff_factor": 0.01,
}


@pytest.fixture(scope="module", autouse=True)
def medusa_for_the_suite() -> Iterator[MedusaSandbox]:
    with serve_medusa(api_key=KEY, port=0) as medusa:
        for day in range(1, 6):
            medusa.state.add_order(
                items=[
                    {"sku": f"SKU-{day}", "quantity": day, "unit_price": 1250, "variant_id": f"variant_{day}"}
                ],
                created_at=f"2026-02-{day:02d}T09:00:00.000Z",
                email=f"buyer{day}@example.com",
            )
            medusa.state.add_customer(
                f"buyer{day}@example.com", created_at=f"2026-02-{day:02d}T08:00:00.000Z"
            )
        CONFIG["api_url"] = medusa.url
        yield medusa


TestTapMedusa = get_tap_test_class(
    TapMedusa,
    config=CONFIG,
    suite_config=SuiteConfig(max_records_limit=20),
)
