"""TapLinkit: products, SKUs, orders, offers, branches and customers from Linkit's `/api/v1`, for the flow
into Odoo.

    tap-linkit --config linkit.json [--state state.json] | target-odoo --config odoo.json   # source: linkit

Exit status: 0 done; 1 Linkit's answer stopped the tap (not its list envelope, a 404, 429/5xx past
``max_retries``); 2 a setting is wrong (named); 3 Linkit refused the credential (401/403) or could not be
reached.
"""

from __future__ import annotations

import datetime as dt
import decimal
import sys
import typing as t
from functools import cached_property
from urllib.parse import urlsplit

from singer_sdk import Stream, Tap
from singer_sdk import typing as th

from etl.http import HttpClient
from etl.singer import SYNC_COMPLETE
from etl.target import ConfigError
from tap_linkit.client import AUTH_SCHEMES, MAX_LIMIT, LinkitError, linkit_http
from tap_linkit.streams import STREAM_NAMES, STREAMS

RESERVED_PARAMS = ("page", "limit", "sort")


def _setting(name: str, kind: t.Any, description: str, default: t.Any = None, **extra: t.Any) -> th.Property:
    return th.Property(name, kind, default=default, description=description, **extra)


CONFIG = th.PropertiesList(
    _setting(
        "api_url",
        th.StringType,
        "Linkit /api/v1 base URL, e.g. https://linkit.works/api/v1 (a bare https://linkit.works gets "
        "/api/v1)",
        required=True,
        title="Linkit API base URL",
    ),
    _setting(
        "api_token",
        th.StringType,
        "Linkit API token (dashboard) or API key; never logged",
        required=True,
        secret=True,
    ),
    _setting(
        "organization_id",
        th.StringType,
        "Sent as X-Organization-ID on every call; required for the customers stream",
    ),
    _setting(
        "auth_scheme",
        th.StringType,
        "bearer: Authorization: Bearer <token> (the Odoo addon); raw: Authorization: <key>",
        "bearer",
        allowed_values=list(AUTH_SCHEMES),
    ),
    _setting("page_size", th.IntegerType, "Entries per page (limit; 1-100, Linkit's max)", 100),
    _setting(
        "start_date",
        th.DateTimeType,
        "Only records updated at or after this date-time (ISO 8601); default: all",
    ),
    _setting(
        "full_sync",
        th.BooleanType,
        "Emit every record from start_date on each run, ignoring the bookmarks",
        False,
    ),
    _setting(
        "sort_updated",
        th.BooleanType,
        "Ask for sort=-updated and stop at the bookmark instead of reading every page (only for a Linkit "
        "that accepts it; not published)",
        False,
    ),
    _setting(
        "filters",
        th.ObjectType(additional_properties=th.ObjectType()),
        'Query filters per stream as Linkit publishes them, e.g. {"skus": {"branch_iv_id": "WH1"}, '
        '"offers": {"status": "active"}}',
        {},
    ),
    _setting("request_timeout", th.NumberType, "Seconds to wait for one answer", 30),
    _setting(
        "max_retries",
        th.IntegerType,
        "Retries of a request on HTTP 429, 5xx, timeouts and dropped connections",
        5,
    ),
    _setting(
        "backoff_factor",
        th.NumberType,
        "Seconds of the first retry's backoff, doubled each time (Retry-After is honoured)",
        1,
    ),
).to_dict()


def config_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    """Every wrong setting, each message naming the setting and the fix."""
    errors: list[str] = []
    url = urlsplit(str(config.get("api_url") or ""))
    if url.scheme not in ("http", "https") or not url.hostname:
        errors.append("api_url: must be an http(s) URL such as https://linkit.works/api/v1")
    if not str(config.get("api_token") or "").strip():
        errors.append("api_token: empty; set the API token from the Linkit dashboard")
    if config.get("auth_scheme", "bearer") not in AUTH_SCHEMES:
        errors.append(f"auth_scheme: {config.get('auth_scheme')!r} must be bearer or raw")
    if "organization_id" in config and not str(config.get("organization_id") or "").strip():
        errors.append("organization_id: empty; set your Linkit organization id or leave the setting out")
    errors += _integer_errors(config) + _number_errors(config) + _filter_errors(config.get("filters"))
    start = config.get("start_date")
    if start:
        try:
            dt.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        except ValueError:
            errors.append(f"start_date: {start!r} is not an ISO 8601 date-time like 2026-01-01T00:00:00Z")
    for flag in ("full_sync", "sort_updated"):
        if not isinstance(config.get(flag, False), bool):
            errors.append(f"{flag}: {config.get(flag)!r} must be true or false")
    return errors


