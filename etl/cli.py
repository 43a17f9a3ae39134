"""``odoo-hub``: operate the pipeline (check, history, stats, retry, drift). See docs/etl.md."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from etl import drift as drift_mod
from etl.errors import MappingFileError, PlatformUnavailable, StopRun
from etl.ledger import Ledger, default_ledger_url
from etl.mapping import Mapping as MappingFile
from etl.odoo_read import stock_rows
from etl.platforms import Platform, get_platform
from etl.progress import Progress
from etl.readiness import Issue, PlatformCheck, read_and_assess
from etl.sink import SyncEngine
from etl.text import shorten, strip_userinfo
from etl.validation import PayloadValidator

EXIT_OK, EXIT_PROBLEMS, EXIT_CONFIG, EXIT_STOPPED = 0, 1, 2, 3
CELL_LIMIT = 100  # characters of one table cell (a longer value is cut, saying how much was left out)
KEY_SHOWN = 60  # characters of a record key or SKU in a table
REASON_SHOWN = 90  # characters of a dead letter's reason in a table


class ConfigError(Exception):
    """A missing or wrong setting: the message names it."""


# ---------------------------------------------------------------- output


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    cells = [[("" if v is None else shorten(v, CELL_LIMIT)) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(out)


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    else:
        print(text)


def _fmt_time(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else str(value or "")


# ---------------------------------------------------------------- settings


def _setting(args: argparse.Namespace, attr: str, env: str, default: str | None = None) -> str | None:
    value = getattr(args, attr, None)
    return value if value not in (None, "") else os.environ.get(env) or default


def odoo_config(args: argparse.Namespace) -> dict[str, Any]:
    """Odoo settings from flags, then environment; the password / API key only from the environment."""
    cfg: dict[str, Any] = {
        "url": _setting(args, "odoo_url", "ODOO_URL"),
        "database": _setting(args, "odoo_db", "ODOO_DB"),
        "username": _setting(args, "odoo_username", "ODOO_USERNAME"),
        "protocol": _setting(args, "odoo_protocol", "ODOO_PROTOCOL", "auto"),
        "timeout": float(_setting(args, "odoo_timeout", "ODOO_TIMEOUT", "60") or 60),
        "max_tries": 3,
    }
    for key, flag, env in (
        ("url", "--odoo-url", "ODOO_URL"),
        ("database", "--odoo-db", "ODOO_DB"),
        ("username", "--odoo-username", "ODOO_USERNAME"),
    ):
        if not cfg[key]:
            raise ConfigError(f"{env} (or {flag}) is not set: the Odoo {key}")
    if os.environ.get("ODOO_API_KEY"):
        cfg["api_key"] = os.environ["ODOO_API_KEY"]
    elif os.environ.get("ODOO_PASSWORD"):
        cfg["password"] = os.environ["ODOO_PASSWORD"]
    else:
        raise ConfigError(
            "ODOO_PASSWORD or ODOO_API_KEY is not set (secrets are read from the environment only)"
        )
    return cfg


def odoo_client(args: argparse.Namespace) -> Any:
    from tap_odoo.client import OdooClient  # the tap's client: one way to talk to Odoo in the house

    try:
        return OdooClient.from_config(odoo_config(args))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def platform_of(args: argparse.Namespace, required: bool = True) -> Platform | None:
    name = _setting(args, "target", "ODOO_HUB_TARGET")
    if not name:
        if required:
            raise ConfigError("--target (or ODOO_HUB_TARGET) is not set: medusa, linkit or magento")
        return None
    try:
        return get_platform(name)
    except PlatformUnavailable as exc:
        raise ConfigError(str(exc)) from None


def mapping_of(args: argparse.Namespace, platform: Platform | None) -> MappingFile | None:
    path = _setting(args, "mapping", "ODOO_HUB_MAPPING")
    if not path and platform is None:
        return None
    try:
        return MappingFile.load(Path(path) if path else platform.default_mapping)  # type: ignore[union-attr]
    except MappingFileError as exc:
        raise ConfigError(str(exc)) from None


def platform_config(platform: Platform) -> dict[str, Any]:
    try:
        return platform.config_from_env(os.environ)
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"{platform.name} settings: {exc}") from None


def target_of(args: argparse.Namespace) -> tuple[Platform, MappingFile, dict[str, Any]]:
    """The ``--target`` platform, its mapping file and its settings from the environment."""
    platform = platform_of(args)
    assert platform is not None
    mapping = mapping_of(args, platform)
    assert mapping is not None
    return platform, mapping, platform_config(platform)


def ledger_of(args: argparse.Namespace) -> Ledger:
    return Ledger(_setting(args, "ledger", "ODOO_HUB_LEDGER_URL") or default_ledger_url())


def validator_of(platform: Platform) -> PayloadValidator:
    hook = getattr(platform, "validator", None)  # a platform whose schemas are not one per entity
    if callable(hook):
        return hook(platform_config(platform))
    return PayloadValidator(platform.name, getattr(platform, "schema_dir", None))


def engine_of(
    platform: Platform,
    mapping: MappingFile,
    config: dict[str, Any],
    ledger: Ledger,
    flow: str,
    force: bool = False,
) -> SyncEngine:
    try:
        return SyncEngine(
            platform=platform.name,
            mapping=mapping,
            adapter=platform.make_adapter(config, ledger),
            ledger=ledger,
            validator=validator_of(platform),
            flow=flow,
            config=config,
            force=force,
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def covered_warehouses(platform: Platform | None) -> list[str] | None:
    """Warehouse codes the platform's settings send, when it says (``covered_warehouses`` hook)."""
    hook = getattr(platform, "covered_warehouses", None)
    if platform is None or not callable(hook):
        return None
    try:
        config = platform.config_from_env(os.environ)
    except (KeyError, ValueError):
        return None  # the platform is not configured here: judge by the mapping file
    codes = hook(config)
    return ["*"] if codes is None else list(codes)


