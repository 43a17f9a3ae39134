"""`make demo`: start the sandbox on loopback, run the main Meltano job against it, show what arrived.

Each demo starts a fresh sandbox, so the run ignores saved state (`--full-refresh`). The main job is
`odoo-to-jsonl` (tap-odoo → target-jsonl) until a platform target is wired in; the job and the sandbox
size can be changed with `--job` and `--products`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sandbox.odoo import OdooSandbox, serve_odoo

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "output"
DEMO_MODELS = [
    "res.partner",
    "product.product",
    "product.template",
    "product.category",
    "stock.warehouse",
    "stock.quant",
    "sale.order",
    "sale.order.line",
]

SAMPLE_FIELDS = [
    "id",
    "default_code",
    "name",
    "list_price",
    "categ_id",
    "state",
    "partner_id",
    "amount_total",
]


def meltano(*args: str, env: dict[str, str]) -> None:
    """Run one meltano command in the project, failing the demo loudly if it fails."""
    exe = Path(sys.executable).with_name("meltano")
    cmd = [str(exe), *args]
    print(f"\n$ meltano {' '.join(args)}", flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"demo: `meltano {' '.join(args)}` failed with exit code {proc.returncode}")


def demo_env(sb: OdooSandbox) -> dict[str, str]:
    """Environment that points the dev environment's tap at this sandbox."""
    env = dict(os.environ)
    env.update(
        {
            "MELTANO_ENVIRONMENT": "dev",
            "MELTANO_SEND_ANONYMOUS_USAGE_STATS": "false",
            "TAP_ODOO_URL": sb.url,
            "TAP_ODOO_DATABASE": sb.db,
            "TAP_ODOO_MODELS": json.dumps(DEMO_MODELS),
            "TARGET_JSONL_DESTINATION_PATH": str(OUTPUT),
        }
    )
    return env


def summarize_jsonl(folder: Path, samples: int = 2) -> None:
    """Print the record count of every stream file and a few sample records."""
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise SystemExit(f"demo: nothing arrived in {folder}")
    print(f"\nWhat arrived in {folder.relative_to(ROOT)}/ (target-jsonl):")
    print(f"  {'stream':<28} {'records':>8}")
    for path in files:
        with path.open() as fh:
            count = sum(1 for _ in fh)
        print(f"  {path.stem:<28} {count:>8}")
    for stream in ("product_product", "sale_order"):
        path = folder / f"{stream}.jsonl"
        if not path.exists():
            continue
        print(f"\nSample {stream} records:")
        with path.open() as fh:
            for _, line in zip(range(samples), fh, strict=False):
                record = json.loads(line)
                brief = {k: record[k] for k in SAMPLE_FIELDS if k in record}
                print("  " + json.dumps(brief, ensure_ascii=False, default=str)[:300])


@contextmanager
def clean_output() -> Iterator[None]:
    """Start each demo with an empty output folder."""
    shutil.rmtree(OUTPUT, ignore_errors=True)
    OUTPUT.mkdir(parents=True)
    yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--products", type=int, default=2000, help="generated products on top of the recordings"
    )
    parser.add_argument("--job", default="odoo-to-jsonl", help="meltano job to run")
    args = parser.parse_args(argv)

    started = time.monotonic()
    with serve_odoo(products=args.products) as sb, clean_output():
        print(f"Odoo sandbox on {sb.url} (database {sb.db}, {args.products} generated products)")
        env = demo_env(sb)
        meltano("install", env=env)
        meltano("run", "--full-refresh", args.job, env=env)
        summarize_jsonl(OUTPUT)
    print(f"\nDemo done in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
