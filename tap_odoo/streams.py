"""OdooStream: one Odoo model as a Singer stream (full table or incremental on ``write_date``)."""

from __future__ import annotations

import datetime as dt
import decimal
import difflib
import fnmatch
import logging
import sys
import typing as t
from collections.abc import Iterable, Iterator, Mapping

from singer_sdk import Stream
from singer_sdk.exceptions import AbortedSyncExceptionBase, RequestedAbortException
from singer_sdk.helpers._util import utc_now

from tap_odoo.errors import OdooFault
from tap_odoo.lean import LeanStream, prefetched
from tap_odoo.paging import ReadPage, id_keyset, offset_pages, write_date_keyset
from tap_odoo.ranges import from_ranges, to_ranges
from tap_odoo.related import any_parent_changed, before_second_after, next_bound, related_links
from tap_odoo.schema import Normaliser, _iso_datetime, default_fields, stream_schema, to_odoo_datetime

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_odoo.tap import TapOdoo

Row = dict[str, t.Any]
Domain = list[t.Any]
SETTLE_MARGIN = dt.timedelta(seconds=60)  # clock skew allowed between this host and the Odoo server


def stream_name(model: str) -> str:
    """Stream name of a model: dots become underscores."""
    return model.replace(".", "_")


# computed fields read by default, what a catalogue needs: the price a customer pays for the variant
# (lst_price = list_price + price_extra; list_price alone is the template's) and the cost (standard_price
# is company-dependent, so not stored). ignore_fields removes them.
DEFAULT_EXTRA_FIELDS: dict[str, tuple[str, ...]] = {"product.product": ("lst_price", "standard_price")}


def per_model(config: Mapping[str, t.Any], key: str, model: str) -> t.Any:
    """A per-model setting, keyed by model (``product.product``) or stream name (``product_product``)."""
    values = config.get(key) or {}
    if model in values:
        return values[model]
    return values.get(stream_name(model))


def plain(value: t.Any) -> t.Any:
    """Config values as plain JSON types (singer-sdk reads JSON numbers as Decimal)."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def _iso(odoo_datetime: str) -> str:
    return t.cast(str, _iso_datetime(odoo_datetime))


def matches(patterns: Iterable[str] | None, model: str) -> bool:
    """True if a model or its stream name matches one of the (fnmatch) patterns."""
    name = stream_name(model)
    return any(fnmatch.fnmatchcase(model, p) or fnmatch.fnmatchcase(name, p) for p in patterns or ())


def _many2one_id(schema: Mapping[str, t.Any], name: str) -> dict[str, t.Any] | None:
    """The ``id`` sub-schema of a many2one property, if the schema has it."""
    prop = (schema.get("properties") or {}).get(name) or {}
    found = (prop.get("properties") or {}).get("id")
    return found if isinstance(found, dict) else None


class QuietDryRunAbort(Stream):
    """``--test`` stops each stream after its first record; singer-sdk logs that stop as "An unhandled error
    occurred". It is what was asked for, so it is logged at debug level; any other error stays an error."""

    def log(self, message: str, *args: t.Any, level: int = logging.INFO, **kwargs: t.Any) -> None:
        """Log a message; the dry run's requested stop is not an error."""
        if level >= logging.ERROR and isinstance(
            sys.exc_info()[1], AbortedSyncExceptionBase | RequestedAbortException
        ):
            level = logging.DEBUG
        super().log(message, *args, level=level, **kwargs)