# ---------------------------------------------------------------- commands


def import_issues_of(platform: Platform | None, client: Any) -> list[Any]:
    """What would block writing INTO Odoo, for a platform that writes there (``import_issues`` hook)."""
    hook = getattr(platform, "import_issues", None)
    if platform is None or not callable(hook):
        return []
    return list(hook(client, platform_config(platform)))


def platform_connection(platform: Platform | None) -> PlatformCheck | None:
    """The platform's own connection check, for a platform that has one (``check_connection`` hook)."""
    hook = getattr(platform, "check_connection", None)
    if platform is None or not callable(hook):
        return None
    return hook(platform_config(platform))


def platform_issues(platform: Platform | None, client: Any) -> list[Issue]:
    """Readiness issues only the platform knows (``readiness_issues`` hook), scored with the others."""
    hook = getattr(platform, "readiness_issues", None)
    if platform is None or not callable(hook):
        return []
    return list(hook(client, platform_config(platform)))


def cmd_check(args: argparse.Namespace) -> int:
    platform = platform_of(args, required=False)
    mapping = mapping_of(args, platform)
    client = odoo_client(args)
    remote = platform_connection(platform)
    head: list[str] = []
    if remote is not None and platform is not None:
        title = f"{platform.name.capitalize()} connection: {'OK' if remote.ok else 'FAILED'}"
        head = [title, f"  {shorten(remote.message, 500)}"]
        head += [f"  {k:<13}{shorten(v, CELL_LIMIT)}" for k, v in remote.details.items()] + [""]
        if not remote.ok:
            emit(args, {"platform": remote.as_dict(), "ok": False}, "\n".join(head).rstrip())
            return EXIT_CONFIG if remote.setting else EXIT_PROBLEMS
    try:
        conn = client.check()
    except Exception as exc:  # OdooAuthError, transport errors: their messages carry no secret
        message = strip_userinfo(str(exc))
        data = {"connection": {"success": False, "message": message}, "ok": False}
        emit(args, data, "\n".join([*head, "Odoo connection: FAILED", f"  {shorten(message, 500)}"]))
        return EXIT_CONFIG
    connection = {
        "success": True,
        "message": "Connection successful",
        "odoo_version": conn.get("server_version"),
        "user_id": conn.get("uid"),
        "database": conn.get("database"),
        "protocol": conn.get("protocol"),
        "username": conn.get("username"),
        "url": strip_userinfo(str(conn.get("url") or "")) or None,
    }
    if conn.get("notice"):  # e.g. /jsonrpc on Odoo 19: deprecated, removed in 20; an API key gives JSON-2
        connection["notice"] = conn["notice"]
    readiness = read_and_assess(
        client,
        mapping,
        Progress(not args.quiet),
        covered_warehouses(platform),
        platform_issues(platform, client),
    )
    importing = import_issues_of(platform, client)
    blocked = readiness.blocking or any(i.severity == "blocking" for i in importing)
    data = {
        **({"platform": remote.as_dict()} if remote else {}),
        "connection": connection,
        "readiness": readiness.as_dict(),
        "import": [vars(i) for i in importing],
        "ok": not blocked,
    }
    lines = [*head, "Odoo connection: OK"]
    lines += [f"  {k:<13}{v}" for k, v in connection.items() if k not in ("success", "message")]
    lines.append("")
    lines.append(f"Readiness: score {readiness.score}/100" + (" - BLOCKED" if readiness.blocking else ""))
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in readiness.counts.items())
    lines.append(f"  read {counts}")
    for issue in readiness.issues:
        lines.append(f"  {issue.severity.upper():<9}{issue.code}: {shorten(issue.message, 300)}")
        if issue.examples:
            lines.append(f"  {'':<9}e.g. {'; '.join(shorten(e, KEY_SHOWN) for e in issue.examples[:5])}")
        lines.append(f"  {'':<9}fix: {issue.fix}")
    if not readiness.issues:
        lines.append("  no issues")
    if importing:
        lines.append("")
        lines.append("Import into Odoo" + (" - BLOCKED" if blocked else ""))
        for item in importing:
            lines.append(f"  {item.severity.upper():<9}{item.code}: {shorten(item.message, 300)}")
            if item.examples:
                lines.append(f"  {'':<9}e.g. {'; '.join(shorten(e, KEY_SHOWN) for e in item.examples[:5])}")
            lines.append(f"  {'':<9}fix: {item.fix}")
    emit(args, data, "\n".join(lines))
    return EXIT_PROBLEMS if blocked else EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    ledger = ledger_of(args)
    runs = ledger.history(limit=args.limit, platform=args.platform)
    data = [
        {
            "id": r.id,
            "flow": r.flow,
            "platform": r.platform,
            "status": r.status,
            "started_at": r.started_at.isoformat(),
            "finished_at": r.finished_at.isoformat() if r.finished_at else None,
            "sent": r.sent,
            "unchanged": r.unchanged,
            "failed": r.failed,
            "duration_ms": r.duration_ms,
        }
        for r in runs
    ]
    rows = [
        [
            r.id,
            r.flow,
            r.platform,
            r.status,
            _fmt_time(r.started_at),
            f"{(r.duration_ms or 0) / 1000:.1f}s",
            r.sent,
            r.unchanged,
            r.failed,
        ]
        for r in runs
    ]
    text = table(
        rows, ["RUN", "FLOW", "PLATFORM", "STATUS", "STARTED (UTC)", "TOOK", "SENT", "UNCHANGED", "FAILED"]
    )
    emit(args, data, text if runs else "no runs recorded yet")
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    stats = ledger_of(args).stats(args.platform)
    labels = {
        "total_syncs": "total syncs",
        "successful_syncs": "succeeded",
        "failed_syncs": "failed",
        "success_rate": "success rate %",
        "avg_duration_ms": "avg duration ms",
        "last_sync_at": "last sync",
        "products_with_odoo_id": "products with odoo id",
        "runs": "runs",
        "open_dead_letters": "open dead letters",
    }
    rows: list[list[Any]] = []
    for k, v in stats.items():
        if k == "bindings_per_entity":
            rows += [[f"bindings {name}", count] for name, count in v.items()]
        else:
            rows.append([labels.get(k, k), "-" if v is None else v])
    text = table(rows, ["FIGURE", "VALUE"])
    emit(args, stats, text)
    return EXIT_OK


