"""Fixtures: a Medusa sandbox on a free port, and a target config with its ledger in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.medusa import MedusaSandbox, serve_medusa

from .helpers import KEY


@pytest.fixture
def medusa() -> Iterator[MedusaSandbox]:
    with serve_medusa(api_key=KEY, port=0) as m:
        yield m


@pytest.fixture
def config(medusa: MedusaSandbox, tmp_path: Path) -> dict[str, Any]:
    return {
        "api_url": medusa.url,
        "api_key": KEY,
        "ledger_url": f"sqlite:///{tmp_path}/ledger.sqlite",
        "odoo_base_url": "http://odoo.example",
        "batch_size": 200,
        "concurrency": 2,
    }
