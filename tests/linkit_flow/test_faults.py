"""With 10 % of Linkit's answers 429/503 (Retry-After) or dropped connections (half of them after the write
was applied), a product x branch flow ends exactly as without faults; the bad records among it are dead
letters with their reason and everything else is delivered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from linkit.helpers import singer
from linkit.messages import product, stock_row

from etl.ledger import Ledger
from sandbox.linkit import LinkitSandbox

from .helpers import BRANCHES, WAREHOUSES, expected_qty, qty, start_target

N = 2000


def test_ten_percent_faults_same_end_state_and_bad_records_dead_lettered(
    linkit: LinkitSandbox, config: dict[str, Any], tmp_path: Path
) -> None:
    products = [product(i) for i in range(1, N + 1)]
    rows = [
        stock_row(p["default_code"], p["id"], float(qty(i, code)), code, wid)
        for i, p in enumerate(products, start=1)
        for code, wid in WAREHOUSES.items()
    ]
    bad = [
        product(N + 1, default_code=None),  # no SKU (internal reference)
        product(N + 2, lst_price=float("nan")),  # a price that is not a number
        product(N + 3, name=None),  # no name
    ]
    linkit.faults.configure(
        error_rate=0.07, drop_rate=0.03, error_codes=(429, 503), retry_after=0.05, seed=11
    )
    config |= {"batch_size": 100, "concurrency": 4}
    proc = start_target(config, tmp_path)
    _out, err = proc.communicate(singer(products + bad, rows), timeout=240)
    assert proc.returncode == 0, err[-2000:]
    injected = linkit.faults.injected
    assert injected["429"] + injected["503"] >= 5 and injected["drop"] + injected["drop_after"] >= 2, injected

    state = linkit.state
    assert set(state.products) == {p["default_code"] for p in products}
    assert {k: n for k, n in state.created.items() if k.startswith("product:")} == {
        f"product:{p['default_code']}": 1 for p in products
    }
    assert state.qty() == expected_qty(N)
    assert set(BRANCHES.values()) == {b for _, b in state.qty()}
    reasons = {d.key: d.reason for d in Ledger(config["ledger_url"]).dead_letters("linkit")}
    assert len(reasons) == 3, reasons
    assert "default_code" in next(r for k, r in reasons.items() if str(100000 + N + 1) in k)
    assert "lst_price" in reasons[f"GEN-{N + 2:06d}"] or "average_price" in reasons[f"GEN-{N + 2:06d}"]
    assert "name" in reasons[f"GEN-{N + 3:06d}"]