def cmd_retry(args: argparse.Namespace) -> int:
    platform, mapping, config = target_of(args)
    ledger = ledger_of(args)
    letters = ledger.dead_letters(platform.name, run_id=args.run)
    if not letters:
        emit(args, {"retried": 0}, "no open dead letters" + (f" in run {args.run}" if args.run else ""))
        return EXIT_OK
    engine = engine_of(platform, mapping, config, ledger, "retry")
    summary = engine.retry_dead_letters(run_id=args.run)
    left = ledger.dead_letters(platform.name)
    data = {"retried": len(letters), **summary.as_dict(), "still_failing": [d.key for d in left]}
    lines = [
        f"retried {len(letters)} dead letter(s) in run {summary.run_id}: "
        f"{summary.sent} sent, {summary.failed} failed"
    ]
    if left:
        lines.append(
            table(
                [
                    [d.entity, shorten(d.key, KEY_SHOWN), d.attempts, shorten(d.reason, REASON_SHOWN)]
                    for d in left
                ],
                ["ENTITY", "KEY", "ATTEMPTS", "REASON"],
            )
        )
    emit(args, data, "\n".join(lines))
    return EXIT_PROBLEMS if summary.failed else EXIT_OK


def cmd_dead_letters(args: argparse.Namespace) -> int:
    letters = ledger_of(args).dead_letters(args.platform, run_id=args.run, include_resolved=args.all)
    data = [
        {
            "id": d.id,
            "run_id": d.run_id,
            "platform": d.platform,
            "entity": d.entity,
            "key": d.key,
            "attempts": d.attempts,
            "reason": d.reason,
            "last_tried_at": d.last_tried_at.isoformat(),
            "resolved": d.resolved_at is not None,
        }
        for d in letters
    ]
    rows = [
        [
            d.id,
            d.run_id,
            d.platform,
            d.entity,
            shorten(d.key, KEY_SHOWN),
            d.attempts,
            shorten(d.reason, REASON_SHOWN),
        ]
        for d in letters
    ]
    text = (
        table(rows, ["ID", "RUN", "PLATFORM", "ENTITY", "KEY", "ATTEMPTS", "REASON"]) if letters else "none"
    )
    emit(args, data, text)
    return EXIT_OK