def _integer_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    errors = []
    for key, low, high, default in (("page_size", 1, MAX_LIMIT, 100), ("max_retries", 0, 100, 5)):
        value = config.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors.append(f"{key}: {value!r} must be an integer from {low} to {high}")
    return errors


def _number_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    errors = []
    for key, low, default in (("request_timeout", 0.001, 30), ("backoff_factor", 0.0, 1)):
        value = config.get(key, default)  # a config file's numbers come as Decimal
        if isinstance(value, bool) or not isinstance(value, int | float | decimal.Decimal) or value < low:
            errors.append(f"{key}: {value} must be a number of at least {low:g}")
    return errors


def _filter_errors(filters: t.Any) -> list[str]:
    names = STREAM_NAMES
    if filters is None:
        return []
    if not isinstance(filters, dict):
        return ['filters: must be an object {"<stream>": {"<parameter>": <value>}}']
    errors = []
    for stream, params in filters.items():
        if stream not in names:
            errors.append(f"filters: {stream!r} is not a stream ({', '.join(names)})")
        elif not isinstance(params, dict) or any(
            isinstance(v, dict | list) or v is None for v in params.values()
        ):
            errors.append(f"filters.{stream}: must be an object of query parameters with plain values")
        elif reserved := sorted(set(params) & set(RESERVED_PARAMS)):
            errors.append(f"filters.{stream}: {', '.join(reserved)} is the tap's (page_size, sort_updated)")
    return errors


class TapLinkit(Tap):
    """Singer tap for Linkit's `/api/v1` lists (seed 000, the research file's section 3)."""

    name = "tap-linkit"
    config_jsonschema = CONFIG

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = super()._validate_config(raise_errors=False) + config_errors(self.config)
        if errors and raise_errors:
            raise ConfigError("; ".join(errors))
        return errors

    def discover_streams(self) -> list[Stream]:
        return [stream(self) for stream in STREAMS]

    @cached_property
    def http(self) -> HttpClient:
        """One client (one keep-alive session) for every stream."""
        return linkit_http(self.config)

    def sync_all(self) -> None:  # type: ignore[misc]  # final in singer-sdk; wrapped, not changed
        """Check what needs the selection, sync, then write the end-of-sync mark (a last STATE with the
        top-level key ``sync_complete``, as tap-odoo does): every selected stream was read whole. A tap that
        stops writes no mark. The mark is not read back from a state given (only ``bookmarks`` are)."""
        selected = sorted(name for name, stream in self.streams.items() if stream.selected)
        if "customers" in selected and not self.config.get("organization_id"):
            raise ConfigError(
                "organization_id: Linkit's GET /customers requires the X-Organization-ID header; set "
                "organization_id (your Linkit organization id) or deselect the customers stream"
            )
        try:
            super().sync_all()
            final: dict[str, t.Any] = dict(self.state)
            finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            final[SYNC_COMPLETE] = {"streams": selected, "finished_at": finished}
            self._state_writer.write_state(t.cast(t.Any, final))
        finally:
            if "http" in self.__dict__:
                self.http.close()


def main() -> None:
    """The console script ``tap-linkit``: one line on stderr naming what to fix (never the token)."""
    try:
        TapLinkit.cli()
    except ConfigError as exc:
        _stop(f"wrong setting: {exc}", 2)
    except LinkitError as exc:
        _stop(str(exc), exc.exit_code)


def _stop(message: str, code: int) -> t.NoReturn:
    print(f"tap-linkit: {message}", file=sys.stderr)
    sys.exit(code)


cli = TapLinkit.cli
__all__ = ["CONFIG", "TapLinkit", "cli", "config_errors", "main"]
