"""tap-odoo throughput against an Odoo sandbox that answers as slowly as a real Odoo, measured in one run.

1. For the tap's DEFAULT field set of product.product and for an 18-field set, per transport (XML-RPC,
   JSON-RPC, JSON-2): records/s of ``tap-odoo`` (a subprocess writing Singer messages to /dev/null) and of a
   bare loop making the same ``search_read`` calls (same fields, page size, keyset domains, context), their
   ratio, client CPU per record of each, and the object calls each made (counted by the sandbox). The
   sandbox runs with ``--real-cost``: every call lasts what the real Odoo 17 server took for it
   (sandbox/odoo/realcost.py, fitted to recordings/throughput.json). Goals: ratio >= 0.95 on JSON-RPC and
   JSON-2, >= 0.9 on XML-RPC; tap calls <= the bare loop's + one per model.
2. XML-RPC client CPU per record: the tap's transport against plain ``xmlrpc.client`` making the same calls
   (default field set; goal: the tap's <= stdlib's), with JSON-RPC and JSON-2 for reference.
3. Peak RSS of the tap (default field set, XML-RPC: the largest answers) at 10,000 and at all records,
   and at page size 5,000 per transport. Goal: < 250 MB.
4. Start-up (``tap-odoo --about``) and the virtual ``stock_levels`` stream (tap vs bare read loop).

Parts 2-4 use a second sandbox without ``--real-cost`` (CPU and memory do not depend on the server's speed).
Each sandbox runs in its own process, so server and client do not share a GIL.

    .venv/bin/python bench/tap_throughput.py                   # 200,000 products (the goal size)
    .venv/bin/python bench/tap_throughput.py --products 20000  # quick

Its figures replace this bench's section of docs/bench-results.md (with the date, the machine and the size);
`--no-record` only prints them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import typing as t
import xmlrpc.client
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from results import machine, section, section_name, write

from tap_odoo.client import OdooClient
from tap_odoo.paging import write_date_keyset
from tap_odoo.stock import QUANTITIES

BIN = Path(sys.executable).parent
API_KEY = "5a4d1f0c0ffee0d00a5a4d1f0c0ffee0d00a5a4d"  # the sandbox's fixed demo key for admin
DB, LOGIN, PASSWORD = "demo17", "admin", "admin"
MODEL = "product.product"
CONTEXT = {"lang": "en_US", "active_test": False}
PROTOCOLS = ("xmlrpc", "jsonrpc", "json2")
SMALL_FIELDS = [  # 16 named + id + write_date: the 18-field set
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


@dataclass
class Sandbox:
    """An ``odoo-sandbox odoo`` subprocess; ``calls()`` takes the object calls it counted since last asked."""

    proc: subprocess.Popen[str]
    url: str

    @classmethod
    def start(cls, products: int, real_cost: bool) -> Sandbox:
        command = [str(BIN / "odoo-sandbox"), "odoo", "--port", "0", "--products", str(products)]
        command += ["--version", "19.0"] + (["--real-cost"] if real_cost else [])
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
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
                return cls(proc, url)

    def calls(self) -> int:
        self.proc.send_signal(signal.SIGUSR1)
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the sandbox exited")
            if line.startswith("calls: "):
                return sum(json.loads(line[len("calls: ") :]).values())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@dataclass
class Run:
    """One measured pass: records, wall seconds, client CPU seconds, object calls, peak RSS (MiB)."""

    records: float
    wall: float
    cpu: float
    calls: int = 0
    sync: float = 0.0  # the tap's stream sync seconds (its METRIC)
    rss_mib: float = 0.0

    @property
    def rate(self) -> float:
        return self.records / (self.sync or self.wall)

    @property
    def cpu_us(self) -> float:
        return self.cpu / self.records * 1e6


def client_for(url: str, protocol: str) -> OdooClient:
    api_key = API_KEY if protocol == "json2" else None
    return OdooClient(
        url=url, database=DB, username=LOGIN, password=PASSWORD, api_key=api_key, protocol=protocol
    )


def bare_loop(sandbox: Sandbox, protocol: str, fields: list[str], page_size: int, limit_id: int) -> Run:
    """The tap's search_read calls without the tap, through the tap's own client and pager."""
    sandbox.calls()
    wall, cpu = time.perf_counter(), time.process_time()
    client = client_for(sandbox.url, protocol)
    client.check()

    def read(domain: list[t.Any], offset: int, order: str) -> list[dict[str, t.Any]]:
        return client.search_read(
            MODEL, domain, fields, offset=offset, limit=page_size, order=order, context=CONTEXT
        )

    count = sum(len(page) for page in write_date_keyset(read, [["id", "<=", limit_id]], None, page_size))
    run = Run(count, time.perf_counter() - wall, time.process_time() - cpu)
    client.close()
    run.calls = sandbox.calls()
    return run


def stdlib_loop(sandbox: Sandbox, fields: list[str], page_size: int, limit_id: int) -> Run:
    """The same calls with plain xmlrpc.client.ServerProxy (what a hand-written XML-RPC script does)."""
    wall, cpu = time.perf_counter(), time.process_time()
    uid = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/common").authenticate(DB, LOGIN, PASSWORD, {})
    models = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/object", use_builtin_types=True)

    def read(domain: list[t.Any], offset: int, order: str) -> list[dict[str, t.Any]]:
        kwargs = {"fields": fields, "offset": offset, "limit": page_size, "order": order, "context": CONTEXT}
        return t.cast(
            list[dict[str, t.Any]],
            models.execute_kw(DB, uid, PASSWORD, MODEL, "search_read", [domain], kwargs),
        )

    count = sum(len(page) for page in write_date_keyset(read, [["id", "<=", limit_id]], None, page_size))
    return Run(count, time.perf_counter() - wall, time.process_time() - cpu)


def tap_config(sandbox: Sandbox, protocol: str, page_size: int, fields: list[str] | None) -> dict[str, t.Any]:
    """The tap's config for product.product; ``fields`` None = the tap's default field set."""
    config: dict[str, t.Any] = {
        "url": sandbox.url,
        "database": DB,
        "username": LOGIN,
        "password": PASSWORD,
        "protocol": protocol,
        "models": [MODEL],
        "page_size": page_size,
        "stock_levels": False,
    }
    if fields is not None:
        config["fields"] = {MODEL: fields}
    if protocol == "json2":
        config["api_key"] = API_KEY
    return config


def tap_fields(sandbox: Sandbox, fields: list[str] | None, workdir: Path) -> list[str]:
    """The fields the tap reads for this config (its discovered schema): the bare loop reads the same."""
    path = workdir / "discover.json"
    path.write_text(json.dumps(tap_config(sandbox, "jsonrpc", 2000, fields)))
    done = subprocess.run(
        [str(BIN / "tap-odoo"), "--config", str(path), "--discover"],
        capture_output=True,
        text=True,
        check=True,
    )
    stream = next(s for s in json.loads(done.stdout)["streams"] if s["tap_stream_id"] == "product_product")
    return [name for name in stream["schema"]["properties"] if not name.startswith("_sdc_")]


def run_tap(
    sandbox: Sandbox,
    protocol: str,
    page_size: int,
    workdir: Path,
    fields: list[str] | None = None,
    limit_id: int | None = None,
    stream: str = "product_product",
) -> Run:
    """tap-odoo to /dev/null as a subprocess; ``fields`` None = the tap's default field set."""
    config = tap_config(sandbox, protocol, page_size, fields)
    if stream == "stock_levels":
        config |= {"models": [], "stock_levels": True}
    if limit_id:
        config["domains"] = {MODEL: [["id", "<=", limit_id]]}
    path = workdir / "config.json"
    path.write_text(json.dumps(config))
    errors = workdir / "stderr.log"
    sandbox.calls()
    with open(os.devnull, "w") as devnull, open(errors, "w") as err:
        usage = measured([str(BIN / "tap-odoo"), "--config", str(path)], workdir, devnull, err)
    calls = sandbox.calls()
    log = errors.read_text()
    if usage["status"] != 0:
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
    return Run(records, usage["wall"], usage["cpu"], calls=calls, sync=sync, rss_mib=usage["rss_kib"] / 1024)