def cmd_drift(args: argparse.Namespace) -> int:
    platform, mapping, config = target_of(args)
    entity = platform.inventory_entity
    mapping.entity(entity)
    client = odoo_client(args)
    progress = Progress(not args.quiet)
    rows = stock_rows(client, progress=progress)
    to_records = getattr(platform, "stock_records", None)
    records = to_records(rows, config) if callable(to_records) else rows
    stock_of = getattr(platform, "stock_of", drift_mod.default_stock_of)
    expected, errors = drift_mod.expected_stock(records, mapping, entity, config, stock_of)
    skus = sorted({e.sku for e in expected})
    platform_stock = platform.fetch_stock(config, skus)
    drifted = drift_mod.compare(expected, platform_stock, warning=args.warning, critical=args.critical)
    summary = drift_mod.summarize(drifted)
    bad = [r for r in drifted if r.status != "ok"]
    data: dict[str, Any] = {
        "summary": summary,
        "thresholds": {"warning": args.warning, "critical": args.critical},
        "rows": [r.as_dict() for r in (drifted if args.all else bad)],
        "unmapped": errors,
    }
    lines = [
        f"drift over {summary['total']} SKU x location: {summary['ok']} ok, {summary['warning']} warning, "
        f"{summary['critical']} critical, {summary['not_found']} not found"
    ]
    listed = drifted if args.all else bad
    order = {"critical": 0, "not_found": 1, "warning": 2, "ok": 3}
    shown = sorted(listed, key=lambda r: (order[r.status], r.sku, r.location))[: args.rows]
    if shown:
        lines.append(
            table(
                [
                    [
                        r.status.upper(),
                        shorten(r.sku, KEY_SHOWN),
                        shorten(r.location, KEY_SHOWN),
                        r.odoo_qty,
                        "-" if r.platform_qty is None else r.platform_qty,
                        "-" if r.diff is None else r.diff,
                    ]
                    for r in shown
                ],
                ["STATUS", "SKU", "LOCATION", "ODOO", "PLATFORM", "DIFF"],
            )
        )
    if len(listed) > len(shown):
        lines.append(f"... and {len(listed) - len(shown)} more (--rows N, or --json for all)")
    if errors:
        lines.append(f"{len(errors)} stock row(s) could not be mapped, e.g. {shorten(errors[0], 300)}")
    code = EXIT_PROBLEMS if bad else EXIT_OK
    if args.fix and bad:
        ledger = ledger_of(args)
        engine = engine_of(platform, mapping, config, ledger, "drift-fix", force=True)
        try:
            for r in bad:
                engine.process_entity(entity, r.record)
            fixed = engine.finish()
        except StopRun as exc:
            engine.abort(str(exc))  # the run is closed as stopped; main() prints why
            raise
        data["fix"] = fixed.as_dict()
        lines.append(f"--fix: re-pushed {fixed.sent} in run {fixed.run_id}, {fixed.failed} failed")
        code = EXIT_PROBLEMS if fixed.failed else EXIT_OK
    emit(args, data, "\n".join(lines))
    return code


