"""singer-sdk's standard tap tests (`get_tap_test_class`) against the Linkit sandbox over real HTTP.

The SDK builds the test class at import from a config dict it keeps (not a copy); the sandbox is started by a
module fixture on a port of its own (port 0: each pytest-xdist worker that runs these tests starts its own),
filled through its `/api/v1` writes, and its URL is written into that dict before the SDK's runner syncs.
Minimal answers (the default), every stream with data, pages of 2 so paging is part of every sync.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from singer_sdk.testing import SuiteConfig, get_tap_test_class

from sandbox.linkit import LinkitSandbox, serve_linkit
from tap_linkit.tap import TapLinkit

from .conftest import ORG, TOKEN, fill

CONFIG: dict[str, Any] = {
    "api_url": "http://127.0.0.1:9/api/v1",  # replaced by the sandbox's URL before any sync (fixture below)
    "api_token": TOKEN,
    "organization_id": ORG,
    "page_size": 2,
    "backoff_factor": 0.01,
}


@pytest.fixture(scope="module", autouse=True)
def linkit_for_the_suite() -> Iterator[LinkitSandbox]:
    with serve_linkit(api_token=TOKEN, port=0) as linkit:
        fill(linkit)
        CONFIG["api_url"] = linkit.api_url
        yield linkit


TestTapLinkit = get_tap_test_class(
    TapLinkit,
    config=CONFIG,
    suite_config=SuiteConfig(max_records_limit=20),
)
