"""TapOdoo: every Odoo model as a Singer stream."""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import fnmatch
import re
import typing as t
from urllib.parse import urlsplit

from singer_sdk import Stream, Tap
from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from tap_odoo.client import PROTOCOLS, OdooClient
from tap_odoo.errors import OdooAuthError, OdooConfigError, OdooError, OdooFault
from tap_odoo.schema import FIELDS_GET_ATTRIBUTES
from tap_odoo.stock import REQUIRED_MODELS, StockLevelsStream
from tap_odoo.streams import OdooStream
from tap_odoo.writer import BufferedSingerWriter

SYNC_COMPLETE = "sync_complete"  # the end-of-sync mark's key; etl.singer.SYNC_COMPLETE reads the same

DEFAULT_MODELS = (
    "res.partner",
    "res.company",
    "res.users",
    "product.product",
    "product.template",
    "product.category",
    "product.supplierinfo",
    "uom.uom",
    "stock.warehouse",
    "stock.location",
    "stock.quant",
    "stock.move",
    "stock.picking",
    "sale.order",
    "sale.order.line",
    "purchase.order",
    "purchase.order.line",
    "account.move",
    "account.move.line",
    "account.tax",
    "mrp.bom",
    "mrp.bom.line",
    "pos.order",
    "pos.order.line",
    "loyalty.program",
    "loyalty.reward",
    "product.pricelist.item",
    "resource.calendar",
    "resource.calendar.attendance",
)
LANG = re.compile(r"^[a-z]{2,3}(_([A-Z]{2}|\d{3}))?(@[a-z]+)?$")
MODEL_PATTERN = re.compile(r"^[a-z0-9_.*?\[\]!-]+$")
PER_MODEL_LIST = th.ObjectType(additional_properties=th.ArrayType(th.StringType))

CONFIG = th.PropertiesList(
    th.Property(
        "url",
        th.StringType,
        required=True,
        description="Base URL of the Odoo server, e.g. https://mycompany.odoo.com",
    ),
    th.Property("database", th.StringType, required=True, description="Database name"),
    th.Property("username", th.StringType, required=True, description="Login of the Odoo user"),
    th.Property(
        "password",
        th.StringType,
        secret=True,
        description="Password of the user (or leave empty and set api_key)",
    ),
    th.Property(
        "api_key",
        th.StringType,
        secret=True,
        description="API key of the user (Preferences > Account Security); "
        "used instead of the password, and as bearer token for JSON-2",
    ),
    th.Property(
        "protocol",
        th.StringType,
        default="auto",
        allowed_values=list(PROTOCOLS),
        description="auto picks json2 on Odoo 19+ with an API key, else jsonrpc, else xmlrpc",
    ),
    th.Property(
        "models",
        th.ArrayType(th.StringType),
        description="Models to extract: names or fnmatch patterns such as product.*; "
        "default: the standard set (res.partner, product.product, sale.order, ...)",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        description="Only records written at or after this date-time on the first run",
    ),
    th.Property(
        "lang",
        th.StringType,
        default="en_US",
        description="Language of translated fields, Odoo code xx_XX (en_US, fr_BE, ar_001)",
    ),
    th.Property(
        "company_ids",
        th.ArrayType(th.IntegerType),
        description="Restrict to these companies (allowed_company_ids and a company_id filter)",
    ),
    th.Property(
        "active_records",
        th.StringType,
        default="all",
        allowed_values=["active", "archived", "all"],
        description="Which records by their active flag; all lets archivals flow as updates",
    ),
    th.Property(
        "page_size", th.IntegerType, default=2000, description="Records per search_read call (1-100000)"
    ),
    th.Property(
        "pagination",
        th.StringType,
        default="keyset",
        allowed_values=["keyset", "offset"],
        description="keyset continues after the last (write_date, id) and misses nothing when "
        "records change during a sync; offset is limit/offset paging",
    ),
    th.Property(
        "domains",
        th.ObjectType(additional_properties=th.ArrayType(th.AnyType())),
        description='Extra Odoo domain per model, e.g. {"sale.order": [["state", "=", "sale"]]}',
    ),
    th.Property(
        "full_sync_streams",
        th.ArrayType(th.StringType),
        description="Models or streams (patterns allowed) always read in full, not incrementally",
    ),
    th.Property(
        "detect_deletions",
        th.ArrayType(th.StringType),
        description="Models or streams (patterns allowed) whose deleted records are emitted "
        "with _sdc_deleted_at",
    ),
    th.Property(
        "track_related_changes",
        th.BooleanType,
        default=True,
        description="Incremental streams also re-read records whose related fields come from a record "
        "changed since the last run (a variant when its template's price changes)",
    ),
    th.Property(
        "ignore_fields",
        PER_MODEL_LIST,
        description='Fields never read, per model, e.g. {"res.partner": ["signup_token"]}',
    ),
    th.Property(
        "extra_fields",
        PER_MODEL_LIST,
        description='Computed fields to add per model, e.g. {"product.product": ["qty_available"]}',
    ),
    th.Property(
        "fields",
        PER_MODEL_LIST,
        description="Restrict a model to this field list (id and write_date are always read)",
    ),
    th.Property(
        "include_binary",
        th.BooleanType,
        default=False,
        description="Also read binary fields (base64 strings)",
    ),
    th.Property(
        "stock_levels",
        th.BooleanType,
        default=True,
        description="Emit the virtual stock_levels stream (product x warehouse quantities)",
    ),
    th.Property(
        "prefetch",
        th.BooleanType,
        default=True,
        description="Fetch the next page while the current one is written out",
    ),
    th.Property("timeout", th.NumberType, default=120, description="Seconds to wait for one answer"),
    th.Property(
        "max_tries",
        th.IntegerType,
        default=8,
        description="Tries per call on connection errors, timeouts, HTTP 429/502/503/504",
    ),
    th.Property(
        "backoff_factor",
        th.NumberType,
        default=3,
        description="Exponential backoff factor in seconds (waits factor, 2x, 4x, ...)",
    ),
).to_dict()


