"""Settings validation and the ``paybridge`` command (real subprocesses)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from paybridge.config import ConfigError, load_settings

from .conftest import Tls

SECRET = "super-secret-key-that-must-not-leak"


def _env(tls: Tls, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "PAYBRIDGE_TLS_CERT": str(tls.cert),
        "PAYBRIDGE_TLS_KEY": str(tls.key),
        "PAYBRIDGE_LOCAL_API_KEY": SECRET,
        "PAYBRIDGE_DB_PATH": str(tmp_path / "pb.sqlite3"),
        **extra,
    }


def test_defaults_follow_the_seed(tls: Tls, tmp_path: Path) -> None:
    settings = load_settings(
        _env(tls, tmp_path, PAYBRIDGE_CORS_ORIGINS="http://127.0.0.1:8069, http://localhost:8069")
    )
    assert (settings.host, settings.port, settings.mode) == ("127.0.0.1", 9443, "mock")
    assert settings.web_ecr_url == "http://localhost:5000"
    assert settings.cors_origins == ("http://127.0.0.1:8069", "http://localhost:8069")
    assert settings.require_odoo_session is False
    assert SECRET not in repr(settings)


def test_every_problem_is_reported_with_its_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(
            {
                "PAYBRIDGE_MODE": "geidea",
                "PAYBRIDGE_LOCAL_BIND": "0.0.0.0:9443",
                "PAYBRIDGE_CORS_ORIGINS": "*,https://odoo.example.com/web",
                "PAYBRIDGE_REQUIRE_ODOO_SESSION": "maybe",
                "PAYBRIDGE_PAYMENT_TIMEOUT_S": "soon",
                "GEIDEA_WEB_ECR_URL": "localhost:5000",
            }
        )
    text = str(exc.value)
    for name in (
        "PAYBRIDGE_MODE", "PAYBRIDGE_LOCAL_API_KEY", "PAYBRIDGE_LOCAL_BIND", "PAYBRIDGE_ALLOW_NON_LOOPBACK",
        "PAYBRIDGE_TLS_CERT", "PAYBRIDGE_TLS_KEY", "PAYBRIDGE_CORS_ORIGINS", "PAYBRIDGE_REQUIRE_ODOO_SESSION",
        "PAYBRIDGE_PAYMENT_TIMEOUT_S", "GEIDEA_WEB_ECR_URL",
    ):  # fmt: skip
        assert name in text, name
    assert len(exc.value.problems) == 10  # "*" and the origin with a path are two problems


def test_non_loopback_needs_opt_in_and_web_ecr_needs_terminal_and_strong_key(
    tls: Tls, tmp_path: Path
) -> None:
    opted_in = load_settings(
        _env(tls, tmp_path, PAYBRIDGE_LOCAL_BIND="0.0.0.0:9443", PAYBRIDGE_ALLOW_NON_LOOPBACK="1")
    )
    assert opted_in.host == "0.0.0.0"  # noqa: S104 - the explicit opt-in under test
    with pytest.raises(ConfigError) as exc:
        load_settings(_env(tls, tmp_path, PAYBRIDGE_MODE="geidea_web_ecr", PAYBRIDGE_LOCAL_API_KEY="dev"))
    assert "GEIDEA_WEB_ECR_TERMINAL_ID" in str(exc.value)
    assert "shorter than 16" in str(exc.value)
    assert "'dev'" not in str(exc.value)


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PAYBRIDGE_", "GEIDEA_"))}
    return subprocess.run(
        [sys.executable, "-m", "paybridge.cli", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_check_fails_at_start_naming_the_setting(tls: Tls, tmp_path: Path) -> None:
    missing = _run(["check"], {"PAYBRIDGE_LOCAL_API_KEY": SECRET})
    assert missing.returncode == 2
    assert "PAYBRIDGE_TLS_CERT is not set" in missing.stderr
    assert "gen-dev-tls.sh" in missing.stderr

    swapped = _run(
        ["check"], _env(tls, tmp_path, PAYBRIDGE_TLS_CERT=str(tls.key), PAYBRIDGE_TLS_KEY=str(tls.cert))
    )
    assert swapped.returncode == 2
    assert "do not load" in swapped.stderr

    contract = tmp_path / "contract.json"
    contract.write_text('{"sale": {"path": "no-slash"}}')
    web_ecr = _env(
        tls, tmp_path, PAYBRIDGE_MODE="geidea_web_ecr", GEIDEA_WEB_ECR_TERMINAL_ID="T1",
        GEIDEA_WEB_ECR_CONTRACT=str(contract),
    )  # fmt: skip
    bad_contract = _run(["check"], web_ecr)
    assert bad_contract.returncode == 2
    assert "'sale'" in bad_contract.stderr

    good = _run(["check"], _env(tls, tmp_path))
    assert good.returncode == 0, good.stderr
    assert "settings OK" in good.stdout
    for result in (missing, swapped, bad_contract, good):
        assert SECRET not in result.stdout + result.stderr


def test_cli_contract_prints_the_effective_contract(tmp_path: Path) -> None:
    contract = tmp_path / "contract.json"
    contract.write_text('{"sale": {"path": "/ecr/sale"}, "status_values": {"OKAY": "approved"}}')
    result = _run(["contract"], {"GEIDEA_WEB_ECR_CONTRACT": str(contract)})
    assert result.returncode == 0, result.stderr
    assert '"path": "/ecr/sale"' in result.stdout
    assert '"OKAY": "approved"' in result.stdout
    assert '"APPROVED": "approved"' in result.stdout  # defaults kept