def about(workdir: Path) -> tuple[float, float]:
    """Wall and CPU seconds of ``tap-odoo --about`` (start-up: imports and the CLI)."""
    with open(os.devnull, "w") as devnull:
        usage = measured([str(BIN / "tap-odoo"), "--about"], workdir, devnull, devnull)
    return usage["wall"], usage["cpu"]


# Runs a command and writes its wall time, CPU and peak RSS. The tap is started from this small process,
# not from the bench: Linux starts a child's peak RSS at its parent's (fork copies the counter and exec
# keeps it), so a tap started by the bench, which holds the bare loops' pages, would report the bench's peak.
MEASURE = """
import json, os, subprocess, sys, time
wall = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
result = {"status": os.waitstatus_to_exitcode(status), "wall": time.perf_counter() - wall}
result |= {"cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss}
with open(sys.argv[1], "w") as out:
    json.dump(result, out)
"""


def measured(command: list[str], workdir: Path, stdout: t.IO[str], stderr: t.IO[str]) -> dict[str, float]:
    """Wall seconds, CPU seconds, peak RSS (KiB) and exit status of ``command``, run through ``MEASURE``."""
    out = workdir / "usage.json"
    subprocess.run(
        [sys.executable, "-c", MEASURE, str(out), *command], stdout=stdout, stderr=stderr, check=True
    )
    return t.cast(dict[str, float], json.loads(out.read_text()))


