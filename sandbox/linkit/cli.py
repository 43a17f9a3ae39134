"""`odoo-sandbox linkit`: serve the Linkit `/api/v1` sandbox until interrupted."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from types import FrameType

from sandbox.linkit import ANSWERS, AUTH_SCHEMES, ORDER_SHAPES, serve_linkit


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="odoo-sandbox linkit", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9100, help="port (default 9100, 0 = any free port)")
    parser.add_argument(
        "--api-token",
        default=os.environ.get("LINKIT_API_TOKEN", "sandbox-linkit-token"),
        help="token expected in Authorization (default $LINKIT_API_TOKEN or sandbox-linkit-token)",
    )
    parser.add_argument(
        "--auth-scheme",
        choices=AUTH_SCHEMES,
        default="bearer",
        help="bearer: 'Authorization: Bearer <token>' (default, as the Odoo addon sends); "
        "raw: 'Authorization: <token>'; either: both (G1)",
    )
    parser.add_argument(
        "--answers",
        choices=ANSWERS,
        default="minimal",
        help="minimal: only what the published contract shows (default); "
        "rich: per-item bulk results, organization/wallet in credentials, error codes (NOT the contract)",
    )
    parser.add_argument(
        "--order-shape", choices=ORDER_SHAPES, default="unified", help="orders read shape (G7)"
    )
    parser.add_argument(
        "--sku-id-rule", choices=("strict", "free"), default="strict", help="SKU iv_id rule in bulk (G11)"
    )
    parser.add_argument(
        "--offer-remote-id-visible", action="store_true", help="return and filter remote_offer_id (G15)"
    )
    parser.add_argument("--allow-overnight", action="store_true", help="accept close-before-open hours (G9)")
    parser.add_argument("--sort-updated", action="store_true", help="allow sort=updated / -updated (G6)")
    parser.add_argument("--suspended", action="store_true", help="start with billing suspended (403s)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each answer")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share of 429/503 answers (0..1)")
    parser.add_argument(
        "--error-codes", default="429,503", help="statuses used by --error-rate (default 429,503)"
    )
    parser.add_argument(
        "--retry-after", type=float, default=1.0, help="Retry-After seconds on those answers (<0: no header)"
    )
    parser.add_argument("--drop-rate", type=float, default=0.0, help="share of dropped connections (0..1)")
    parser.add_argument("--seed", type=int, help="seed of the fault dice (repeatable runs)")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print("odoo-sandbox linkit: --host must be a loopback address")
        return 2
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    sort_fields = ("created", "name_en", "updated") if args.sort_updated else ("created", "name_en")
    try:
        with serve_linkit(
            api_token=args.api_token,
            port=args.port,
            host=args.host,
            auth_scheme=args.auth_scheme,
            answers=args.answers,
            order_shape=args.order_shape,
            sku_id_rule=args.sku_id_rule,
            offer_remote_id_visible=args.offer_remote_id_visible,
            allow_overnight=args.allow_overnight,
            sort_fields=sort_fields,
        ) as sandbox:
            sandbox.faults.configure(
                latency=args.latency,
                error_rate=args.error_rate,
                error_codes=tuple(int(c) for c in str(args.error_codes).split(",") if c.strip()),
                retry_after=None if args.retry_after < 0 else args.retry_after,
                drop_rate=args.drop_rate,
                seed=args.seed,
            )
            sandbox.state.suspended = args.suspended
            print(
                f"Linkit sandbox on {sandbox.api_url} "
                f"({args.auth_scheme} auth; {args.answers} answers; Ctrl-C stops)",
                flush=True,
            )
            stop.wait()
    except ValueError as exc:
        print(f"odoo-sandbox linkit: {exc}")
        return 2
    return 0