class OdooStream(QuietDryRunAbort, LeanStream):
    """A stream over ``search_read`` of one model."""

    def __init__(self, tap: TapOdoo, model: str, fields_get: Mapping[str, Mapping[str, t.Any]]):
        config = tap.config
        self.model = model
        self.fields_get = fields_get
        only = per_model(config, "fields", model)
        extra = [*DEFAULT_EXTRA_FIELDS.get(model, ()), *(per_model(config, "extra_fields", model) or ())]
        self.field_names = default_fields(
            fields_get,
            include_binary=bool(config.get("include_binary", False)),
            extra_fields=extra,
            only_fields=only,
            ignore_fields=per_model(config, "ignore_fields", model) or (),
        )
        for setting in ("extra_fields", "fields", "ignore_fields"):
            for name in per_model(config, setting, model) or ():
                if name not in fields_get:
                    close = difflib.get_close_matches(name, list(fields_get), n=3)
                    hint = f" (did you mean {', '.join(close)}?)" if close else ""
                    tap.logger.warning(
                        "%s.%s: %s has no field %r; ignored%s", setting, model, model, name, hint
                    )
        self.major = tap.server_major
        schema = stream_schema(fields_get, self.field_names, self.major)
        self.detect_deletions = matches(config.get("detect_deletions"), model)
        if self.detect_deletions:
            schema["properties"]["_sdc_deleted_at"] = {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When the tap found the record gone from Odoo",
            }
        super().__init__(tap=tap, schema=schema, name=stream_name(model))
        self.primary_keys = ["id"]
        full_sync = matches(config.get("full_sync_streams"), model)
        if "write_date" in self.field_names and not full_sync:
            self.replication_key = "write_date"
        self.pagination = str(config.get("pagination", "keyset"))
        self._mark_value: str | None = None
        self._mark_ids: list[int] = []

    # settings ---------------------------------------------------------------------------------

    @property
    def is_sorted(self) -> bool:
        """Keyset paging reads in (write_date, id) order, so the bookmark is resumable."""
        return self.replication_key is not None and self.pagination == "keyset"

    @property
    def page_size(self) -> int:
        """Records per ``search_read`` call."""
        return int(self.config.get("page_size", 2000))

    def odoo_context(self) -> dict[str, t.Any]:
        """The Odoo context sent with every read: language, companies, archived records."""
        context: dict[str, t.Any] = {}
        lang = self.config.get("lang")
        if lang:
            context["lang"] = lang
        companies = self.config.get("company_ids")
        if companies:
            context["allowed_company_ids"] = list(companies)
        if self.config.get("active_records", "all") != "active":
            context["active_test"] = False
        return context

    def base_domain(self) -> Domain:
        """Filters of the stream: per-model domain, companies, active/archived."""
        domain: Domain = plain(list(per_model(self.config, "domains", self.model) or []))
        companies = self.config.get("company_ids")
        if companies and "company_id" in self.fields_get:
            domain.append(["company_id", "in", [*companies, False]])
        active = self.config.get("active_records", "all")
        if "active" in self.fields_get:
            if active == "active":
                domain.append(["active", "=", True])
            elif active == "archived":
                domain.append(["active", "=", False])
        return domain

    def selected_fields(self) -> list[str]:
        """Fields to read: the discovered ones the catalog keeps selected."""
        mask = self.mask
        return [name for name in self.field_names if name == "id" or mask.get(("properties", name), True)]

    # reading -----------------------------------------------------------------------------------

    def _read_page(
        self, fields: list[str], normalise: Normaliser, domain: Domain, offset: int, order: str
    ) -> list[Row]:
        """One ``search_read``; drops fields the server refuses to read and asks again."""
        while True:
            try:
                return self.client.search_read(
                    self.model,
                    domain,
                    fields,
                    offset=offset,
                    limit=self.page_size,
                    order=order,
                    context=self.odoo_context(),
                )
            except OdooFault as fault:
                refused = [name for name in fault.refused_fields() if name in fields and name != "id"]
                if not refused:
                    raise
                self.logger.warning(
                    "%s: Odoo refused to read field(s) %s (%s); reading the stream without them",
                    self.name,
                    ", ".join(refused),
                    fault.message.splitlines()[0][:200],
                )
                for name in refused:
                    fields.remove(name)
                normalise.without(refused)

    def _reader(self, fields: list[str], normalise: Normaliser) -> ReadPage:
        def read(page_domain: Domain, offset: int, order: str) -> list[Row]:
            return self._read_page(fields, normalise, page_domain, offset, order)

        return read

    def id_pages(self, domain: Domain, fields: list[str], normalise: Normaliser) -> Iterator[list[Row]]:
        """Raw pages of the rows matching ``domain`` in id order (or by offset)."""
        read = self._reader(fields, normalise)
        if self.pagination == "offset":
            return offset_pages(read, domain, "id asc", self.page_size)
        return id_keyset(read, domain, self.page_size)

    def pages(self, start: str | None, fields: list[str], normalise: Normaliser) -> Iterator[list[Row]]:
        """Raw pages of rows: write_date buckets for incremental streams, else by id (or offset)."""
        domain = self.base_domain()
        if self.replication_key is None:
            return self.id_pages(domain, fields, normalise)
        read = self._reader(fields, normalise)
        if self.pagination == "offset":
            first = [*domain, ["write_date", ">=", start]] if start else domain
            return offset_pages(read, first, "write_date asc, id asc", self.page_size)
        return write_date_keyset(read, domain, start, self.page_size)

    def _start(self, context: Context | None) -> tuple[str | None, set[int]]:
        """Where to start (Odoo datetime) and ids already emitted at exactly the bookmark."""
        if self.replication_key is None:
            return None, set()
        value = self.get_starting_replication_key_value(context)
        if not value:
            return None, set()
        state = self.get_context_state(context)
        done: set[int] = set()
        if state.get("replication_key_value") == value:
            done = from_ranges(state.get("bookmark_ids"))
        return to_odoo_datetime(str(value)), done

    def get_records(self, context: Context | None) -> Iterable[Row]:
        """Normalised records; deleted ones last (``_sdc_deleted_at``) when detection is on."""
        self._run_started = utc_now()
        start, done = self._start(context)
        bookmark_iso = None
        if start:
            bookmark_iso = str(self.get_starting_replication_key_value(context))
        if done and bookmark_iso:  # the bookmark second's ids stay "done" if nothing newer comes
            self._mark_value, self._mark_ids = bookmark_iso, sorted(done)
        fields = self.selected_fields()
        normalise = Normaliser(self.fields_get, fields, self.major, self._odd_id)
        parents = self._parent_bounds(context, start, fields)  # asked before reading: see _parent_bounds
        self.begin_records()
        track = self.replication_key is not None
        for page in prefetched(self, self.pages(start, fields, normalise)):
            self.begin_page()
            normalise_row = normalise.fn
            for row in page:
                normalise_row(row)
                if track:
                    when = row.get("write_date")
                    if done and when == bookmark_iso and row["id"] in done:
                        continue  # emitted by the previous run at the very same write_date
                    if when is not None:
                        if self._mark_value is None or when > self._mark_value:
                            self._mark_value = when
                            self._mark_ids = [row["id"]]
                        elif when == self._mark_value:
                            self._mark_ids.append(row["id"])
                yield row
        self._flush_bookmark()  # before singer-sdk finalises the state at the end of the stream
        if track and self._mark_value:  # what a later stream of this run would otherwise probe for
            t.cast("TapOdoo", self._tap).note_latest_write_date(
                self.model, to_odoo_datetime(self._mark_value)
            )
        if parents is not None:
            yield from self._parent_changes(context, start, done, parents, fields, normalise)
        if self.detect_deletions:
            yield from self._deleted_records(context)

    def _odd_id(self, name: str, value: t.Any) -> t.Any:
        """A many2one id of a type the schema does not declare (a comodel keyed by strings that
        ``schema.STRING_ID_MODELS`` does not know, or a catalog discovered on another Odoo version): the
        property takes that type too and the SCHEMA is sent again before the record, once per field."""
        if not isinstance(value, int | str) or isinstance(value, bool):
            value = str(value)
        kind = "string" if isinstance(value, str) else "integer"
        id_schema = _many2one_id(self.schema, name)
        if id_schema is not None and kind not in id_schema["type"]:
            id_schema["type"] = [*id_schema["type"], kind]
            for stream_map in self.stream_maps:  # what the SCHEMA message is written from
                mapped = _many2one_id(getattr(stream_map, "transformed_schema", None) or {}, name)
                if mapped is not None and kind not in mapped["type"]:
                    mapped["type"] = [*mapped["type"], kind]
            self.logger.warning(
                "%s.%s: Odoo answered the %s id %r (many2one to %s) where the schema declared %s; "
                "the stream's SCHEMA is sent again with %s ids allowed",
                self.name,
                name,
                kind,
                value,
                self.fields_get.get(name, {}).get("relation"),
                " or ".join(t for t in id_schema["type"] if t != kind),
                " or ".join(id_schema["type"]),
            )
            self._write_schema_message()
        return value

    # related fields ----------------------------------------------------------------------------

    def _parent_bounds(
        self, context: Context | None, start: str | None, fields: list[str]
    ) -> tuple[dict[str, str], dict[str, str]] | None:
        """Per many2one path of the related fields read (tap_odoo.related): the bound to read parent
        changes from in this run (only paths whose model changed since) and the bound for the next run.

        Asked before the stream is read, so a parent written during the run is after its model's
        latest ``write_date`` seen here and is read by the next run. None: nothing to follow.
        """
        if self.replication_key is None or not self.config.get("track_related_changes", True):
            return None
        stored = self.get_context_state(context).get("related_since") or {}
        tap = t.cast("TapOdoo", self._tap)
        links = related_links(self.fields_get, fields, tap.model_fields)
        if not links:
            return None
        now: dict[str, str] = {}
        later: dict[str, str] = {}
        for path, model in links.items():
            bound = to_odoo_datetime(str(stored[path])) if stored.get(path) else start
            latest = self._latest_write_date(model)
            if latest is None:
                if bound:
                    later[path] = bound
                continue
            if bound is not None and latest >= bound:
                now[path] = bound
            later[path] = next_bound(latest, self._settled(_iso(latest)), bound)
        return now, later

    def _latest_write_date(self, model: str) -> str | None:
        """The latest ``write_date`` of a model (Odoo format), None if it has none or is not readable."""
        tap = t.cast("TapOdoo", self._tap)
        try:
            return tap.latest_write_date(model, {**self.odoo_context(), "active_test": False})
        except OdooFault as fault:
            self.logger.warning(
                "%s: cannot read %s (%s); changes there are not followed",
                self.name,
                model,
                fault.message.splitlines()[0][:200],
            )
            return None

    def _parent_changes(
        self,
        context: Context | None,
        start: str | None,
        done: set[int],
        parents: tuple[dict[str, str], dict[str, str]],
        fields: list[str],
        normalise: Normaliser,
    ) -> Iterator[Row]:
        """Records the write_date pass left out whose parent (template, order, ...) changed since."""
        now, later = parents
        if start is not None and now:
            domain = [*self.base_domain(), *any_parent_changed(now), *before_second_after(start)]
            start_iso = _iso(start)
            count = 0
            try:
                for page in prefetched(self, self.id_pages(domain, fields, normalise)):
                    self.begin_page()
                    normalise_row = normalise.fn
                    for row in page:
                        normalise_row(row)
                        if row.get("write_date") == start_iso and row["id"] not in done:
                            continue  # at the bookmark's second and not done before: emitted above
                        count += 1
                        yield row
            except OdooFault as fault:
                self.logger.warning(
                    "%s: cannot re-read the records whose %s changed (%s); set track_related_changes "
                    "to false to stop trying",
                    self.name,
                    ", ".join(sorted(now)),
                    fault.message.splitlines()[0][:200],
                )
                return  # the bounds stay where they were: the next run tries again
            self.logger.info(
                "%s: %d record(s) re-read because %s changed", self.name, count, ", ".join(sorted(now))
            )
        self.get_context_state(context)["related_since"] = {path: _iso(b) for path, b in later.items()}
        self.state_manager.is_flushed = False

    def _deleted_records(self, context: Context | None) -> Iterator[Row]:
        """Records whose ids were seen by an earlier run and are gone now."""
        state = self.get_context_state(context)
        current = self.client.search(
            self.model, self.base_domain(), order="id asc", context=self.odoo_context()
        )
        previous = from_ranges(state.get("known_ids"))
        gone = sorted(previous.difference(current))
        if gone:
            self.logger.info("%s: %d record(s) deleted since the last run", self.name, len(gone))
        stamp = self.begin_page()
        for record_id in gone:
            record: Row = {"id": record_id, "_sdc_deleted_at": stamp}
            if self.replication_key:
                record[self.replication_key] = self._mark_value or state.get("replication_key_value")
            yield record
        state["known_ids"] = to_ranges(current)
        self.state_manager.is_flushed = False

    # writing -----------------------------------------------------------------------------------

    def _increment_stream_state(self, latest_record: Row, *, context: Context | None = None) -> None:
        """Nothing per record: get_records tracks the highest write_date; see _flush_bookmark."""

    def _flush_bookmark(self) -> None:
        """Advance the bookmark to the highest write_date emitted (one SDK update, not one per record)."""
        if self.replication_key and self._mark_value is not None:
            super()._increment_stream_state({self.replication_key: self._mark_value}, context=None)

    def _write_state_message(self) -> None:
        self._flush_bookmark()
        state = self.stream_state
        if self._mark_value is not None and state.get("replication_key_value") == self._mark_value:
            if self._settled(self._mark_value):
                state["bookmark_ids"] = to_ranges(self._mark_ids)
            else:
                state.pop("bookmark_ids", None)
        super()._write_state_message()

    def _settled(self, value: str) -> bool:
        """True if no write can still land in the bookmark's second (it ended a minute before the run).

        Only then does the next run skip the ids already emitted at that second; a more recent second is
        read again whole, so a record rewritten within that same second is not lost.
        """
        started = getattr(self, "_run_started", None) or utc_now()
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return False
        return when < started - SETTLE_MARGIN
