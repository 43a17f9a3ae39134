"""A Linkit sandbox with the three branches of the flow, and a target config with its own ledger (each test
its own sandbox and ledger)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.linkit import LinkitSandbox, serve_linkit

from .helpers import BRANCHES, TOKEN


@pytest.fixture
def linkit() -> Iterator[LinkitSandbox]:
    with serve_linkit(api_token=TOKEN, port=0) as sandbox:
        answer = requests.post(
            f"{sandbox.api_url}/branches/bulk",
            json={
                "mode": "upsert",
                "branches": [{"iv_id": b, "name_en": b} for b in sorted(set(BRANCHES.values()))],
            },
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
        assert answer.json()["success"] is True
        yield sandbox


@pytest.fixture
def config(linkit: LinkitSandbox, tmp_path: Path) -> dict[str, Any]:
    return {
        "api_url": linkit.api_url,
        "api_token": TOKEN,
        "ledger_url": f"sqlite:///{tmp_path}/ledger.sqlite",
        "branches": BRANCHES,
        "batch_size": 1000,
        "concurrency": 2,
        "max_retries": 8,
        "request_timeout": 10,
    }