def cmd_serve_linkit(args: argparse.Namespace) -> int:
    """The Linkit inbound service (docs/linkit-inbound.md); a wrong setting stops it at start (exit 2)."""
    from linkit_inbound import server, settings

    try:
        loaded = settings.load_settings(args.config, host=args.host, port=args.port, ledger_url=args.ledger)
        return server.serve(loaded)
    except settings.ConfigError as exc:
        raise ConfigError(str(exc)) from None


# ---------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of tables")
    common.add_argument("--ledger", help="SQLAlchemy URL of the ledger (env ODOO_HUB_LEDGER_URL)")
    common.add_argument("--quiet", "-q", action="store_true", help="no progress lines on stderr")
    common.add_argument("--verbose", "-v", action="store_true", help="log details on stderr")
    target = argparse.ArgumentParser(add_help=False)
    target.add_argument("--target", help="medusa | linkit | magento | module:ATTR (env ODOO_HUB_TARGET)")
    target.add_argument(
        "--mapping", help="your own mapping file instead of the target's (env ODOO_HUB_MAPPING)"
    )
    odoo = argparse.ArgumentParser(add_help=False)
    odoo.add_argument("--odoo-url", help="env ODOO_URL")
    odoo.add_argument("--odoo-db", help="env ODOO_DB")
    odoo.add_argument(
        "--odoo-username", help="env ODOO_USERNAME (password: env ODOO_PASSWORD or ODOO_API_KEY)"
    )
    odoo.add_argument(
        "--odoo-protocol", choices=["auto", "xmlrpc", "jsonrpc", "json2"], help="env ODOO_PROTOCOL"
    )
    odoo.add_argument("--odoo-timeout", help="seconds per Odoo request (env ODOO_TIMEOUT, default 60)")

    parser = argparse.ArgumentParser(prog="odoo-hub", description="Operate the Odoo Hub pipeline.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser(
        "check", parents=[common, target, odoo], help="test the Odoo connection, then readiness"
    )
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("history", parents=[common], help="recent runs from the ledger")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--platform")
    p.set_defaults(func=cmd_history)
    p = sub.add_parser("stats", parents=[common], help="sync statistics from the ledger")
    p.add_argument("--platform")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("retry", parents=[common, target], help="re-send dead letters through the target")
    p.add_argument("--run", type=int, help="only the dead letters of this run")
    p.set_defaults(func=cmd_retry)
    p = sub.add_parser("dead-letters", parents=[common], help="list dead letters")
    p.add_argument("--platform")
    p.add_argument("--run", type=int)
    p.add_argument("--all", action="store_true", help="include resolved ones")
    p.set_defaults(func=cmd_dead_letters)
    p = sub.add_parser("drift", parents=[common, target, odoo], help="compare Odoo stock with the platform's")
    p.add_argument("--warning", type=float, default=drift_mod.WARNING, help="warn above this difference")
    p.add_argument(
        "--critical", type=float, default=drift_mod.CRITICAL, help="critical above this difference"
    )
    p.add_argument("--fix", action="store_true", help="re-push the drifted SKUs")
    p.add_argument("--all", action="store_true", help="list SKUs without drift too")
    p.add_argument("--rows", type=int, default=50, help="rows listed in the table (default 50, worst first)")
    p.set_defaults(func=cmd_drift)
    serve = sub.add_parser("serve", help="run a service").add_subparsers(dest="service", required=True)
    p = serve.add_parser("linkit", parents=[common], help="the inbound routes Linkit's connector apps call")
    p.add_argument("--config", help="settings file (JSON; env LINKIT_INBOUND_CONFIG), environment over it")
    p.add_argument("--host", help="address to listen on (env LINKIT_INBOUND_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (env LINKIT_INBOUND_PORT, default 8070; 0: any free)")
    p.set_defaults(func=cmd_serve_linkit)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(message)s",
    )
    try:
        code = args.func(args)
    except ConfigError as exc:
        print(f"odoo-hub {args.command}: {shorten(strip_userinfo(str(exc)), 1000)}", file=sys.stderr)
        code = EXIT_CONFIG
    except MappingFileError as exc:
        print(f"odoo-hub {args.command}: {shorten(strip_userinfo(str(exc)), 1000)}", file=sys.stderr)
        code = EXIT_CONFIG
    except StopRun as exc:  # the platform refused the credential or cannot be reached (as in the targets)
        print(f"odoo-hub {args.command}: {shorten(strip_userinfo(str(exc)), 1000)}", file=sys.stderr)
        code = EXIT_STOPPED
    sys.exit(code)
