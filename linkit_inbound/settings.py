"""Settings of the inbound service: a JSON file (`--config`), then environment variables over it.

Every problem is collected and reported at once, one line per setting, before anything listens. Secret
values (plugin keys, the Odoo password or API key, the ledger URL) are never echoed back.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PLUGINS = ("erp", "pos")
APPLY_MODES = ("atomic", "per_item")
MIN_KEY_LENGTH = 16
KEY_SHAPE = re.compile(r"^[\x21-\x7e]+$")  # visible ASCII: it travels in a header
DEFAULT_PORT = 8070
DEFAULT_MAX_BODY = 5 * 1024 * 1024
# Odoo settings for a service: a request should not hang for minutes on an Odoo that is down
ODOO_DEFAULTS: dict[str, Any] = {"protocol": "auto", "timeout": 60, "max_tries": 3, "backoff_factor": 1}
# environment variable -> (setting, where it goes); the Odoo ones are odoo-hub's names (docs/etl.md)
ENV: dict[str, tuple[str, str]] = {
    "LINKIT_ERP_PLUGIN_KEY": ("erp_plugin_key", "top"),
    "LINKIT_POS_PLUGIN_KEY": ("pos_plugin_key", "top"),
    "LINKIT_INBOUND_HOST": ("host", "top"),
    "LINKIT_INBOUND_PORT": ("port", "top"),
    "LINKIT_INBOUND_APPLY_MODE": ("apply_mode", "top"),
    "ODOO_HUB_LEDGER_URL": ("ledger_url", "top"),
    "ODOO_URL": ("url", "odoo"),
    "ODOO_DB": ("database", "odoo"),
    "ODOO_USERNAME": ("username", "odoo"),
    "ODOO_PASSWORD": ("password", "odoo"),
    "ODOO_API_KEY": ("api_key", "odoo"),
    "ODOO_PROTOCOL": ("protocol", "odoo"),
}
TOP_KEYS = {name for name, where in ENV.values() if where == "top"} | {"odoo", "max_body_bytes"}


class ConfigError(ValueError):
    """Invalid settings; ``problems`` holds one line per bad setting, each naming it."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid linkit-inbound settings:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Settings:
    """``odoo`` is target-odoo's config (url, database, username, password / api_key, protocol, company_id,
    lang, mapping_file, batch_size ...); ``source`` is always ``linkit``."""

    odoo: dict[str, Any] = field(repr=False)
    erp_plugin_key: str | None = field(default=None, repr=False)
    pos_plugin_key: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    ledger_url: str | None = field(default=None, repr=False)
    apply_mode: str = "atomic"
    max_body_bytes: int = DEFAULT_MAX_BODY

    def plugin_key(self, plugin: str) -> str | None:
        return self.erp_plugin_key if plugin == "erp" else self.pos_plugin_key

    def flow_config(self) -> dict[str, Any]:
        """What `target_odoo.flow.OdooFlow` takes."""
        fixed = {"source": "linkit", "ledger_url": self.ledger_url, "fail_on_dead_letters": False}
        return {"flow_name": "linkit-inbound", **self.odoo, **fixed}  # a refusal is answered, not raised


def _read_file(path: str | Path, problems: list[str]) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        problems.append(f"--config {path}: cannot be read ({exc.strerror})")
        return {}
    except json.JSONDecodeError as exc:
        problems.append(f"--config {path}: not JSON (line {exc.lineno}: {exc.msg})")
        return {}
    if not isinstance(data, dict):
        problems.append(f"--config {path}: must hold a JSON object")
        return {}
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        problems.append(
            f"--config {path}: unknown setting(s) {', '.join(unknown)} "
            f'(known: {", ".join(sorted(TOP_KEYS))}; Odoo settings go under "odoo")'
        )
    if not isinstance(data.get("odoo", {}), dict):
        problems.append(f"--config {path}: odoo must be an object of target-odoo settings")
        data["odoo"] = {}
    return data


