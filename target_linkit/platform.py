"""What `odoo-hub` needs from target-linkit: settings from the environment, Linkit's connection check (health,
then the token), readiness against Linkit's branches, Linkit's SKU qty for drift, the adapter for `--fix` and
`retry`.

odoo-hub check --target linkit          (LINKIT_API_URL, LINKIT_API_TOKEN, optional LINKIT_* below; ODOO_*)
odoo-hub drift --target linkit [--fix]
odoo-hub retry --target linkit

Odoo's expected stock per product x branch is target-linkit's own rule (`stock.BranchStock` for the sum over
the branch's warehouses, the mapping's `linkit_qty` for floor, safety stock and never below 0): drift builds
the `skus` payload exactly as a sync would, and `--fix` sends it to `/skus/bulk` with the target's adapter.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.errors import StopRun
from etl.http import HttpClient, HttpError
from etl.ledger import Ledger
from etl.readiness import Issue, PlatformCheck
from target_linkit.adapter import LinkitAdapter, linkit_http
from target_linkit.mapping import DEFAULT_MAPPING
from target_linkit.stock import BranchStock, branch_of
from target_linkit.target import ConfigError, check_config

LOG = logging.getLogger("target_linkit.platform")
CHECK_RETRIES = 1  # the check answers quickly: one retry of a lost call, not a sync's patience
OK_BILLING = "active"


def _branches(value: str) -> dict[str, Any]:
    found = json.loads(value)
    if not isinstance(found, dict):
        raise ValueError("not a JSON object")
    return found


ENV: dict[str, tuple[str, Any]] = {
    "LINKIT_API_URL": ("api_url", str),
    "LINKIT_API_TOKEN": ("api_token", str),
    "LINKIT_ORGANIZATION_ID": ("organization_id", str),
    "LINKIT_AUTH_SCHEME": ("auth_scheme", str),
    "LINKIT_DEFAULT_BRANCH": ("default_branch", str),
    "LINKIT_BRANCHES": ("branches", _branches),
    "LINKIT_QUANTITY_FIELD": ("quantity_field", str),
    "LINKIT_SAFETY_STOCK": ("safety_stock", int),
}
VARIABLE = {name: var for var, (name, _) in ENV.items()}
EXAMPLES = {
    "LINKIT_BRANCHES": ' such as {"WH": "MAIN", "OLD": null}',
    "LINKIT_SAFETY_STOCK": " (whole units, e.g. 2)",
}


def _named(exc: ConfigError) -> str:
    """target-linkit's `setting <name>: ...` message, naming the environment variable instead."""
    return re.sub(r"^setting (\w+)", lambda m: VARIABLE.get(m[1], m[1]), str(exc))


def refused(exc: StopRun, config: Mapping[str, Any], call: str) -> tuple[str, str]:
    """(message, setting to fix) for a call Linkit refused or that never reached it; never the token."""
    if exc.status == 401:
        scheme = config.get("auth_scheme") or "bearer"
        return (
            f"Linkit refused LINKIT_API_TOKEN (HTTP 401 at {call}): the token is wrong, expired or revoked. "
            f"Copy the API token again from the Linkit dashboard (sent as LINKIT_AUTH_SCHEME={scheme}; "
            "a bare API key needs LINKIT_AUTH_SCHEME=raw)",
            "LINKIT_API_TOKEN",
        )
    if exc.status == 403 and config.get("organization_id"):
        return (
            f"Linkit answered HTTP 403 at {call}: the account is suspended (billing), or "
            "LINKIT_ORGANIZATION_ID is not an organization of this token. Run `odoo-hub check --target "
            "linkit` to see which",
            "LINKIT_ORGANIZATION_ID",
        )
    if exc.status == 403:
        return (
            f"Linkit answered HTTP 403 at {call}: the account is suspended (billing overdue) or the token "
            "may not use this route. Run `odoo-hub check --target linkit` for the billing status",
            "LINKIT_API_TOKEN",
        )
    return f"{exc} (at {call}: check LINKIT_API_URL, the Linkit /api/v1 base URL)", "LINKIT_API_URL"


def _health(http: HttpClient) -> PlatformCheck:
    """`GET /health` (no token needed): healthy or degraded answer 200, unhealthy 503 [health]."""
    try:
        resp = http.request("GET", "/health", ok_statuses=(503,), record=False)
    except StopRun as exc:
        message, setting = refused(exc, {}, "GET /health")
        return PlatformCheck(False, message, setting=setting)
    except HttpError as exc:
        return PlatformCheck(
            False,
            f"GET /health answered {exc.status or 'nothing'} {exc.message[:200]}: LINKIT_API_URL must be the "
            "Linkit /api/v1 base URL, e.g. https://linkit.works/api/v1",
            setting="LINKIT_API_URL",
        )
    try:
        body = resp.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(status := body.get("status"), str):
        return PlatformCheck(
            False,
            "GET /health did not answer Linkit's {status, version}: LINKIT_API_URL must be the Linkit "
            "/api/v1 base URL, e.g. https://linkit.works/api/v1",
            setting="LINKIT_API_URL",
        )
    health = f"{status} (version {body.get('version') or '?'}, {body.get('environment') or '?'})"
    if resp.status_code == 503 or status == "unhealthy":
        return PlatformCheck(
            False, f"Linkit reports itself {status} (GET /health, HTTP {resp.status_code}): try again later"
        )
    return PlatformCheck(True, "", {"health": health})


