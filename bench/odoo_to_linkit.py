"""Odoo -> Linkit throughput, measured in one run (not part of `make test`).

20,000 generated products, their stock in 4 Odoo warehouses mapped onto 3 Linkit branches (two warehouses
summed into one), from the Odoo sandbox to the Linkit sandbox through one `tap-odoo | target-linkit` (the
catalogue with the product fields of meltano.yml's `tap-odoo-linkit` extractor, and the `stock_levels`
stream the `tap-odoo-linkit-stock` extractor reads: the same streams the two jobs read, in one run, as
bench/odoo_to_medusa.py measures Medusa's):

1. the first run: wall time, records/s, Linkit writes;
2. the scheduled re-run with nothing changed (the tap from the STATE the first run ended with): its wall
   time as a ratio of the first (goal <= 0.10) and its Linkit writes (goal 0). Most of it is the start-up
   of the two processes (each job pays it once per run; printed beside it).

The Odoo sandbox runs in its own process; the Linkit sandbox in this one (its state is counted here). The
branches are created in Linkit before the first run, as the branches flow (or Linkit's admin) would have.

    .venv/bin/python bench/odoo_to_linkit.py                  # 20,000 products
    .venv/bin/python bench/odoo_to_linkit.py --products 2000  # quick

Its figures replace this bench's section of docs/bench-results.md (with the date, the machine and the size);
`--no-record` only prints them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from pipeline import BIN, extractor_fields, odoo_tap_config, run, start_odoo
from results import machine, section, section_name, write

from sandbox.linkit import LinkitSandbox, serve_linkit

TOKEN = "bench-linkit-token"
DEFAULT_PRODUCTS = 20_000
BRANCHES = {"WH": "WH", "CHIC1": "CHIC", "GW1": "GW", "GW2": "GW"}  # warehouse code -> branch iv_id


def create_branches(linkit: LinkitSandbox) -> None:
    answer = requests.post(
        f"{linkit.api_url}/branches/bulk",
        json={
            "mode": "upsert",
            "branches": [{"iv_id": b, "name_en": b} for b in sorted(set(BRANCHES.values()))],
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    answer.raise_for_status()


def start_up(work: Path, target_config: Path) -> float:
    """Seconds target-linkit takes with no input at all (imports, settings, ledger): what any run pays."""
    empty = work / "empty.jsonl"
    empty.write_text("")
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "target-linkit"), "--config", str(target_config), "--input", str(empty)],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--no-record", action="store_true", help="print only; leave docs/bench-results.md as it is"
    )
    args = parser.parse_args(argv)
    started_at, machine_text = datetime.now(UTC), machine()
    work = Path(tempfile.mkdtemp(prefix="bench-linkit-"))
    odoo, odoo_url = start_odoo(args.products)
    tap_config = work / "tap.json"
    tap_config.write_text(
        json.dumps(
            odoo_tap_config(
                odoo_url,
                models=["product.product"],
                stock_levels=True,
                page_size=5000,
                fields={"product_product": extractor_fields("tap-odoo-linkit")["product_product"]},
            )
        )
    )
    try:
        with serve_linkit(api_token=TOKEN, port=0) as linkit:
            create_branches(linkit)
            target_config = work / "target.json"
            target_config.write_text(
                json.dumps(
                    {
                        "api_url": linkit.api_url,
                        "api_token": TOKEN,
                        "ledger_url": f"sqlite:///{work}/ledger.sqlite",
                        "branches": BRANCHES,
                        "batch_size": args.batch_size,
                        "concurrency": args.concurrency,
                    }
                )
            )
            before = linkit.state.write_count()
            first, records, state_line, _ = run(work, tap_config, "target-linkit", target_config, None)
            writes_first = linkit.state.write_count() - before
            counts = linkit.state.summary()
            state = work / "state.json"
            state.write_text(state_line)
            again, records_again, _, _ = run(work, tap_config, "target-linkit", target_config, state)
            writes_again = linkit.state.write_count() - before - writes_first
            idle = start_up(work, target_config)
    finally:
        odoo.terminate()
        odoo.wait(timeout=30)
    figures: dict[str, Any] = {
        "products_in_odoo_sandbox": args.products,
        "products_in_linkit": counts["products"],
        "skus_in_linkit": counts["skus"],
        "branches": counts["branches"],
        "first_run_s": round(first, 2),
        "first_run_records": records,
        "first_run_records_per_s": round(records / first),
        "first_run_linkit_writes": writes_first,
        "rerun_with_state_s": round(again, 2),
        "rerun_with_state_records": records_again,
        "rerun_ratio": round(again / first, 3),
        "rerun_linkit_writes": writes_again,
        "target_start_up_s": round(idle, 2),
    }
    print(json.dumps(figures, indent=2))
    print(
        f"first run: {first:.1f} s for {records} records ({records / first:,.0f}/s), "
        f"{counts['products']} products and {counts['skus']} SKUs in Linkit | "
        f"unchanged re-run: {again:.2f} s = {again / first:.3f} of the first (goal <= 0.10), "
        f"{writes_again} writes (goal 0)"
    )
    if not args.no_record:
        full_size = args.products == DEFAULT_PRODUCTS
        write(section_name("odoo_to_linkit", full_size), report(args, figures, started_at, machine_text))
        print("figures written to docs/bench-results.md", file=sys.stderr)
    return 0


def report(args: argparse.Namespace, f: dict[str, Any], started_at: datetime, machine_text: str) -> str:
    """This bench's section of docs/bench-results.md."""
    full_size = args.products == DEFAULT_PRODUCTS
    command = ["bench/odoo_to_linkit.py"]
    for flag, value, default in (
        ("--products", args.products, DEFAULT_PRODUCTS),
        ("--batch-size", args.batch_size, 1000),
        ("--concurrency", args.concurrency, 2),
    ):
        if value != default:
            command += [flag, str(value)]
    at_size = "" if full_size else f" at {DEFAULT_PRODUCTS:,} products (not this size)"
    rows = [
        [
            "first run, catalogue and SKU stock (`tap-odoo | target-linkit`)",
            f"{f['first_run_s']:.1f} s for {f['first_run_records']:,} records "
            f"({f['first_run_records_per_s']:,}/s): {f['products_in_linkit']:,} products and "
            f"{f['skus_in_linkit']:,} SKUs on {f['branches']} branches in Linkit, "
            f"{f['first_run_linkit_writes']:,} Linkit writes",
            "",
        ],
        [
            "unchanged re-run (the tap from its STATE)",
            f"{f['rerun_with_state_s']:.2f} s = **{f['rerun_ratio']:.3f}** of the first, "
            f"{f['rerun_linkit_writes']} Linkit writes; target-linkit's start-up alone (no input) "
            f"{f['target_start_up_s']:.2f} s",
            f"≤ 0.10{at_size}, 0 writes",
        ],
    ]
    size = (
        f"{args.products:,} generated products, 4 warehouses on 3 branches"
        + ("" if full_size else f" (a reduced size: the goals are for {DEFAULT_PRODUCTS:,})")
        + f", batch size {args.batch_size}, concurrency {args.concurrency}"
    )
    return section(
        section_name("odoo_to_linkit", full_size),
        title="Odoo → Linkit (`bench/odoo_to_linkit.py`)" + ("" if full_size else ", reduced size"),
        command=command,
        size=size,
        rows=rows,
        started=started_at,
        machine_text=machine_text,
        notes="Odoo sandbox in its own process, Linkit sandbox in the bench's; one tap reads the catalogue "
        "fields of meltano.yml's `tap-odoo-linkit` extractor and the `stock_levels` stream of "
        "`tap-odoo-linkit-stock` (the two jobs' streams in one run, as the Medusa bench does).",
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
