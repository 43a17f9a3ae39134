"""The six streams of tap-linkit: products, skus, orders, offers, branches, customers (`GET /api/v1/<list>`).

Each stream reads its list page by page (``page`` from 1, ``limit`` = ``page_size``) until ``has_next`` is
false, and emits the entries as Linkit returns them (orders: the ``order`` object of each entry, see
:class:`OrdersStream`).

Incremental (gap G6): Linkit publishes no "updated since" filter and no sort by ``updated``. So every run
reads every page, and a record is emitted only when its ``updated`` is after the bookmark (or at or after
``start_date``): what Linkit did not change since the last run does not travel to Odoo again. With
``sort_updated`` (for a Linkit that accepts ``sort=-updated``) the read stops at the first page that reaches
the bookmark. The bookmark is the newest ``updated`` read, but earlier than Linkit's clock when the read began
(the first answer's ``Date``), and it does not move when the list changed size while it was paged (an entry
deleted between two pages shifts the next page, so one entry may have been skipped: the next run reads it).
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

from singer_sdk import Stream

from tap_linkit import schemas
from tap_linkit.client import LinkitAnswerError, Page, Row, fetch_page, utc_now

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from etl.http import HttpClient


class HasHttp(t.Protocol):
    http: HttpClient


def parse_time(value: t.Any) -> datetime | None:
    """An RFC 3339 time (``Z`` or an offset; none means UTC), None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def rfc3339(when: datetime) -> str:
    """A time as Linkit writes it (``2024-01-15T10:30:00Z``; fractions kept when there are some)."""
    text = when.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


class LinkitStream(Stream):
    """One paged Linkit list; key ``id``, replication key ``updated`` (see the module's docstring)."""

    path = ""
    schema_dict: schemas.Schema = {}
    is_sorted = False  # Linkit lists come newest-created first, not by updated

    def __init__(self, tap: t.Any) -> None:
        super().__init__(tap, schema=self.schema_dict, name=self.name)
        self.primary_keys = ["id"]
        self.replication_key = "updated"

    @property
    def http(self) -> HttpClient:
        return t.cast(HasHttp, self._tap).http

    def entry(self, row: Row) -> Row:
        """The record of one list entry (as it is; orders unwrap their envelope)."""
        return row

    def list_params(self) -> dict[str, t.Any]:
        """Query of every page: this stream's ``filters`` and, with ``sort_updated``, ``sort=-updated``."""
        given = (self.config.get("filters") or {}).get(self.name) or {}
        # a JSON true/false is sent as Linkit's published booleans (`is_enabled=true`), not Python's True
        params = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in given.items()}
        if self.config.get("sort_updated"):
            params["sort"] = "-updated"
        return params

    # the window -------------------------------------------------------------------------------------

    def get_replication_key_signpost(self, context: Context | None = None) -> None:
        """No signpost: singer-sdk would raise the bookmark to the tap's start (our clock, not Linkit's)."""
        return None

    def _increment_stream_state(self, latest_record: Row, *, context: Context | None = None) -> None:
        """The bookmark is set once, after the whole list was read (:meth:`keep_bookmark`)."""

    def window_start(self, context: Context | None) -> tuple[datetime | None, bool]:
        """Which records are emitted: those updated after the bookmark, or at or after ``start_date`` (on
        the first run, with ``full_sync``, and when it is later than the bookmark). (start, inclusive)."""
        start_date = parse_time(self.config.get("start_date"))
        bookmark = None if self.config.get("full_sync") else self.bookmark(context)
        if bookmark is not None and (start_date is None or bookmark >= start_date):
            return bookmark, False
        return start_date, True

    def bookmark(self, context: Context | None) -> datetime | None:
        """The bookmark of the state given (singer-sdk's starting value may be ``start_date`` instead)."""
        value = self.get_context_state(context).get("replication_key_value")
        return parse_time(value)

    def keep_bookmark(
        self, newest: datetime | None, cap: datetime, totals: set[int], context: Context | None
    ) -> None:
        """The newest ``updated`` read; one second before Linkit's clock at the first answer when that is
        not earlier (a record changed in that second after it was read is then read again, not missed)."""
        if newest is None:
            return
        if len(totals) > 1:
            self.logger.info(
                "%s: the list changed size while it was paged (total_count %s); the bookmark stays where it "
                "was, so the next run reads again what an entry deleted meanwhile may have hidden",
                self.name,
                " -> ".join(str(n) for n in sorted(totals)),
            )
            return
        value = newest if newest < cap else cap - timedelta(seconds=1)
        super()._increment_stream_state({"updated": rfc3339(value)}, context=context)

    # reading ----------------------------------------------------------------------------------------

    def pages(self) -> Iterator[Page]:
        """Every page of the list, until ``has_next`` is false (or the caller stops)."""
        size = int(self.config.get("page_size", 100))
        params = self.list_params()
        number = 1
        while True:
            page = fetch_page(self.http, self.path, {**params, "page": number, "limit": size})
            yield page
            if not page.has_next:
                return
            number += 1

    def get_records(self, context: Context | None) -> Iterable[Row]:
        start, inclusive = self.window_start(context)
        stop_early = bool(self.config.get("sort_updated")) and start is not None
        seen: set[str] = set()
        newest: datetime | None = None
        cap: datetime | None = None
        totals: set[int] = set()
        read = emitted = unchanged = untimed = pages = 0
        for page in self.pages():
            pages += 1
            cap = cap or page.server_time or utc_now()
            if page.total_count is not None:
                totals.add(page.total_count)
            reached_older = False
            for row in page.rows:
                record = self.entry(row)
                key = record.get("id")
                if not isinstance(key, str) or not key:
                    raise LinkitAnswerError(
                        f"GET {self.path} page {pages}: an entry has no id string: {str(row)[:200]}"
                    )
                if key in seen:  # page numbers over a list that grows: an entry shifted onto the next page
                    continue
                seen.add(key)
                read += 1
                when = parse_time(record.get("updated"))
                if when is None:
                    untimed += 1
                elif start is not None and (when < start if inclusive else when <= start):
                    unchanged += 1
                    reached_older = True
                    newest = max(newest or when, when)
                    continue
                else:
                    newest = max(newest or when, when)
                emitted += 1
                yield record
            if stop_early and reached_older:
                break
        self.logger.info(
            "%s: %d entries on %d page(s), %d emitted, %d not updated after %s",
            self.name,
            read,
            pages,
            emitted,
            unchanged,
            rfc3339(start) if start else "-",
        )
        if untimed:
            self.logger.warning(
                "%s: %d record(s) without a readable updated time are emitted on every run",
                self.name,
                untimed,
            )
        self.keep_bookmark(newest, cap or utc_now(), totals, context)


