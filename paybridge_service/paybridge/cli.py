"""``paybridge`` console script: ``paybridge [serve]``, ``paybridge check``, ``paybridge contract``."""

from __future__ import annotations

import argparse
import json
import logging
import socket
import ssl
import sys

from .config import ConfigError, Settings, load_settings
from .web_ecr_contract import ContractError, load_contract

log = logging.getLogger("paybridge")


def _check(settings: Settings) -> list[str]:
    """Problems that need the files themselves: the TLS pair loads, the Web ECR contract parses."""
    problems: list[str] = []
    if settings.tls_cert and settings.tls_key:
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
                settings.tls_cert, settings.tls_key
            )
        except (ssl.SSLError, OSError) as exc:
            problems.append(
                f"PAYBRIDGE_TLS_CERT / PAYBRIDGE_TLS_KEY do not load as a PEM certificate and its key: {exc}"
            )
    if settings.mode == "geidea_web_ecr":
        try:
            load_contract(settings.web_ecr_contract)
        except ContractError as exc:
            problems.append(str(exc))
    return problems


def _bind(settings: Settings) -> socket.socket:
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on such sockets (else ~40 ms per response, Nagle)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(settings: Settings) -> int:
    import uvicorn

    from .app import create_app

    try:
        sock = _bind(settings)
    except OSError as exc:
        print(
            f"paybridge: cannot listen on {settings.host}:{settings.port} (PAYBRIDGE_LOCAL_BIND): {exc}",
            file=sys.stderr,
        )
        return 2
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(
        create_app(settings),
        ssl_certfile=str(settings.tls_cert),
        ssl_keyfile=str(settings.tls_key),
        access_log=False,  # our own access log leaves out query strings (the WebSocket ticket)
        log_config=None,
        lifespan="on",
        ws="websockets-sansio",  # the websockets package, Sans-I/O implementation
        ws_max_size=4096,  # clients send nothing on /events
    )
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    log.info(
        "paybridge %s mode listening on https://%s:%s (database %s)",
        settings.mode,
        shown,
        port,
        settings.db_path,
    )
    print(f"paybridge listening on https://{shown}:{port}", flush=True)
    server.run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="paybridge", description="Local payment-terminal service for the Odoo POS."
    )
    parser.add_argument(
        "command", nargs="?", default="serve", choices=["serve", "check", "contract"],
        help="serve (default); check = validate settings; contract = print the effective Web ECR contract",
    )  # fmt: skip
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    if args.command == "contract":
        try:
            settings_env = load_settings_or_none()
            contract = load_contract(settings_env.web_ecr_contract if settings_env else None)
        except ContractError as exc:
            print(f"paybridge: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(contract, indent=2))
        return 0
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"paybridge: {exc}", file=sys.stderr)
        return 2
    problems = _check(settings)
    if problems:
        print(f"paybridge: {ConfigError(problems)}", file=sys.stderr)
        return 2
    if args.command == "check":
        print(f"paybridge: settings OK ({settings.mode} mode, https://{settings.host}:{settings.port})")
        return 0
    return serve(settings)


def load_settings_or_none() -> Settings | None:
    """For ``paybridge contract``: use GEIDEA_WEB_ECR_CONTRACT even if other settings are not complete."""
    try:
        return load_settings()
    except ConfigError:
        import os
        from pathlib import Path

        raw = os.environ.get("GEIDEA_WEB_ECR_CONTRACT", "").strip()
        return (
            Settings(api_key="", tls_cert=None, tls_key=None, db_path=Path(), web_ecr_contract=Path(raw))
            if raw
            else None
        )


if __name__ == "__main__":
    sys.exit(main())