def _key(raw: Any, setting: str, problems: list[str]) -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or not KEY_SHAPE.match(raw) or len(raw) < MIN_KEY_LENGTH:
        problems.append(
            f"{setting}: must be at least {MIN_KEY_LENGTH} visible ASCII characters without spaces "
            "(a random secret, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
        return None
    return raw


def _int(raw: Any, setting: str, low: int, high: int, problems: list[str]) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        problems.append(f"{setting}: {str(raw)[:20]!r} is not a whole number")
        return low
    if not low <= value <= high:
        problems.append(f"{setting}: must be {low}..{high}")
    return value


def _odoo_problems(odoo: Mapping[str, Any]) -> list[str]:
    from etl.target import ConfigError as TargetConfigError
    from target_odoo.target import check_config  # target-odoo's own checks (url, secret, protocol, mapping)

    problems = [
        f"odoo.{name} (env {env}): required"
        for name, env in (("url", "ODOO_URL"), ("database", "ODOO_DB"), ("username", "ODOO_USERNAME"))
        if not odoo.get(name)
    ]
    if problems:
        return problems
    try:
        check_config({**odoo, "source": "linkit"})
    except (TargetConfigError, ValueError, TypeError) as exc:
        problems.append(f"odoo: {exc} (env ODOO_URL, ODOO_PASSWORD / ODOO_API_KEY, or the config file)")
    return problems


def load_settings(
    config_file: str | Path | None = None,
    env: Mapping[str, str] | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    ledger_url: str | None = None,
) -> Settings:
    """The file's settings (``config_file``, else env LINKIT_INBOUND_CONFIG), the environment's over them,
    ``host`` / ``port`` / ``ledger_url`` (command line) over both."""
    env = os.environ if env is None else env
    problems: list[str] = []
    config_file = config_file or env.get("LINKIT_INBOUND_CONFIG") or None
    data = _read_file(config_file, problems) if config_file else {}
    odoo: dict[str, Any] = {**ODOO_DEFAULTS, **dict(data.get("odoo") or {})}
    top: dict[str, Any] = {k: v for k, v in data.items() if k != "odoo"}
    for var, (name, where) in ENV.items():
        if env.get(var):
            (odoo if where == "odoo" else top)[name] = env[var]
    if host:
        top["host"] = host
    if port is not None:
        top["port"] = port
    if ledger_url:
        top["ledger_url"] = ledger_url
    erp = _key(top.get("erp_plugin_key"), "erp_plugin_key (env LINKIT_ERP_PLUGIN_KEY)", problems)
    pos = _key(top.get("pos_plugin_key"), "pos_plugin_key (env LINKIT_POS_PLUGIN_KEY)", problems)
    if not (top.get("erp_plugin_key") or top.get("pos_plugin_key")):
        problems.append(
            "erp_plugin_key / pos_plugin_key (env LINKIT_ERP_PLUGIN_KEY / LINKIT_POS_PLUGIN_KEY): set at "
            "least one; the routes of a plugin without a key answer 503"
        )
    elif erp and pos and erp == pos:
        problems.append("erp_plugin_key and pos_plugin_key: must differ (each plugin has its own key)")
    apply_mode = str(top.get("apply_mode") or "atomic")
    if apply_mode not in APPLY_MODES:
        problems.append(f"apply_mode (env LINKIT_INBOUND_APPLY_MODE): one of {', '.join(APPLY_MODES)}")
    settings = Settings(
        odoo=odoo,
        erp_plugin_key=erp,
        pos_plugin_key=pos,
        host=str(top.get("host") or "127.0.0.1"),
        port=_int(top.get("port", DEFAULT_PORT), "port (env LINKIT_INBOUND_PORT)", 0, 65535, problems),
        ledger_url=str(top["ledger_url"]) if top.get("ledger_url") else None,
        apply_mode=apply_mode,
        max_body_bytes=_int(
            top.get("max_body_bytes", DEFAULT_MAX_BODY), "max_body_bytes", 1024, 100 * 1024 * 1024, problems
        ),
    )
    problems += _odoo_problems(odoo)
    if problems:
        raise ConfigError(problems)
    return settings