def config_errors(config: t.Mapping[str, t.Any]) -> list[str]:
    """Semantic checks of the settings; each message names the setting and the fix."""
    errors: list[str] = []
    url = str(config.get("url") or "")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(f"url: {url!r} is not an http(s) URL; use e.g. https://mycompany.odoo.com")
    if not config.get("password") and not config.get("api_key"):
        errors.append("password / api_key: set one of them")
    protocol = config.get("protocol", "auto")
    if protocol not in PROTOCOLS:
        errors.append(f"protocol: {protocol!r} is not one of {', '.join(PROTOCOLS)}")
    if protocol == "json2" and not config.get("api_key"):
        errors.append("protocol: json2 needs api_key (JSON-2 authenticates with an API key)")
    lang = config.get("lang", "en_US")
    if lang is not None and not LANG.match(str(lang)):
        errors.append(f"lang: {lang!r} is not an Odoo language code like en_US, fr_BE or ar_001")
    page_size = config.get("page_size", 2000)
    if not isinstance(page_size, int) or isinstance(page_size, bool) or not 1 <= page_size <= 100_000:
        errors.append(f"page_size: {page_size!r} must be an integer from 1 to 100000")
    for key in ("max_tries",):
        value = config.get(key, 8)
        if not isinstance(value, int) or value < 1:
            errors.append(f"{key}: {value!r} must be an integer of at least 1")
    for key, minimum in (("timeout", 0.001), ("backoff_factor", 0.0)):
        value = config.get(key)
        if value is not None and (not isinstance(value, int | float | decimal.Decimal) or value < minimum):
            errors.append(f"{key}: {value!r} must be a number of at least {minimum:g}")
    if config.get("active_records", "all") not in ("active", "archived", "all"):
        errors.append(f"active_records: {config.get('active_records')!r} must be active, archived or all")
    if config.get("pagination", "keyset") not in ("keyset", "offset"):
        errors.append(f"pagination: {config.get('pagination')!r} must be keyset or offset")
    for name in config.get("models") or ():
        if not isinstance(name, str) or not MODEL_PATTERN.match(name):
            errors.append(f"models: {name!r} is not a model name or pattern like sale.order or product.*")
    for model, domain in (config.get("domains") or {}).items():
        if not isinstance(domain, list) or not all(isinstance(leaf, list | str) for leaf in domain):
            errors.append(f'domains.{model}: must be an Odoo domain, a list like [["state", "=", "sale"]]')
    start = config.get("start_date")
    if start:
        try:
            dt.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        except ValueError:
            errors.append(f"start_date: {start!r} is not an ISO 8601 date-time like 2024-01-01T00:00:00Z")
    return errors


