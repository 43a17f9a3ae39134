"""Settings read from the environment (seed 000, "Paybridge environment variables").

Every problem is collected and reported at once, one line per setting, before anything starts.
Secret values are never echoed back in messages.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

MODES = ("mock", "geidea_web_ecr")
DEFAULT_BIND = "127.0.0.1:9443"
DEFAULT_WEB_ECR_URL = "http://localhost:5000"
MIN_PRODUCTION_KEY_LENGTH = 16
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """Invalid settings; ``problems`` holds one readable line per bad setting."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid Paybridge settings:\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Settings:
    api_key: str
    tls_cert: Path | None
    tls_key: Path | None
    db_path: Path
    host: str = "127.0.0.1"
    port: int = 9443
    mode: str = "mock"
    terminal_id: str = ""
    cors_origins: tuple[str, ...] = ()
    require_odoo_session: bool = False
    web_ecr_url: str = DEFAULT_WEB_ECR_URL
    web_ecr_contract: Path | None = None
    web_ecr_timeout_s: float = 10.0
    payment_timeout_s: float = 120.0
    poll_interval_s: float = 0.5
    start_wait_s: float = 5.0
    mock_delay_ms: int = 3000
    max_body_bytes: int = 16 * 1024
    ticket_ttl_s: float = 60.0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def default_terminal_id(self) -> str:
        return self.terminal_id or ("MOCK-0001" if self.mode == "mock" else "")

    def __repr__(self) -> str:  # keep the key out of any log or traceback
        return (
            f"Settings(mode={self.mode!r}, bind={self.host}:{self.port}, db={str(self.db_path)!r}, key=***)"
        )