def _credentials(http: HttpClient, config: Mapping[str, Any], health: dict[str, Any]) -> PlatformCheck:
    """`GET /auth/credentials` [cred]: the token, the account's billing and whether the service runs."""
    try:
        body = http.call("GET", "/auth/credentials", record=False)
    except StopRun as exc:
        message, setting = refused(exc, config, "GET /auth/credentials")
        return PlatformCheck(False, message, health, setting)
    except HttpError as exc:
        return PlatformCheck(
            False,
            f"GET /auth/credentials answered {exc.status or 'nothing'} {exc.message[:200]}",
            health,
            "LINKIT_API_URL" if exc.status == 404 else None,
        )
    user = body.get("user") if isinstance(body, dict) else None
    if not isinstance(user, dict):
        return PlatformCheck(
            False,
            "GET /auth/credentials did not answer Linkit's {checked_at, user, billing}: check LINKIT_API_URL",
            health,
            "LINKIT_API_URL",
        )
    billing = body.get("billing") if isinstance(body.get("billing"), dict) else {}
    state = str(billing.get("status") or "not given")
    details = {
        **health,
        "user": f"{user.get('email') or user.get('name') or user.get('id')} ({user.get('type') or '?'})",
        "billing": state,
        "service": "not operational" if body.get("service_operational") is False else "operational",
    }
    organization = body.get("organization")
    if isinstance(organization, dict) and organization.get("id"):
        details["organization"] = f"{organization.get('name') or ''} ({organization['id']})".strip()
    if state == "suspended":
        return PlatformCheck(
            False,
            "the Linkit account is suspended (billing status: suspended): Linkit answers 403 to catalogue, "
            "stock and order calls until the billing is settled in the Linkit dashboard; nothing can be "
            "synced",
            details,
        )
    if body.get("service_operational") is False:
        return PlatformCheck(
            False,
            "Linkit says its service is not operational (service_operational: false): try later",
            details,
        )
    note = (
        "" if state in (OK_BILLING, "not given") else f"; billing status {state!r} (not 'active'): watch it"
    )
    return PlatformCheck(True, f"the token is valid{note}", details)