class ProductsStream(LinkitStream):
    name = "products"
    path = "/products"
    schema_dict = schemas.PRODUCTS


class SkusStream(LinkitStream):
    name = "skus"
    path = "/skus"
    schema_dict = schemas.SKUS


class BranchesStream(LinkitStream):
    """Branches with ``working_hours`` in whichever shape Linkit returns (period list or weekday object)
    and ``working_hours_periods``, both unchanged: the receiving side normalises."""

    name = "branches"
    path = "/branches"
    schema_dict = schemas.BRANCHES


class CustomersStream(LinkitStream):
    """``GET /customers`` needs ``X-Organization-ID`` [cust]: the tap checks ``organization_id`` at start."""

    name = "customers"
    path = "/customers"
    schema_dict = schemas.CUSTOMERS


class OffersStream(LinkitStream):
    name = "offers"
    path = "/offers"
    schema_dict = schemas.OFFERS


class OrdersStream(LinkitStream):
    """Orders: each list entry is the envelope ``{"spec_version": "2026-04-01", "order": {...}}`` [ord2];
    the record is the ``order`` (UnifiedOrderPayload) with the envelope's other keys beside it (a Singer key
    must be a top-level field). An entry without ``order`` (the older order object [ord]) is the record.
    UnifiedOrderPayload publishes no ``updated`` (G7): such orders are emitted on every run."""

    name = "orders"
    path = "/orders"
    schema_dict = schemas.ORDERS

    def entry(self, row: Row) -> Row:
        order = row.get("order")
        if "order" not in row:
            return row
        if not isinstance(order, dict):
            raise LinkitAnswerError(f"GET /orders: an entry's order is not an object: {str(row)[:200]}")
        return {**{k: v for k, v in row.items() if k != "order"}, **order}


STREAMS: tuple[type[LinkitStream], ...] = (
    ProductsStream,
    SkusStream,
    OrdersStream,
    OffersStream,
    BranchesStream,
    CustomersStream,
)
STREAM_NAMES: tuple[str, ...] = tuple(str(vars(stream)["name"]) for stream in STREAMS)