def default_db_path(env: Mapping[str, str]) -> Path:
    """%PROGRAMDATA%\\Paybridge on Windows, $XDG_STATE_HOME/paybridge (or ~/.local/state) elsewhere."""
    if sys.platform == "win32":
        base = Path(env.get("PROGRAMDATA", r"C:\ProgramData")) / "Paybridge"
    else:
        base = Path(env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "paybridge"
    return base / "paybridge.sqlite3"


def _flag(env: Mapping[str, str], name: str, problems: list[str]) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw not in FALSE_WORDS:
        problems.append(f"{name}={env[name]!r} is not a yes/no value: use 1 or 0")
    return False


def _number(
    env: Mapping[str, str], name: str, default: float, low: float, high: float, problems: list[str]
) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        problems.append(f"{name}={raw!r} is not a number: give a value between {low:g} and {high:g}")
        return default
    if not low <= value <= high:
        problems.append(f"{name}={raw!r} is out of range: give a value between {low:g} and {high:g}")
        return default
    return value


def _parse_bind(raw: str, allow_public: bool, problems: list[str]) -> tuple[str, int]:
    host, sep, port_text = raw.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port_text.isdigit() or int(port_text) > 65535:
        problems.append(f"PAYBRIDGE_LOCAL_BIND={raw!r} is not HOST:PORT: use e.g. {DEFAULT_BIND}")
        return "127.0.0.1", 9443
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        problems.append(f"PAYBRIDGE_LOCAL_BIND host {host!r} is not an IP address: use 127.0.0.1 (or ::1)")
        return "127.0.0.1", int(port_text)
    if not loopback and not allow_public:
        problems.append(
            f"PAYBRIDGE_LOCAL_BIND={raw!r} is not a loopback address: the POS browser runs on this PC, "
            "so bind 127.0.0.1; to really listen on the network set PAYBRIDGE_ALLOW_NON_LOOPBACK=1"
        )
    return host, int(port_text)


def _parse_origins(raw: str, problems: list[str]) -> tuple[str, ...]:
    origins: list[str] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        parts = urlsplit(item)
        if (
            item == "*"
            or parts.scheme not in ("http", "https")
            or not parts.netloc
            or parts.path not in ("", "/")
        ):
            problems.append(
                f"PAYBRIDGE_CORS_ORIGINS entry {item!r} is not an origin: list scheme://host[:port] values, "
                "e.g. https://odoo.example.com,http://localhost:8069 (no '*', no path)"
            )
            continue
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return tuple(origins)


def _tls_path(env: Mapping[str, str], name: str, problems: list[str]) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        problems.append(
            f"{name} is not set: the browser needs HTTPS; make a dev certificate with scripts/gen-dev-tls.sh "
            "(or mkcert) and give the PEM path"
        )
        return None
    path = Path(raw)
    if not path.is_file():
        problems.append(f"{name}={raw!r}: no such file")
    return path


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build and validate :class:`Settings`; raise :class:`ConfigError` listing every problem."""
    env = os.environ if env is None else env
    problems: list[str] = []

    mode = env.get("PAYBRIDGE_MODE", "mock").strip() or "mock"
    if mode not in MODES:
        problems.append(f"PAYBRIDGE_MODE={mode!r} is unknown: use one of {', '.join(MODES)}")

    api_key = env.get("PAYBRIDGE_LOCAL_API_KEY", "")
    if not api_key.strip():
        problems.append(
            "PAYBRIDGE_LOCAL_API_KEY is not set: give the shared secret also entered in Odoo "
            "(Settings → Paybridge → API key)"
        )
    elif mode == "geidea_web_ecr" and len(api_key) < MIN_PRODUCTION_KEY_LENGTH:
        problems.append(
            f"PAYBRIDGE_LOCAL_API_KEY is shorter than {MIN_PRODUCTION_KEY_LENGTH} characters: a real "
            'terminal needs a random key, e.g. `python -c "import secrets; print(secrets.token_urlsafe(32))"`'
        )

    allow_public = _flag(env, "PAYBRIDGE_ALLOW_NON_LOOPBACK", problems)
    host, port = _parse_bind(
        env.get("PAYBRIDGE_LOCAL_BIND", DEFAULT_BIND).strip() or DEFAULT_BIND, allow_public, problems
    )
    tls_cert = _tls_path(env, "PAYBRIDGE_TLS_CERT", problems)
    tls_key = _tls_path(env, "PAYBRIDGE_TLS_KEY", problems)

    terminal_id = env.get("GEIDEA_WEB_ECR_TERMINAL_ID", "").strip()
    if mode == "geidea_web_ecr" and not terminal_id:
        problems.append("GEIDEA_WEB_ECR_TERMINAL_ID is not set: give the terminal id (TID) printed by Geidea")

    web_ecr_url = (env.get("GEIDEA_WEB_ECR_URL", "").strip() or DEFAULT_WEB_ECR_URL).rstrip("/")
    url_parts = urlsplit(web_ecr_url)
    if url_parts.scheme not in ("http", "https") or not url_parts.netloc:
        problems.append(
            f"GEIDEA_WEB_ECR_URL={web_ecr_url!r} is not an http(s) URL: default is {DEFAULT_WEB_ECR_URL}"
        )

    contract_raw = env.get("GEIDEA_WEB_ECR_CONTRACT", "").strip()
    contract = Path(contract_raw) if contract_raw else None
    if contract is not None and not contract.is_file():
        problems.append(f"GEIDEA_WEB_ECR_CONTRACT={contract_raw!r}: no such file (a JSON file, see README)")

    db_raw = env.get("PAYBRIDGE_DB_PATH", "").strip()
    db_path = Path(db_raw) if db_raw else default_db_path(env)
    if db_path.exists() and db_path.is_dir():
        problems.append(f"PAYBRIDGE_DB_PATH={str(db_path)!r} is a directory: give a file path")

    settings = Settings(
        api_key=api_key,
        tls_cert=tls_cert,
        tls_key=tls_key,
        db_path=db_path,
        host=host,
        port=port,
        mode=mode,
        terminal_id=terminal_id,
        cors_origins=_parse_origins(env.get("PAYBRIDGE_CORS_ORIGINS", ""), problems),
        require_odoo_session=_flag(env, "PAYBRIDGE_REQUIRE_ODOO_SESSION", problems),
        web_ecr_url=web_ecr_url,
        web_ecr_contract=contract,
        web_ecr_timeout_s=_number(env, "GEIDEA_WEB_ECR_TIMEOUT_S", 10.0, 0.1, 300, problems),
        payment_timeout_s=_number(env, "PAYBRIDGE_PAYMENT_TIMEOUT_S", 120.0, 0.1, 1800, problems),
        poll_interval_s=_number(env, "PAYBRIDGE_POLL_INTERVAL_S", 0.5, 0.01, 30, problems),
        start_wait_s=_number(env, "PAYBRIDGE_START_WAIT_S", 5.0, 0, 60, problems),
        mock_delay_ms=int(_number(env, "PAYBRIDGE_MOCK_DELAY_MS", 3000, 0, 600_000, problems)),
        max_body_bytes=int(_number(env, "PAYBRIDGE_MAX_BODY_BYTES", 16 * 1024, 256, 1024 * 1024, problems)),
    )
    if problems:
        raise ConfigError(problems)
    return settings