def resolve_models(
    requested: t.Sequence[str] | None, available: set[str], log: t.Callable[[str], None]
) -> list[str]:
    """Models to extract: patterns expanded, missing defaults skipped, missing explicit names an error."""
    explicit = requested is not None
    wanted: list[str] = []
    unknown: list[str] = []
    for entry in requested if requested is not None else DEFAULT_MODELS:
        if any(ch in entry for ch in "*?["):
            found = sorted(fnmatch.filter(available, entry))
            if not found:
                log(f"models: pattern {entry!r} matches no model on this server")
            wanted += [m for m in found if m not in wanted]
        elif entry in available:
            if entry not in wanted:
                wanted.append(entry)
        elif explicit:
            unknown.append(entry)
        else:
            log(f"models: {entry} is not installed on this server; skipped")
    if unknown:
        messages = []
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(available), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else "; check the model's technical name"
            messages.append(f"models: {name!r} does not exist on this server{hint}")
        raise ConfigValidationError("Unknown Odoo model", errors=messages)
    return wanted


class TapOdoo(Tap):
    """Singer tap for Odoo (15.0-19.0) over XML-RPC, JSON-RPC or JSON-2."""

    name = "tap-odoo"
    config_jsonschema = CONFIG
    message_writer_class = BufferedSingerWriter
    dynamic_catalog = True  # discovery asks the server, so --discover validates the config first

    def _validate_config(self, *, raise_errors: bool = True) -> list[str]:
        errors = super()._validate_config(raise_errors=False) + config_errors(self.config)
        if errors and raise_errors:
            raise ConfigValidationError("Config validation failed", errors=errors)
        return errors

    @property
    def client(self) -> OdooClient:
        """One client (one keep-alive connection per transport) shared by every stream."""
        if getattr(self, "_client", None) is None:
            self._client = OdooClient.from_config(self.config)
        return self._client

    @property
    def server_major(self) -> int:
        """Major version of the Odoo server (15..19): schemas, field names and context keys follow it."""
        return self.client.server_major

    def latest_write_date(self, model: str, context: t.Mapping[str, t.Any]) -> str | None:
        """The latest ``write_date`` of a model (Odoo format), asked once per run however many streams
        follow it (res.company is behind most of them); None if it has none. OdooFault if not readable.

        The first answer (or what a stream of the model read earlier in the run, see
        ``note_latest_write_date``) is a lower bound for every later stream of the run, which is what their
        related-changes bounds and the stock_levels watermark need: a lower bound only re-reads more.
        """
        cache: dict[str, str | None] = self.__dict__.setdefault("_latest_write_dates", {})
        if model not in cache:
            rows = self.client.search_read(
                model,
                [["write_date", "!=", False]],
                ["write_date"],
                limit=1,
                order="write_date desc, id desc",
                context=context,
            )
            cache[model] = str(rows[0]["write_date"]) if rows and rows[0].get("write_date") else None
        return cache[model]

    def note_latest_write_date(self, model: str, write_date: str) -> None:
        """A stream read its model up to ``write_date`` (Odoo format) earlier in this run: a lower bound of
        the model's latest write_date for every later stream, so they need not probe it."""
        self.__dict__.setdefault("_latest_write_dates", {}).setdefault(model, write_date)

    def close(self) -> None:
        """Close the client's connections (a later call reconnects)."""
        if getattr(self, "_client", None) is not None:
            self._client.close()

    def sync_all(self) -> None:  # type: ignore[misc]  # final in singer-sdk; wrapped, not changed
        """Sync every selected stream, then write the end-of-sync mark (a last STATE with the top-level key
        ``sync_complete``: every selected stream was read whole, so a target may send what it sums over
        them); close the connections, also when the sync fails. A tap that dies writes no mark. The mark is
        not read back: ``load_state`` takes only ``bookmarks`` from the state it is given."""
        self.__dict__.pop("_latest_write_dates", None)  # probes are per run
        try:
            super().sync_all()
            streams = sorted(name for name, stream in self.streams.items() if stream.selected)
            finished = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            final: dict[str, t.Any] = dict(self.state)
            final[SYNC_COMPLETE] = {"streams": streams, "finished_at": finished}
            self._state_writer.write_state(t.cast(t.Any, final))
        finally:
            self.close()

    def run_discovery(self) -> str:
        """Write the catalog, then close the connections."""
        try:
            return super().run_discovery()
        finally:
            self.close()

    def model_fields(self, model: str) -> t.Mapping[str, t.Mapping[str, t.Any]] | None:
        """Fields (type, relation, store, related) of any model, for following related fields."""
        cache: dict[str, t.Mapping[str, t.Mapping[str, t.Any]] | None] = self.__dict__.setdefault(
            "_model_fields", {}
        )
        if model not in cache:
            known = [s for s in self.streams.values() if isinstance(s, OdooStream) and s.model == model]
            if known:
                cache[model] = known[0].fields_get
            else:
                try:
                    cache[model] = self.client.fields_get(model, ["type", "relation", "store", "related"])
                except OdooFault as fault:
                    self.logger.info("%s: fields not readable (%s)", model, fault.message[:120])
                    cache[model] = None
        return cache[model]

    def server_models(self) -> set[str] | None:
        """Technical names of the models installed on the server (None if ir.model is not readable)."""
        try:
            rows = self.client.search_read("ir.model", [], ["model"], context={"active_test": False})
        except OdooFault as fault:
            self.logger.info("ir.model is not readable (%s); probing models one by one", fault.message[:120])
            return None
        return {row["model"] for row in rows}

    def _fields_of(self, models: t.Iterable[str]) -> dict[str, dict[str, t.Any]]:
        """fields_get of each model; models the server lacks are left out."""
        found: dict[str, dict[str, t.Any]] = {}
        for model in models:
            try:
                found[model] = self.client.fields_get(model, FIELDS_GET_ATTRIBUTES)
            except OdooFault as fault:
                if not fault.is_unknown_model:
                    self.logger.warning("models: cannot read the fields of %s (%s); skipped", model, fault)
        return found

    def discover_streams(self) -> list[Stream]:
        """A stream per model (names/patterns in ``models``) plus ``stock_levels``."""
        try:
            requested = self.config.get("models")
            available = self.server_models()
            fields: dict[str, dict[str, t.Any]] = {}
            if available is None:  # probe the names we know of instead of listing ir.model
                probe = [m for m in (requested or DEFAULT_MODELS) if not any(ch in m for ch in "*?[")]
                probe += [m for m in DEFAULT_MODELS if m not in probe]
                fields = self._fields_of([*probe, *[m for m in REQUIRED_MODELS if m not in probe]])
                available = set(fields)
            models = resolve_models(requested, available, self.logger.info)
            fields.update(self._fields_of([m for m in models if m not in fields]))
            streams: list[Stream] = [OdooStream(self, m, fields[m]) for m in models if m in fields]
            if self.config.get("stock_levels", True) and set(REQUIRED_MODELS) <= available:
                streams.append(StockLevelsStream(self))
        except (OdooAuthError, OdooConfigError) as exc:  # their messages name the server already
            raise ConfigValidationError(str(exc), errors=[str(exc)]) from None
        except OdooError as exc:
            message = f"Odoo at {self.config.get('url')}: {exc}"
            raise ConfigValidationError(message, errors=[message]) from None
        return streams

    @classmethod
    def cb_discover(cls, ctx: t.Any, param: t.Any, value: bool) -> None:
        """``--discover``: a refused login (or setup) is one line and exit 1, with no traceback."""
        try:
            super().cb_discover(ctx, param, value)
        except ConfigValidationError as exc:
            for error in exc.errors or [str(exc)]:
                cls.logger.error("%s", error)
            ctx.exit(1)

    @classmethod
    def cb_test(cls, ctx: t.Any, param: t.Any, value: str) -> None:
        """``--test``: log server version, uid, database and protocol, then read one record per stream.

        Exits 0 when every stream gave its record (the SDK's stop after one record is not logged as an
        error, see QuietDryRunAbort), 1 with a one-line message when the server or a stream fails.
        """
        if value and value != "disabled":
            config = ctx.params.get("config")
            tap = cls(
                config=config.config if config else None,
                parse_env_config=bool(config and config.parse_env),
                validate_config=True,
                setup_mapper=False,
            )
            try:
                checked = tap.client.check()
                checked.pop("notice", None)  # the client has logged it as a warning already
                tap.logger.info("Connection check: %s", checked)
            except OdooError as exc:
                tap.logger.error("%s", exc)
                ctx.exit(1)
            finally:
                tap.close()
        try:
            super().cb_test(ctx, param, value)
        except (OdooError, ConfigValidationError) as exc:
            errors = getattr(exc, "errors", None) or [str(exc)]
            for error in errors:
                cls.logger.error("--test failed: %s", error)
            ctx.exit(1)


cli = TapOdoo.cli
