"""TapMedusa: MarqaSouq (Medusa) orders and customers from seed 002's `/odoo/*` API, for the flow into Odoo.

    tap-medusa --config medusa.json [--state state.json] | target-odoo --config odoo.json

Exit status: 0 done; 1 Medusa's answer stopped the tap (a 404 on a list route, an answer that is not seed
002's shape, 429/5xx past ``max_retries``); 3 Medusa refused the API key (401/403) or could not be reached.
"""

from __future__ import annotations

import datetime as dt
import sys
import typing as t
from urllib.parse import urlsplit

import requests
from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError, RetriableAPIError

from tap_medusa.client import MedusaError
from tap_medusa.streams import CustomersStream, OrdersStream

STATUSES = ("pending", "completed", "cancelled")  # seed 002 §4.1
ORDER_DETAILS = ("missing", "always", "never")
MAX_PAGE = 1000

CONFIG = th.PropertiesList(
    th.Property(
        "api_url",
        th.StringType,
        required=True,
        title="Medusa base URL",
        description="Base URL of the MarqaSouq backend, e.g. https://admin.markasouqs.com (without /odoo)",
    ),
    th.Property(
        "api_key",
        th.StringType,
        required=True,
        secret=True,
        description="Value of the x-odoo-api-key header (from the MarqaSouq admin); never logged",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        description="Only orders and customers created at or after this date-time (ISO 8601); default: all",
    ),
    th.Property(
        "page_size",
        th.IntegerType,
        default=50,
        description="Orders or customers per request (limit; 1-1000, seed 002's default 50)",
    ),
    th.Property(
        "status",
        th.StringType,
        allowed_values=list(STATUSES),
        description="Only orders with this status (pending, completed or cancelled); default: every status",
    ),
    th.Property(
        "lookback_days",
        th.NumberType,
        default=7,
        description="Each run reads again the orders and customers created this many days before the "
        "bookmark, so a status change (an order cancelled later) reaches Odoo; 0 reads only new ones",
    ),
    th.Property(
        "full_sync",
        th.BooleanType,
        default=False,
        description="Read every order and customer from start_date on each run, ignoring the bookmarks",
    ),
    th.Property(
        "order_details",
        th.StringType,
        default="missing",
        allowed_values=list(ORDER_DETAILS),
        description="GET /odoo/orders/{id} for an order whose list entry lacks items or shipping_address "
        "(missing), for every order (always), or never",
    ),
    th.Property("request_timeout", th.NumberType, default=30, description="Seconds to wait for one answer"),
    th.Property(
        "max_retries",
        th.IntegerType,
        default=5,
        description="Retries of a request on HTTP 429, 5xx, timeouts and dropped connections",
    ),
    th.Property(
        "backoff_factor",
        th.NumberType,
        default=1,
        description="Seconds before the first retry, doubled each time (a Retry-After answer is honoured)",
    ),
).to_dict()


def config_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    """What JSON Schema cannot say; each message names the setting and the fix."""
    errors: list[str] = []
    url = urlsplit(str(config.get("api_url") or ""))
    if url.scheme not in ("http", "https") or not url.hostname:
        errors.append("api_url: must be an http(s) URL such as https://admin.markasouqs.com")
    elif url.path.rstrip("/").endswith("/odoo"):
        errors.append("api_url: give the backend's base URL without /odoo (the tap adds /odoo/orders)")
    if not str(config.get("api_key") or "").strip():
        errors.append("api_key: empty; set the x-odoo-api-key value from the MarqaSouq admin")
    page = config.get("page_size", 50)
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= MAX_PAGE:
        errors.append(f"page_size: {page!r} must be an integer from 1 to {MAX_PAGE}")
    retries = config.get("max_retries", 5)
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        errors.append(f"max_retries: {retries!r} must be an integer of at least 0")
    for key, minimum in (("request_timeout", 0.001), ("lookback_days", 0.0), ("backoff_factor", 0.0)):
        value = config.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            try:
                value = float(value)
            except (TypeError, ValueError):
                errors.append(f"{key}: {value!r} must be a number")
                continue
        if value is not None and value < minimum:
            errors.append(f"{key}: {value!r} must be a number of at least {minimum:g}")
    if config.get("status") not in (None, "", *STATUSES):
        errors.append(f"status: {config.get('status')!r} must be one of {', '.join(STATUSES)}")
    if config.get("order_details", "missing") not in ORDER_DETAILS:
        errors.append(f"order_details: {config.get('order_details')!r} must be missing, always or never")
    start = config.get("start_date")
    if start:
        try:
            dt.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        except ValueError:
            errors.append(f"start_date: {start!r} is not an ISO 8601 date-time like 2026-01-01T00:00:00Z")
    return errors


class TapMedusa(Tap):
    """Singer tap for the MarqaSouq Medusa backend's `/odoo/*` API (seed 002)."""

    name = "tap-medusa"
    config_jsonschema = CONFIG

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = super()._validate_config(raise_errors=False) + config_errors(self.config)
        if errors and raise_errors:
            raise ConfigValidationError("Config validation failed", errors=errors)
        return errors

    def discover_streams(self) -> list[Stream]:
        return [CustomersStream(self), OrdersStream(self)]


def main() -> None:
    """The console script ``tap-medusa``: an answer that stops the tap ends it with one line on stderr
    naming what to check (never the key), exit 1, or 3 for a refused key / unreachable server."""
    try:
        TapMedusa.cli()
    except MedusaError as exc:
        _stop(str(exc), exc.exit_code)
    except RetriableAPIError as exc:
        _stop(f"Medusa kept failing after the retries (max_retries): {exc}; run again later", 1)
    except requests.ConnectionError as exc:
        _stop(
            f"Medusa cannot be reached after the retries (max_retries): {str(exc)[:300]}; check api_url "
            "(host, port, scheme) and that the backend is up",
            3,
        )
    except requests.Timeout:
        _stop("Medusa did not answer within request_timeout after the retries (max_retries)", 1)


def _stop(message: str, code: int) -> t.NoReturn:
    print(f"tap-medusa: {message}", file=sys.stderr)
    sys.exit(code)


cli = TapMedusa.cli
__all__ = ["CONFIG", "TapMedusa", "cli", "config_errors", "main"]
