"""tap-odoo throughput against the Odoo sandbox, measured in one run.

1. records/s of ``tap-odoo`` (a subprocess writing Singer messages to /dev/null) divided by records/s of a
   bare loop doing the same ``search_read`` calls (same fields, page size, order, keyset domains,
   context) with the same transport; goal >= 0.9.
2. client CPU per record of XML-RPC, JSON-RPC and JSON-2 (bare loop, same calls).
3. peak RSS of the tap at a small and at the full product count (goal: flat).
4. the virtual ``stock_levels`` stream (every product x warehouse, read through the warehouse context):
   records/s of the tap and of a bare loop making the same ``read`` calls.

The sandbox runs in its own process (``odoo-sandbox odoo``), so server and client do not share a GIL.

    .venv/bin/python bench/tap_throughput.py                 # 200,000 products
    .venv/bin/python bench/tap_throughput.py --products 5000 # quick

Its figures replace this bench's section of docs/bench-results.md (with the date, the machine and the size);
`--no-record` only prints them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import typing as t
from datetime import UTC, datetime
from pathlib import Path

from results import machine, section, section_name, write

from tap_odoo.client import OdooClient
from tap_odoo.paging import write_date_keyset
from tap_odoo.stock import QUANTITIES

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
API_KEY = "5a4d1f0c0ffee0d00a5a4d1f0c0ffee0d00a5a4d"  # the sandbox's fixed demo key for admin
FIELDS = [
    "name",
    "default_code",
    "barcode",
    "list_price",
    "weight",
    "volume",
    "categ_id",
    "active",
    "create_date",
    "product_tmpl_id",
    "type",
    "uom_id",
    "company_id",
    "seller_ids",
    "taxes_id",
    "description_sale",
]
MODEL = "product.product"


def start_sandbox(products: int) -> tuple[subprocess.Popen[str], str]:
    """Serve an Odoo 19 sandbox (all three protocols) in a subprocess; return it and its URL."""
    proc = subprocess.Popen(
        [str(BIN / "odoo-sandbox"), "odoo", "--port", "0", "--products", str(products), "--version", "19.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = ""
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox exited before serving")
        found = re.search(r"sandbox on (http://\S+)", line)
        if found:
            url = found.group(1)
        if "products:" in line:
            return proc, url


def bare_loop(
    url: str, protocol: str, page_size: int, limit_id: int | None = None
) -> tuple[int, float, float]:
    """The tap's search_read calls without the tap: (records, seconds, client CPU seconds)."""
    api_key = API_KEY if protocol == "json2" else None
    client = OdooClient(
        url=url, database="demo17", username="admin", password="admin", api_key=api_key, protocol=protocol
    )
    client.check()
    fields = ["id", *FIELDS, "write_date"]
    base: list[t.Any] = [["id", "<=", limit_id]] if limit_id else []
    context = {"lang": "en_US", "active_test": False}

    def read(domain: list[t.Any], offset: int, order: str) -> list[dict[str, t.Any]]:
        return client.search_read(
            MODEL, domain, fields, offset=offset, limit=page_size, order=order, context=context
        )

    count = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for page in write_date_keyset(read, base, None, page_size):  # the tap's own paging, same calls
        count += len(page)
    result = count, time.perf_counter() - wall, time.process_time() - cpu
    client.close()
    return result


def bare_stock_loop(url: str, protocol: str, page_size: int) -> tuple[int, float]:
    """stock_levels' calls without the tap: every storable product read per warehouse context."""
    api_key = API_KEY if protocol == "json2" else None
    client = OdooClient(
        url=url, database="demo17", username="admin", password="admin", api_key=api_key, protocol=protocol
    )
    client.check()
    wall = time.perf_counter()
    context = {"lang": "en_US", "active_test": False}
    storable = "is_storable" if "is_storable" in client.fields_get(MODEL, ["type"]) else "type"
    domain = [[storable, "=", True if storable == "is_storable" else "product"]]
    ids = client.search(MODEL, domain, order="id asc", context=context)
    warehouses = client.search_read("stock.warehouse", [], ["code"], order="id asc", context=context)
    count = 0
    for first in range(0, len(ids), page_size):
        for warehouse in warehouses:
            count += len(
                client.read(
                    MODEL,
                    ids[first : first + page_size],
                    ["default_code", *QUANTITIES],
                    context={**context, "warehouse": warehouse["id"]},
                )
            )
    seconds = time.perf_counter() - wall
    client.close()
    return count, seconds


