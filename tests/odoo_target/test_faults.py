"""10 % injected faults on the Odoo side (7 % answered 429 or 503, 3 % connections dropped) over a 300-order
import: the same end state as the same import into an Odoo without faults, no dead letter, and an unchanged
re-run under the same faults writes nothing. In 3 batches (~60 Odoo calls, a handful of faults) and in 20
(~330 calls, ~35 faults).

The sandbox drops a connection after reading the request and before applying it, and answers 429/503
without applying the call. target-odoo cannot know that of a dropped connection (a real Odoo may have
applied the call): a write whose answer is lost is found out by reading again (test_lost_answers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from etl.ledger import Ledger
from sandbox.odoo import OdooSandbox, serve_odoo

from .conftest import SHIPPING, Odoo
from .orders import run_target
from .procs import assert_each_once, bulk_input, end_state, writes

N = 300


@contextmanager
def clean_odoo() -> Iterator[tuple[OdooSandbox, Odoo]]:
    """A second sandbox set up as conftest's `sb` and `odoo` fixtures, without faults."""
    with serve_odoo(port=0) as other:
        other.store.names[("res.currency", 1)] = "KWD"
        client = Odoo(other)
        client("product.product", "create", {"name": "Shipping", "default_code": SHIPPING, "type": "service"})
        client("res.country", "create", {"name": "Kuwait", "code": "KW", "phone_code": 965})
        yield other, client


@pytest.mark.parametrize(
    ("batch_size", "seed"),
    [
        pytest.param(100, 1, id="3 batches of 100"),
        pytest.param(15, 10, id="20 batches of 15"),
        pytest.param(15, 33, id="20 batches of 15, another seed"),
    ],
)
def test_ten_percent_faults_on_odoo_give_the_same_end_state(
    sb: OdooSandbox,
    odoo: Odoo,
    config: dict[str, Any],
    tmp_path: Any,
    caplog: pytest.LogCaptureFixture,
    batch_size: int,
    seed: int,
) -> None:
    data = bulk_input(N)
    config |= {"batch_size": batch_size, "max_tries": 10, "backoff_factor": 0.01}
    with clean_odoo() as (other, reference):
        clean = config | {"url": other.url, "ledger_url": f"sqlite:///{tmp_path}/clean.sqlite"}
        assert run_target(clean, data).status == 0
        expected = assert_each_once(reference, N)

    sb.faults.configure(error_rate=0.07, error_codes=(429, 503), drop_rate=0.03, retry_after=0, seed=seed)
    caplog.clear()
    result = run_target(config, data)
    counts = dict(sb.faults.counts)
    sb.faults.configure()  # the checks below read Odoo without faults
    stopped = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert result.status == 0, stopped
    assert counts.get("dropped", 0) > 0 and counts.get("429", 0) > 0 and counts.get("503", 0) > 0, counts
    assert sum(counts.values()) - counts["served"] >= 0.05 * sum(counts.values()), counts

    got = assert_each_once(odoo, N)
    assert got == expected
    assert Ledger(config["ledger_url"]).dead_letters("odoo") == []

    # the same input again, under the same faults: everything is unchanged, nothing is written
    sb.calls.reset()
    sb.faults.configure(error_rate=0.07, error_codes=(429, 503), drop_rate=0.03, retry_after=0, seed=11)
    assert run_target(config, data).status == 0
    sb.faults.configure()
    assert writes(sb.calls) == 0
    assert end_state(odoo) == expected
