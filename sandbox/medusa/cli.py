"""`odoo-sandbox medusa`: serve the MarqaSouq/Medusa sandbox until interrupted."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from types import FrameType

from sandbox.medusa import ANSWERS, serve_medusa


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="odoo-sandbox medusa", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9000, help="port (default 9000, 0 = any free port)")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("MEDUSA_API_KEY", "sandbox-medusa-key"),
        help="value expected in x-odoo-api-key (default $MEDUSA_API_KEY or sandbox-medusa-key)",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of 429/503 answers (0..1)")
    parser.add_argument(
        "--error-codes", default="429,503", help="statuses used by --error-rate (default 429,503)"
    )
    parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds on those answers")
    parser.add_argument("--drop-rate", type=float, default=0.0, help="share of dropped connections (0..1)")
    parser.add_argument("--seed", type=int, help="seed of the fault dice (repeatable runs)")
    parser.add_argument("--orders", type=int, default=0, help="seed this many storefront orders")
    parser.add_argument(
        "--answers",
        choices=ANSWERS,
        default="seed",
        help="seed: answer exactly as seed 002 shows (default); "
        "rich: also list failed bulk items, order metadata flags etc. (NOT the contract)",
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print("odoo-sandbox medusa: --host must be a loopback address")
        return 2
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        with serve_medusa(
            api_key=args.api_key, port=args.port, host=args.host, answers=args.answers
        ) as sandbox:
            sandbox.faults.configure(
                latency=args.latency,
                error_rate=args.error_rate,
                error_codes=tuple(int(c) for c in str(args.error_codes).split(",") if c.strip()),
                retry_after=args.retry_after,
                drop_rate=args.drop_rate,
                seed=args.seed,
            )
            for _ in range(args.orders):
                sandbox.state.add_order()
            print(
                f"Medusa sandbox on {sandbox.url} "
                f"(header x-odoo-api-key; {args.answers} answers; Ctrl-C stops)",
                flush=True,
            )
            stop.wait()
    except ValueError as exc:
        print(f"odoo-sandbox medusa: {exc}")
        return 2
    return 0