def run_tap(
    url: str,
    protocol: str,
    page_size: int,
    workdir: Path,
    limit_id: int | None = None,
    prefetch: bool = True,
    stream: str = "product_product",
) -> dict[str, float]:
    """tap-odoo to /dev/null: records, wall seconds, in-process sync seconds, peak RSS (MiB)."""
    stock = stream == "stock_levels"
    config: dict[str, t.Any] = {
        "url": url,
        "database": "demo17",
        "username": "admin",
        "password": "admin",
        "protocol": protocol,
        "models": [] if stock else [MODEL],
        "fields": {MODEL: FIELDS},
        "page_size": page_size,
        "stock_levels": stock,
        "prefetch": prefetch,
    }
    if protocol == "json2":
        config["api_key"] = API_KEY
    if limit_id:
        config["domains"] = {MODEL: [["id", "<=", limit_id]]}
    path = workdir / f"config-{protocol}-{limit_id}-{prefetch}-{stream}.json"
    path.write_text(json.dumps(config))
    errors = workdir / "stderr.log"
    with open(os.devnull, "w") as devnull, open(errors, "w") as err:
        wall = time.perf_counter()
        proc = subprocess.Popen([str(BIN / "tap-odoo"), "--config", str(path)], stdout=devnull, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - wall
        proc.returncode = os.waitstatus_to_exitcode(status)
    log = errors.read_text()
    if proc.returncode != 0:
        raise RuntimeError(f"tap-odoo failed:\n{log[-3000:]}")
    records = sync = 0.0
    for line in log.splitlines():
        if "METRIC" not in line or f'"{stream}"' not in line:
            continue
        metric = json.loads(line.split("METRIC: ", 1)[1])
        if metric["metric"] == "record_count":  # logged per interval: the total is the sum
            records += metric["value"]
        elif metric["metric"] == "sync_duration":
            sync = metric["value"]
    return {"records": records, "wall": wall, "sync": sync, "rss_mib": usage.ru_maxrss / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=200_000, help="generated products (default 200000)")
    parser.add_argument("--small", type=int, default=10_000, help="record count of the small RSS run")
    parser.add_argument("--page-size", type=int, default=2000)
    parser.add_argument(
        "--protocol",
        default="jsonrpc",
        choices=["xmlrpc", "jsonrpc", "json2"],
        help="transport of the tap vs bare-loop ratio",
    )
    parser.add_argument(
        "--cpu-records", type=int, default=20_000, help="records per protocol in the CPU part"
    )
    parser.add_argument("--repeat", type=int, default=2, help="passes of tap and bare loop (best taken)")
    parser.add_argument(
        "--stock-page-size", type=int, default=5000, help="products per read in the stock_levels part"
    )
    parser.add_argument(
        "--no-record", action="store_true", help="print only; leave docs/bench-results.md as it is"
    )
    args = parser.parse_args()
    started_at, machine_text = datetime.now(UTC), machine()
    rows: list[list[str]] = []  # (figure, result, goal) for docs/bench-results.md

    started = time.perf_counter()
    proc, url = start_sandbox(args.products)
    print(f"sandbox: Odoo 19.0, {args.products} generated products, {url}")
    print(f"fields: {len(FIELDS) + 2} of {MODEL}, page_size {args.page_size}, order write_date, id (keyset)")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            bare_loop(url, args.protocol, args.page_size, limit_id=args.page_size * 2)  # warm-up
            bare_rates, tap_rates, tap_wall_rates = [], [], []
            tap_full: dict[str, float] = {}
            for _ in range(args.repeat):
                count, seconds, _cpu = bare_loop(url, args.protocol, args.page_size)
                bare_rates.append(count / seconds)
                tap_full = run_tap(url, args.protocol, args.page_size, workdir)
                if tap_full["records"] != count:
                    raise RuntimeError(
                        f"tap emitted {tap_full['records']} records, the bare loop read {count}"
                    )
                tap_rates.append(tap_full["records"] / tap_full["sync"])
                tap_wall_rates.append(tap_full["records"] / tap_full["wall"])
            bare, tap = max(bare_rates), max(tap_rates)
            print()
            print(f"[1] {args.protocol}, {count} records")
            print(f"    bare search_read loop : {bare:10.0f} records/s")
            print(
                f"    tap-odoo > /dev/null  : {tap:10.0f} records/s (stream sync)  "
                f"{max(tap_wall_rates):.0f} records/s (whole process incl. start-up and discovery)"
            )
            print(
                f"    ratio tap / bare      : {tap / bare:10.2f}   (goal >= 0.9)   "
                f"whole-process ratio {max(tap_wall_rates) / bare:.2f}"
            )
            rows.append(
                [
                    f"[1] tap-odoo vs a bare `search_read` loop ({args.protocol}, {count:,} records)",
                    f"tap {tap:,.0f} records/s vs bare {bare:,.0f}/s: **ratio {tap / bare:.2f}** "
                    f"(whole process incl. start-up {max(tap_wall_rates) / bare:.2f})",
                    "≥ 0.9" if args.products == 200_000 else "≥ 0.9 at 200,000 products (not this size)",
                ]
            )
            serial = run_tap(url, args.protocol, args.page_size, workdir, prefetch=False)
            if serial["records"] != count:
                raise RuntimeError(f"tap emitted {serial['records']} records, the bare loop read {count}")
            serial_rate = serial["records"] / serial["sync"]
            print(
                f"    tap, prefetch off     : {serial_rate:10.0f} records/s   ratio {serial_rate / bare:.2f}"
            )
            rows.append(
                ["same, prefetch off", f"{serial_rate:,.0f} records/s, ratio {serial_rate / bare:.2f}", ""]
            )
            cpu_rows: list[str] = []

            print()
            print(f"[2] client CPU per record, bare loop over the first {args.cpu_records} records")
            limit_id = args.cpu_records
            for protocol in ("xmlrpc", "jsonrpc", "json2"):
                count, seconds, cpu = bare_loop(url, protocol, args.page_size, limit_id=limit_id)
                print(
                    f"    {protocol:8s}: {cpu / count * 1e6:7.1f} us CPU/record  "
                    f"{count / seconds:8.0f} records/s  ({count} records)"
                )
                cpu_rows.append(f"{protocol} {cpu / count * 1e6:.1f} µs")
            rows.append(
                [
                    f"[2] client CPU per record (bare loop, {args.cpu_records:,} records)",
                    ", ".join(cpu_rows),
                    "",
                ]
            )

            print()
            small = run_tap(url, args.protocol, args.page_size, workdir, limit_id=args.small)
            print("[3] tap-odoo peak RSS")
            print(f"    {small['records']:8.0f} records: {small['rss_mib']:6.1f} MiB")
            print(
                f"    {tap_full['records']:8.0f} records: {tap_full['rss_mib']:6.1f} MiB   "
                f"(growth {tap_full['rss_mib'] - small['rss_mib']:+.1f} MiB)"
            )
            rows.append(
                [
                    "[3] tap-odoo peak RSS",
                    f"{small['rss_mib']:.0f} MiB at {small['records']:,.0f} records, "
                    f"{tap_full['rss_mib']:.0f} MiB at {tap_full['records']:,.0f}",
                    "flat",
                ]
            )

            print()
            levels, seconds = bare_stock_loop(url, args.protocol, args.stock_page_size)
            stock = run_tap(url, args.protocol, args.stock_page_size, workdir, stream="stock_levels")
            if stock["records"] != levels:
                raise RuntimeError(
                    f"stock_levels emitted {stock['records']} records, the bare loop read {levels}"
                )
            print(
                f"[4] stock_levels, {levels:.0f} product x warehouse levels, page_size {args.stock_page_size}"
            )
            print(f"    bare read loop        : {levels / seconds:10.0f} records/s  ({seconds:.1f} s)")
            print(
                f"    tap-odoo > /dev/null  : {stock['records'] / stock['sync']:10.0f} records/s  "
                f"({stock['sync']:.1f} s stream sync, {stock['wall']:.1f} s whole process)"
            )
            rows.append(
                [
                    f"[4] `stock_levels` ({levels:,.0f} product x warehouse levels)",
                    f"tap {stock['records'] / stock['sync']:,.0f} records/s vs bare read loop "
                    f"{levels / seconds:,.0f}/s",
                    "",
                ]
            )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"\nbench took {time.perf_counter() - started:.0f} s")
    if not args.no_record:
        write(
            section_name("tap_throughput", args.products == 200_000),
            report(args, rows, started_at, machine_text),
        )
        print("figures written to docs/bench-results.md", file=sys.stderr)
    return 0


