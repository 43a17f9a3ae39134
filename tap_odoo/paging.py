"""Page generators over ``search_read``: keyset on (write_date, id), keyset on id, and limit/offset.

Odoo shows ``write_date`` to the second, but PostgreSQL may hold microseconds. Within one displayed second,
rows come back in microsecond order, not in id order. So ``(write_date = S and id > last)`` is not a safe
continuation. The keyset here continues with ``write_date >= S and id not in (ids of second S already
read)``, where S is the last second of the previous page, in ``write_date, id`` order. That is still one
query per page, and it is exact:

- a record written during the sync gets a newer ``write_date`` and is read later;
- a deleted record just disappears;
- no surviving record is skipped, unlike with offset paging.

The excluded ids are only those of one second, so the list stays as small as that second's records.

Every generator reads what it needs from a page *before* yielding it, because the consumer normalises
rows in place.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from collections.abc import Callable, Iterator

Row = dict[str, t.Any]
Domain = list[t.Any]
ReadPage = Callable[[Domain, int, str], list[Row]]  # (domain, offset, order) -> at most page_size rows

ODOO_FORMAT = "%Y-%m-%d %H:%M:%S"


def next_second(value: str) -> str:
    """``2026-11-22 13:40:12`` -> ``2026-11-22 13:40:13``."""
    return (dt.datetime.strptime(value[:19], ODOO_FORMAT) + dt.timedelta(seconds=1)).strftime(ODOO_FORMAT)


def write_date_keyset(
    read: ReadPage, domain: Domain, start: str | None, page_size: int
) -> Iterator[list[Row]]:
    """Pages in write_date order that miss no record even while records change (see module doc)."""
    lower = start
    seen: list[int] = []  # ids already read whose write_date second is `lower`
    while True:
        page_domain = list(domain)
        if lower:
            page_domain.append(["write_date", ">=", lower])
        if seen:
            page_domain.append(["id", "not in", seen])
        page = read(page_domain, 0, "write_date asc, id asc")
        full = len(page) >= page_size
        last_second = page[-1].get("write_date") if page else None
        if page and last_second:
            same = [row["id"] for row in page if row.get("write_date") == last_second]
            seen = [*seen, *same] if last_second == lower else same
            lower = last_second
        if page:
            yield page
        if not full:
            return
        if not last_second:  # rows without write_date sort last: read the rest of them by id
            yield from id_keyset(read, [*domain, ["write_date", "=", False]], page_size)
            return


def id_keyset(read: ReadPage, domain: Domain, page_size: int) -> Iterator[list[Row]]:
    """Pages in id order, each continuing after the last id read."""
    last_id = 0
    while True:
        page = read([*domain, ["id", ">", last_id]] if last_id else domain, 0, "id asc")
        if not page:
            return
        full = len(page) >= page_size
        last_id = page[-1]["id"]
        yield page
        if not full:
            return


def offset_pages(read: ReadPage, domain: Domain, order: str, page_size: int) -> Iterator[list[Row]]:
    """limit/offset paging (what seed 004 does); skips records when earlier rows move or vanish."""
    offset = 0
    while True:
        page = read(domain, offset, order)
        size = len(page)
        if page:
            yield page
        if size < page_size:
            return
        offset += size