class LinkitPlatform:
    name = "linkit"
    default_mapping: Path = DEFAULT_MAPPING
    inventory_entity = "skus"

    def config_from_env(self, env: Mapping[str, str]) -> dict[str, Any]:
        for var, what in (
            ("LINKIT_API_URL", "the Linkit /api/v1 base URL, e.g. https://linkit.works/api/v1"),
            ("LINKIT_API_TOKEN", "the API token from the Linkit dashboard"),
        ):
            if not env.get(var):
                raise ValueError(f"environment variable {var} is not set ({what})")
        config: dict[str, Any] = {}
        for var, (name, kind) in ENV.items():
            if env.get(var):
                try:
                    config[name] = kind(env[var])
                except ValueError:
                    shown = "" if var == "LINKIT_API_TOKEN" else f" {env[var][:100]!r}"
                    raise ValueError(
                        f"environment variable {var}:{shown} is not a valid {name}{EXAMPLES.get(var, '')}"
                    ) from None
        try:
            check_config(config)
        except ConfigError as exc:
            raise ValueError(_named(exc)) from None
        return config

    def make_adapter(self, config: Mapping[str, Any], ledger: Ledger) -> LinkitAdapter:
        http = linkit_http(config)
        http.ledger, http.platform = (
            ledger,
            self.name,
        )  # every exchange is an event of the run (run_id: engine)
        return LinkitAdapter(http)

    # ------------------------------------------------------------ check
    def check_connection(self, config: Mapping[str, Any]) -> PlatformCheck:
        """Health first (no token), then the token: what the Linkit Odoo addon's connection test does."""
        with linkit_http({**config, "max_retries": CHECK_RETRIES, "concurrency": 1}) as http:
            health = _health(http)
            if not health.ok:
                return health
            return _credentials(http, config, health.details)

    def covered_warehouses(self, config: Mapping[str, Any]) -> list[str] | None:
        return None  # every warehouse is its own branch unless mapped: `readiness_issues` judges them

    def readiness_issues(self, client: Any, config: Mapping[str, Any]) -> list[Issue]:
        """Warehouses Linkit cannot take stock for: no code (and no default branch), a branch Linkit does not
        have, left out on purpose; and LINKIT_BRANCHES entries naming no Odoo warehouse."""
        warehouses = client.search_read("stock.warehouse", [], ["code", "name"], order="id asc")
        setting = config.get("branches") or {}
        no_branch: list[str] = []
        left_out: list[str] = []
        wanted: dict[str, list[str]] = {}
        for wh in warehouses:
            code = wh.get("code") or None
            label = f"{code or '<no code>'} ({wh.get('name')}, id {wh['id']})"
            if code is not None and code in setting and not setting[code]:
                left_out.append(label)
            elif branch := branch_of(config, code):
                wanted.setdefault(branch, []).append(label)
            else:
                no_branch.append(label)
        issues: list[Issue] = []
        if no_branch:
            issues.append(
                Issue(
                    "warehouse_without_branch",
                    "warning",
                    f"{len(no_branch)} warehouse(s) have no code and LINKIT_DEFAULT_BRANCH is not set: their "
                    "stock goes to the dead letters instead of Linkit",
                    "give each warehouse a Short Name (code) in Odoo equal to its Linkit branch iv_id, or "
                    "set LINKIT_DEFAULT_BRANCH (the target's default_branch)",
                    len(no_branch),
                    no_branch[:10],
                )
            )
        with linkit_http({**config, "max_retries": CHECK_RETRIES, "concurrency": 1}) as http:
            try:
                have = LinkitAdapter(http).branch_ids()
            except StopRun as exc:
                raise StopRun(refused(exc, config, "GET /branches")[0], status=exc.status) from None
        missing = {b: whs for b, whs in wanted.items() if b not in have}
        if missing:
            shown = [f"{', '.join(whs)} -> branch {b}" for b, whs in sorted(missing.items())]
            issues.append(
                Issue(
                    "branch_not_in_linkit",
                    "blocking",
                    f"{sum(len(w) for w in missing.values())} warehouse(s) map to a branch Linkit does not "
                    f"have ({', '.join(sorted(missing))}): the stock of every product there would be refused",
                    "create the branch in Linkit with that iv_id, or map the warehouse code to an existing "
                    'branch in LINKIT_BRANCHES (the target\'s branches), e.g. {"CHIC1": "MAIN"}; null leaves '
                    "it out",
                    len(shown),
                    shown[:10],
                )
            )
        codes = {str(w.get("code")) for w in warehouses if w.get("code")}
        unknown = sorted(str(c) for c in setting if c not in codes)
        if unknown:
            issues.append(
                Issue(
                    "unknown_warehouse_in_branches",
                    "warning",
                    f"LINKIT_BRANCHES names {len(unknown)} warehouse code(s) Odoo does not have",
                    "use the Short Name (code) of an Odoo warehouse as each key of LINKIT_BRANCHES",
                    len(unknown),
                    unknown[:10],
                )
            )
        if left_out:
            issues.append(
                Issue(
                    "warehouse_left_out",
                    "info",
                    f"{len(left_out)} warehouse(s) are left out by LINKIT_BRANCHES (null): their stock is "
                    "not sent",
                    "nothing to do if intended; map the code to a branch iv_id to send it",
                    len(left_out),
                    left_out[:10],
                )
            )
        return issues

    # ------------------------------------------------------------ drift
    def stock_records(self, rows: list[dict[str, Any]], config: Mapping[str, Any]) -> list[dict[str, Any]]:
        """One record per product x branch, summed by target-linkit's `BranchStock`; rows it cannot take are
        logged (readiness names their warehouses), rows of a warehouse left out on purpose are skipped."""
        sums = BranchStock(config)
        reasons = Counter(why for why in map(sums.add, rows) if why)
        for why, count in reasons.items():
            LOG.warning("linkit: %d Odoo stock row(s) not compared: %s", count, why)
        return sums.records()

    def stock_of(self, payload: Mapping[str, Any]) -> tuple[str, str, float]:
        return str(payload["product_iv_id"]), str(payload["branch_iv_id"]), float(payload["qty"])

    def fetch_stock(self, config: Mapping[str, Any], skus: list[str]) -> dict[tuple[str, str], float]:
        """(product iv_id, branch iv_id) -> Linkit's `qty`, every page of `GET /skus`, for these products."""
        wanted = set(skus)
        with linkit_http(config) as http:
            try:
                qty = LinkitAdapter(http).fetch_qty()
            except StopRun as exc:
                raise StopRun(refused(exc, config, "GET /skus")[0], status=exc.status) from None
        return {(p, b): float(q) for (p, b), q in qty.items() if p in wanted}


PLATFORM = LinkitPlatform()