def report(args: argparse.Namespace, rows: list[list[str]], started_at: datetime, machine_text: str) -> str:
    """This bench's section of docs/bench-results.md."""
    defaults = {"products": 200_000, "small": 10_000, "page_size": 2000, "protocol": "jsonrpc"}
    defaults |= {"cpu_records": 20_000, "repeat": 2, "stock_page_size": 5000}
    command = ["bench/tap_throughput.py"]
    for name, default in defaults.items():
        value = getattr(args, name)
        if value != default:
            command += [f"--{name.replace('_', '-')}", str(value)]
    full_size = args.products == defaults["products"]
    size = f"{args.products:,} generated products (Odoo 19 sandbox), page size {args.page_size}" + (
        "" if full_size else " (a reduced size: the default and the goals are for 200,000)"
    )
    return section(
        section_name("tap_throughput", full_size),
        title="tap-odoo throughput (`bench/tap_throughput.py`)" + ("" if full_size else ", reduced size"),
        command=command,
        size=size,
        rows=rows,
        started=started_at,
        machine_text=machine_text,
        notes="The Odoo sandbox runs in its own process; the bare loop makes the tap's own calls (same "
        "fields, page size, keyset domains, context) on the same transport.",
    )


if __name__ == "__main__":
    sys.exit(main())
