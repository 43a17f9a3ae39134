"""Odoo -> Medusa throughput, measured in one run (not part of `make test`).

1. 100,000 products (catalogue + stock per warehouse + order progress) from the Odoo sandbox to the Medusa
   sandbox through `tap-odoo | target-medusa`: wall time and records/s (goal: <= 60 s on 2 cores).
2. The scheduled re-run with nothing changed (tap started from the STATE the first run ended with): its
   wall time as a ratio of the first (goal <= 0.10) and Medusa writes (goal 0).
3. For information: a full re-read without tap state (every record read and hashed again, nothing sent).

The Odoo sandbox runs in its own process; the Medusa sandbox in this one (its state is counted here). The
tap reads the fields meltano.yml's `tap-odoo-medusa-catalogue` extractor reads, so this measures the job.

    .venv/bin/python bench/odoo_to_medusa.py                  # 100,000 products
    .venv/bin/python bench/odoo_to_medusa.py --products 5000  # quick

Its figures replace this bench's section of docs/bench-results.md (with the date, the machine and the size);
`--no-record` only prints them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline import extractor_fields, odoo_tap_config, run, start_odoo
from results import machine, section, section_name, write

from sandbox.medusa import serve_medusa

KEY = "bench-medusa-key"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--no-record", action="store_true", help="print only; leave docs/bench-results.md as it is"
    )
    args = parser.parse_args(argv)
    started_at, machine_text = datetime.now(UTC), machine()
    work = Path(tempfile.mkdtemp(prefix="bench-medusa-"))
    odoo, odoo_url = start_odoo(args.products)
    try:
        with serve_medusa(api_key=KEY, port=0) as medusa:
            tap_config = work / "tap.json"
            tap_config.write_text(
                json.dumps(
                    odoo_tap_config(
                        odoo_url,
                        models=["product.product", "sale.order", "stock.picking", "account.move"],
                        stock_levels=True,
                        page_size=5000,
                        fields=extractor_fields("tap-odoo-medusa-catalogue"),
                    )
                )
            )
            target_config = work / "target.json"
            target_config.write_text(
                json.dumps(
                    {
                        "api_url": medusa.url,
                        "api_key": KEY,
                        "ledger_url": f"sqlite:///{work}/ledger.sqlite",
                        "odoo_base_url": "https://odoo.example",
                        "batch_size": args.batch_size,
                        "concurrency": args.concurrency,
                    }
                )
            )
            first, records, state_line, _ = run(work, tap_config, "target-medusa", target_config, None)
            writes_first = medusa.state.write_count()
            products = len(medusa.state.products)
            state = work / "state.json"
            state.write_text(state_line)
            again, records_again, _, _ = run(work, tap_config, "target-medusa", target_config, state)
            writes_again = medusa.state.write_count() - writes_first
            full, _records_full, _, _ = run(work, tap_config, "target-medusa", target_config, None)
            writes_full = medusa.state.write_count() - writes_first - writes_again
    finally:
        odoo.terminate()
        odoo.wait(timeout=30)
    figures: dict[str, Any] = {
        "products_in_odoo_sandbox": args.products,
        "products_in_medusa": products,
        "first_run_s": round(first, 2),
        "first_run_records": records,
        "first_run_records_per_s": round(records / first),
        "first_run_medusa_writes": writes_first,
        "rerun_with_state_s": round(again, 2),
        "rerun_with_state_records": records_again,
        "rerun_ratio": round(again / first, 3),
        "rerun_medusa_writes": writes_again,
        "full_reread_s": round(full, 2),
        "full_reread_ratio": round(full / first, 3),
        "full_reread_medusa_writes": writes_full,
    }
    print(json.dumps(figures, indent=2))
    print(
        f"first run: {first:.1f} s for {records} records ({records / first:,.0f}/s; goal <= 60 s) | "
        f"unchanged re-run: {again:.2f} s = {again / first:.3f} of the first (goal <= 0.10), "
        f"{writes_again} writes (goal 0) | full re-read: {full / first:.2f}, {writes_full} writes"
    )
    if not args.no_record:
        write(
            section_name("odoo_to_medusa", args.products == 100_000),
            report(args, figures, started_at, machine_text),
        )
        print("figures written to docs/bench-results.md", file=sys.stderr)
    return 0


def report(args: argparse.Namespace, f: dict[str, Any], started_at: datetime, machine_text: str) -> str:
    """This bench's section of docs/bench-results.md."""
    full_size = args.products == 100_000
    command = ["bench/odoo_to_medusa.py"]
    for flag, value, default in (
        ("--products", args.products, 100_000),
        ("--batch-size", args.batch_size, 1000),
        ("--concurrency", args.concurrency, 2),
    ):
        if value != default:
            command += [flag, str(value)]
    at_size = "" if full_size else " at 100,000 products (not this size)"
    rows = [
        [
            "first run, `tap-odoo | target-medusa`",
            f"{f['first_run_s']:.1f} s for {f['first_run_records']:,} records "
            f"({f['first_run_records_per_s']:,}/s), {f['products_in_medusa']:,} products in Medusa, "
            f"{f['first_run_medusa_writes']:,} Medusa writes",
            f"≤ 60 s{at_size}",
        ],
        [
            "unchanged re-run (tap from its STATE)",
            f"{f['rerun_with_state_s']:.2f} s = **{f['rerun_ratio']:.3f}** of the first, "
            f"{f['rerun_medusa_writes']} Medusa writes",
            f"≤ 0.10{at_size}, 0 writes",
        ],
        [
            "full re-read without tap state",
            f"{f['full_reread_s']:.1f} s = {f['full_reread_ratio']:.2f} of the first, "
            f"{f['full_reread_medusa_writes']} Medusa writes",
            "0 writes",
        ],
    ]
    size = (
        f"{args.products:,} generated products x 4 warehouses"
        + ("" if full_size else " (a reduced size: the default and the goals are for 100,000)")
        + f", batch size {args.batch_size}, concurrency {args.concurrency}"
    )
    return section(
        section_name("odoo_to_medusa", full_size),
        title="Odoo → Medusa (`bench/odoo_to_medusa.py`)" + ("" if full_size else ", reduced size"),
        command=command,
        size=size,
        rows=rows,
        started=started_at,
        machine_text=machine_text,
        notes="Odoo sandbox in its own process, Medusa sandbox in the bench's; the tap reads the fields of "
        "meltano.yml's `tap-odoo-medusa-catalogue` extractor."
        + (
            ""
            if full_size
            else " At a reduced size the start-up of tap-odoo and target-medusa (a few seconds) weighs on "
            "every run, so the re-run ratios say little about the goal."
        ),
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
