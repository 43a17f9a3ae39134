"""`odoo-sandbox odoo [options]`: serve the Odoo sandbox until Ctrl-C / SIGTERM."""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import threading
from types import FrameType

from sandbox.odoo import realcost
from sandbox.odoo.server import OdooSandbox, start


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="odoo-sandbox odoo",
        description="A loopback Odoo speaking XML-RPC, JSON-RPC and (with --version 19.0) JSON-2, "
        "seeded with real Odoo 17 recordings plus N generated products.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8069, help="port (default 8069; 0 = any free port)")
    parser.add_argument(
        "--products", type=int, default=0, help="generated products on top of the recorded ones"
    )
    parser.add_argument(
        "--version", default="17.0", help="Odoo version to report, 15.0 .. 19.0 (default 17.0)"
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every request")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of requests answered 429/503")
    parser.add_argument(
        "--error-codes", default="429,503", help="statuses used by --error-rate (default 429,503)"
    )
    parser.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on those answers")
    parser.add_argument(
        "--drop-rate", type=float, default=0.0, help="share of requests whose socket is closed"
    )
    parser.add_argument(
        "--churn",
        type=float,
        default=0.0,
        help="product writes per second in the background (concurrent writes)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated data, faults and churn")
    parser.add_argument(
        "--real-cost",
        action="store_true",
        help="answer object calls as slowly as the recorded real Odoo 17 (per call, per record and field)",
    )
    args = parser.parse_args(argv)
    for name in ("error_rate", "drop_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            parser.error(f"--{name.replace('_', '-')} must be between 0 and 1")
    if args.products < 0:
        parser.error("--products must be >= 0")
    if args.latency < 0 or args.churn < 0:
        parser.error("--latency and --churn must be >= 0")
    try:
        args.error_codes = tuple(int(c) for c in args.error_codes.split(",") if c.strip())
    except ValueError:
        parser.error("--error-codes must be a comma-separated list of HTTP statuses, e.g. 429,503")
    return args


def churn_step(sb: OdooSandbox, rng: random.Random) -> str:
    """One concurrent change: mostly a price bump or rename, sometimes a new, archived or deleted product."""
    store = sb.store
    table = store.tables["product.product"]
    with store.lock:
        pid = next(table.iter_by_id(start=rng.randint(1, max(table.next_id - 1, 1))), None)
        roll = rng.random()
        if pid is None or roll < 0.05:
            new = store.create("product.product", {"name": "Churn product", "list_price": rng.randint(1, 99)})
            store.write("product.product", [new], {"default_code": f"CHURN-{new}"})
            return "create"
        if roll < 0.10:
            active = bool(store.value("product.product", pid, "active"))
            store.write("product.product", [pid], {"active": not active})
            return "archive" if active else "unarchive"
        if roll < 0.13:
            store.unlink("product.product", [pid])
            return "unlink"
        vals: dict[str, object] = {"list_price": round(rng.uniform(1, 500), 2)}
        if rng.random() < 0.2:
            vals["name"] = f"Renamed product {pid}"
        store.write("product.product", [pid], vals)
        return "write"


def churn(sb: OdooSandbox, rate: float, seed: int, stop: threading.Event) -> None:
    """`rate` changes per second on products (see `churn_step`) while clients read, until `stop`."""
    rng = random.Random(seed)
    while not stop.wait(1.0 / rate):
        churn_step(sb, rng)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        sb = OdooSandbox(products=args.products, version=args.version, seed=args.seed)
    except ValueError as exc:
        print(f"odoo-sandbox odoo: --version / --products: {exc}", file=sys.stderr)
        return 2
    sb.faults.configure(
        latency=args.latency,
        error_rate=args.error_rate,
        error_codes=args.error_codes,
        retry_after=args.retry_after,
        drop_rate=args.drop_rate,
        seed=args.seed,
    )
    rates = realcost.install(sb) if args.real_cost else None
    try:
        server, thread = start(sb, args.host, args.port)
    except OSError as exc:
        print(
            f"odoo-sandbox odoo: cannot listen on {args.host}:{args.port} ({exc}); try --port 0",
            file=sys.stderr,
        )
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    def on_report(signum: int, frame: FrameType | None) -> None:
        counts = sb.calls.take()
        calls = {f"{model} {method}": count for (model, method), count in sorted(counts.items())}
        print(f"calls: {json.dumps(calls)}", flush=True)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGUSR1, on_report)  # benches count a run's calls: print them and start over
    if args.churn:
        threading.Thread(target=churn, args=(sb, args.churn, args.seed, stop), daemon=True).start()
    users = sb.users
    print(f"Odoo {sb.version} sandbox on {sb.url}  database {sb.db}", flush=True)
    admin, demo = users["admin"], users["demo"]
    print(f"  login admin/{admin['password']} (uid {admin['uid']}, full rights)", flush=True)
    print(f"  login demo/{demo['password']} (uid {demo['uid']}, read-only)", flush=True)
    print("  JSON-2 / API keys: the fixed demo keys of docs/sandbox-odoo.md", flush=True)
    if rates is not None:
        print(
            f"  real cost (recordings/throughput.json): {rates.call * 1e3:.1f} ms per call; a read also "
            f"{rates.record * 1e6:.0f} us + {rates.record_per_field * 1e6:.1f} us per field, per record",
            flush=True,
        )
    print(f"  products: {sb.store.tables['product.product'].count()}  (Ctrl-C to stop)", flush=True)
    stop.wait()
    server.stop()
    thread.join(timeout=5)
    print("stopped", flush=True)
    return 0
