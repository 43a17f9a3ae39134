"""Stock of a warehouse whose branch Linkit lacks is a dead letter naming the branch before anything is sent,
not a batch refused and halved down to each item; the other branches' stock arrives."""

from __future__ import annotations

from typing import Any

from linkit.helpers import dead_letters, product, run, singer, stock_row

from sandbox.linkit import LinkitSandbox


def test_sku_of_a_branch_linkit_lacks_is_a_dead_letter_without_a_call(
    linkit: LinkitSandbox, config: dict[str, Any]
) -> None:
    products = [product(i) for i in range(1, 41)]
    rows = [stock_row(p["default_code"], p["id"], 5, "WH", 1) for p in products]
    rows += [stock_row(p["default_code"], p["id"], 3, "NOWHERE", 9) for p in products]
    config |= {"branches": {}, "batch_size": 100}
    assert run(config, singer(products, rows)).status == 0
    assert {k: v for k, v in linkit.state.qty().items() if v} == {
        (p["default_code"], "WH"): 5 for p in products
    }
    sku_calls = [r for r in linkit.state.requests if r.path.endswith("/skus/bulk")]
    assert len(sku_calls) == 1  # one batch for WH; no halving over NOWHERE's 40 SKUs
    reasons = {d.key: d.reason for d in dead_letters(config)}
    assert len(reasons) == 40 and all("branch NOWHERE is not in Linkit" in r for r in reasons.values())