def median_run(runs: list[Run]) -> Run:
    """The run of median rate (whole runs, so its CPU and calls go with its rate)."""
    return sorted(runs, key=lambda run: run.rate)[len(runs) // 2]


def ratio_goal(protocol: str) -> float:
    return 0.9 if protocol == "xmlrpc" else 0.95


def part_ratios(
    args: argparse.Namespace,
    sandbox: Sandbox,
    workdir: Path,
    field_sets: dict[str, tuple[list[str] | None, list[str]]],
) -> list[list[str]]:
    """Part 1; ``field_sets``: label -> (the tap's ``fields`` setting, the fields it then reads)."""
    rows = []
    limit = args.ratio_records
    kind = "plain sandbox (--no-real-cost)" if args.no_real_cost else "real-cost sandbox"
    print(f"[1] tap vs bare loop, {kind}, {limit:,} products, page_size {args.page_size}")
    for label, (asked, fields) in field_sets.items():
        for protocol in args.protocols:
            bare_runs, tap_runs = [], []
            for _ in range(args.repeat):  # interleaved
                bare_runs.append(bare_loop(sandbox, protocol, fields, args.page_size, limit))
                tap_runs.append(run_tap(sandbox, protocol, args.page_size, workdir, asked, limit))
                if tap_runs[-1].records != bare_runs[-1].records:
                    raise RuntimeError(
                        f"tap emitted {tap_runs[-1].records}, bare read {bare_runs[-1].records}"
                    )
            bare, tap = median_run(bare_runs), median_run(tap_runs)
            ratio = statistics.median(tr.rate for tr in tap_runs) / statistics.median(
                br.rate for br in bare_runs
            )
            whole = statistics.median(tr.records / tr.wall for tr in tap_runs) / statistics.median(
                br.rate for br in bare_runs
            )
            print(
                f"    {label:22s} {protocol:8s} tap {tap.rate:7.0f}/s  bare {bare.rate:7.0f}/s"
                f"  ratio {ratio:.2f} (whole process {whole:.2f}, goal >= {ratio_goal(protocol)})"
                f"  CPU/record tap {tap.cpu_us:6.1f} us bare {bare.cpu_us:6.1f} us"
                f"  calls tap {tap.calls} bare {bare.calls}"
            )
            rows.append(
                [
                    f"[1] {label}, {protocol}, {int(bare.records):,} records",
                    f"tap {tap.rate:,.0f}/s vs bare {bare.rate:,.0f}/s: **ratio {ratio:.2f}** (whole process "
                    f"{whole:.2f}); client CPU/record tap {tap.cpu_us:.0f} µs (whole process) vs bare "
                    f"{bare.cpu_us:.0f} µs; calls tap {tap.calls} vs bare {bare.calls}",
                    f"≥ {ratio_goal(protocol)}; calls ≤ {bare.calls + 1}",
                ]
            )
    return rows


def part_cpu(args: argparse.Namespace, sandbox: Sandbox, fields: list[str]) -> list[list[str]]:
    limit = args.cpu_records
    print(f"\n[2] client CPU per record, default fields, {limit:,} records (sandbox without real cost)")
    stdlib_loop(sandbox, fields, args.page_size, args.page_size)  # warm-up
    passes = range(min(args.repeat, 2))  # the least CPU of each: the one least disturbed by the machine
    ours = {
        protocol: min(
            (bare_loop(sandbox, protocol, fields, args.page_size, limit) for _ in passes), key=lambda r: r.cpu
        )
        for protocol in args.protocols
    }
    stdlib = min((stdlib_loop(sandbox, fields, args.page_size, limit) for _ in passes), key=lambda r: r.cpu)
    print(f"    xmlrpc.client (stdlib): {stdlib.cpu_us:7.1f} us CPU/record")
    cells = [f"xmlrpc.client {stdlib.cpu_us:.0f} µs"]
    for protocol, run in ours.items():
        print(f"    tap-odoo {protocol:8s}     : {run.cpu_us:7.1f} us CPU/record")
        cells.append(f"tap-odoo {protocol} {run.cpu_us:.0f} µs")
    xml = ours.get("xmlrpc")
    verdict = f" (XML-RPC {xml.cpu_us / stdlib.cpu_us:.2f} of stdlib)" if xml else ""
    return [
        [
            f"[2] client CPU per record, default fields, {limit:,} records",
            ", ".join(cells) + verdict,
            "tap XML-RPC ≤ stdlib",
        ]
    ]


def part_memory(args: argparse.Namespace, sandbox: Sandbox, workdir: Path) -> list[list[str]]:
    print("\n[3] tap-odoo peak RSS, default fields")
    small = run_tap(sandbox, "xmlrpc", args.page_size, workdir, limit_id=args.small)
    full = run_tap(sandbox, "xmlrpc", args.page_size, workdir)
    print(
        f"    xmlrpc, page {args.page_size}: {small.rss_mib:6.1f} MiB at {small.records:,.0f} records, "
        f"{full.rss_mib:6.1f} MiB at {full.records:,.0f}"
    )
    rows = [
        [
            f"[3] tap peak RSS (XML-RPC, page {args.page_size})",
            f"{small.rss_mib:.0f} MiB at {small.records:,.0f} records, "
            f"{full.rss_mib:.0f} MiB at {full.records:,.0f}",
            "< 250 MB, flat",
        ]
    ]
    cells = []
    for protocol in args.protocols:
        run = run_tap(sandbox, protocol, args.big_page_size, workdir, limit_id=args.small)
        print(
            f"    {protocol:8s} page {args.big_page_size}: {run.rss_mib:6.1f} MiB"
            f" at {run.records:,.0f} records"
        )
        cells.append(f"{protocol} {run.rss_mib:.0f} MiB")
    rows.append(
        [f"[3] tap peak RSS, page {args.big_page_size}, {args.small:,} records", ", ".join(cells), "< 250 MB"]
    )
    return rows


def bare_stock_loop(sandbox: Sandbox, protocol: str, page_size: int) -> tuple[int, float]:
    """stock_levels' calls without the tap: every storable product read per warehouse context."""
    client = client_for(sandbox.url, protocol)
    client.check()
    wall = time.perf_counter()
    storable = "is_storable" if "is_storable" in client.fields_get(MODEL, ["type"]) else "type"
    domain = [[storable, "=", True if storable == "is_storable" else "product"]]
    ids = client.search(MODEL, domain, order="id asc", context=CONTEXT)
    warehouses = client.search_read("stock.warehouse", [], ["code"], order="id asc", context=CONTEXT)
    key = "warehouse_id" if client.server_major >= 19 else "warehouse"  # 19 ignores 17's "warehouse"
    count = 0
    for first in range(0, len(ids), page_size):
        for warehouse in warehouses:
            chunk = ids[first : first + page_size]
            context = {**CONTEXT, key: warehouse["id"]}
            count += len(client.read(MODEL, chunk, ["default_code", *QUANTITIES], context=context))
    seconds = time.perf_counter() - wall
    client.close()
    return count, seconds


def part_startup_and_stock(args: argparse.Namespace, sandbox: Sandbox, workdir: Path) -> list[list[str]]:
    runs = [about(workdir) for _ in range(args.repeat)]
    wall, cpu = min(runs)
    print(f"\n[4] tap-odoo --about: {wall:.2f} s wall, {cpu:.2f} s CPU (best of {args.repeat})")
    rows = [
        [
            f"[4] start-up, `tap-odoo --about` (best of {args.repeat})",
            f"{wall:.2f} s wall, {cpu:.2f} s CPU",
            "",
        ]
    ]
    protocol = "jsonrpc" if "jsonrpc" in args.protocols else args.protocols[0]
    levels, seconds = bare_stock_loop(sandbox, protocol, args.stock_page_size)
    stock = run_tap(sandbox, protocol, args.stock_page_size, workdir, stream="stock_levels")
    if stock.records != levels:
        raise RuntimeError(f"stock_levels emitted {stock.records} records, the bare loop read {levels}")
    print(
        f"[4] stock_levels, {levels:,} levels, {protocol}: tap {stock.rate:,.0f}/s,"
        f" bare {levels / seconds:,.0f}/s"
    )
    rows.append(
        [
            f"[4] `stock_levels` ({levels:,} product x warehouse levels, {protocol})",
            f"tap {stock.rate:,.0f} records/s vs bare read loop {levels / seconds:,.0f}/s",
            "",
        ]
    )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--products", type=int, default=200_000, help="generated products (default 200000)")
    parser.add_argument("--ratio-records", type=int, default=10_000, help="records per run in part 1")
    parser.add_argument("--cpu-records", type=int, default=20_000, help="records per run in part 2")
    parser.add_argument("--small", type=int, default=10_000, help="record count of the small RSS runs")
    parser.add_argument("--page-size", type=int, default=2000)
    parser.add_argument(
        "--big-page-size", type=int, default=5000, help="page size of the RSS runs per transport"
    )
    parser.add_argument("--protocols", default=",".join(PROTOCOLS), help="transports, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved passes of tap and bare (median)")
    parser.add_argument("--stock-page-size", type=int, default=5000, help="products per read in part 4")
    parser.add_argument("--no-record", action="store_true", help="print only; leave docs/bench-results.md")
    parser.add_argument(
        "--no-real-cost", action="store_true", help="part 1 against the plain sandbox too (quick checks only)"
    )
    args = parser.parse_args()
    args.protocols = [name for name in args.protocols.split(",") if name]
    if not set(args.protocols) <= set(PROTOCOLS):
        parser.error(f"--protocols: choose among {', '.join(PROTOCOLS)}")
    started_at, machine_text = datetime.now(UTC), machine()
    started = time.perf_counter()
    logging.getLogger("tap_odoo.client").setLevel(logging.ERROR)  # the bare loops' notices, once per client
    plain = Sandbox.start(args.products, real_cost=False)
    real = plain if args.no_real_cost else Sandbox.start(args.products, real_cost=True)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            defaults, small = tap_fields(plain, None, workdir), tap_fields(plain, SMALL_FIELDS, workdir)
            field_sets = {
                f"default fields ({len(defaults)})": (None, defaults),
                f"18-field set ({len(small)} read)": (SMALL_FIELDS, small),  # + what the tap always adds
            }
            sets = ", ".join(field_sets)
            print(f"sandboxes: Odoo 19.0, {args.products:,} generated products; {MODEL}: {sets}")
            rows = part_ratios(args, real, workdir, field_sets)
            rows += part_cpu(args, plain, defaults)
            rows += part_memory(args, plain, workdir)
            rows += part_startup_and_stock(args, plain, workdir)
    finally:
        plain.stop()
        if real is not plain:
            real.stop()
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
    defaults: dict[str, t.Any] = {"products": 200_000, "ratio_records": 10_000, "cpu_records": 20_000}
    defaults |= {"small": 10_000, "page_size": 2000, "big_page_size": 5000, "protocols": list(PROTOCOLS)}
    defaults |= {"repeat": 3, "stock_page_size": 5000}
    command = ["bench/tap_throughput.py"]
    for name, default in defaults.items():
        value = getattr(args, name)
        if value != default:
            shown = ",".join(value) if isinstance(value, list) else str(value)
            command += [f"--{name.replace('_', '-')}", shown]
    if args.no_real_cost:
        command.append("--no-real-cost")
    full_size = args.products == defaults["products"] and not args.no_real_cost
    size = f"{args.products:,} generated products (Odoo 19 sandboxes), page size {args.page_size}" + (
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
        notes="[1] runs against `odoo-sandbox odoo --real-cost` (each call lasts what the recorded real "
        'Odoo 17 took for it: docs/sandbox-odoo.md, "Real-cost mode"); ratios are medians of interleaved '
        "runs, "
        "over the tap's stream sync (whole process incl. start-up and discovery in brackets). The bare loop "
        "makes the tap's own `search_read` calls through the tap's client and pager; calls are object calls "
        "counted by the sandbox. [2]-[4] use a second sandbox without real cost. Client CPU of the tap is "
        "its whole process (start-up included).",
    )


if __name__ == "__main__":
    sys.exit(main())
