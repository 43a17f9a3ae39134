"""The write_date keyset against a server whose write_date hides microseconds (as PostgreSQL may store).

The fake ``read`` below evaluates the few domain leaves the pager sends, sorts by the *true* timestamp
like PostgreSQL would, and shows only whole seconds, like Odoo's API.
"""

from __future__ import annotations

import random
import typing as t

from tap_odoo.paging import id_keyset, next_second, offset_pages, write_date_keyset

Row = dict[str, t.Any]


class HiddenMicroseconds:
    def __init__(self, n: int, seconds: int, seed: int = 5) -> None:
        rng = random.Random(seed)
        self.rows = {
            i: f"2026-11-22 10:00:{rng.randrange(seconds):02d}.{rng.randrange(10**6):06d}"
            for i in range(1, n + 1)
        }
        self.page_size = 0
        self.calls = 0
        self.on_call: t.Callable[[int], None] | None = None

    def _match(self, rid: int, leaf: list[t.Any]) -> bool:
        field, op, value = leaf
        if field == "id":
            if op == "not in":
                return rid not in value
            return rid > value if op == ">" else rid <= value
        true = self.rows[rid]
        if value is False:
            return False
        if op == ">=":
            return true >= value
        if op == "<":
            return true < value
        if op == "=":
            return true[:19] == value
        return true > value

    def read(self, domain: list[t.Any], offset: int, order: str) -> list[Row]:
        self.calls += 1
        if self.on_call:
            self.on_call(self.calls)
        assert "|" not in domain and "&" not in domain
        ids = [rid for rid in self.rows if all(self._match(rid, leaf) for leaf in domain)]
        key = (lambda r: (self.rows[r], r)) if order.startswith("write_date") else (lambda r: r)
        ids.sort(key=key)
        chosen = ids[offset : offset + self.page_size]
        return [{"id": rid, "write_date": self.rows[rid][:19]} for rid in chosen]


def test_next_second() -> None:
    assert next_second("2026-12-31 23:59:59") == "2027-01-01 00:00:00"


def test_keyset_reads_every_record_once_despite_hidden_microseconds() -> None:
    server = HiddenMicroseconds(n=300, seconds=7)  # ~43 records per displayed second
    for size in (5, 16, 43, 100, 1000):
        server.page_size = size
        ids = [row["id"] for page in write_date_keyset(server.read, [], None, size) for row in page]
        assert sorted(ids) == list(range(1, 301)), size


def test_keyset_resumes_from_a_bookmark_second() -> None:
    server = HiddenMicroseconds(n=120, seconds=6)
    server.page_size = 10
    ids = [r["id"] for p in write_date_keyset(server.read, [], "2026-11-22 10:00:03", 10) for r in p]
    expected = sorted(rid for rid, ts in server.rows.items() if ts >= "2026-11-22 10:00:03")
    assert sorted(ids) == expected


def test_keyset_misses_nothing_while_records_move_and_vanish() -> None:
    server = HiddenMicroseconds(n=200, seconds=10)
    server.page_size = 9
    deleted: set[int] = set()

    def churn(call: int) -> None:
        # each call: delete one record and rewrite another to "now" (the end of the order)
        victim = 1 + (call * 37) % 200
        if victim in server.rows and len(deleted) < 40:
            del server.rows[victim]
            deleted.add(victim)
        mover = 1 + (call * 53) % 200
        if mover in server.rows:
            server.rows[mover] = f"2026-11-22 10:01:{call % 60:02d}.000000"

    server.on_call = churn
    ids = {r["id"] for p in write_date_keyset(server.read, [], None, 9) for r in p}
    assert set(server.rows) - ids == set()


def test_id_keyset_and_offset_pages() -> None:
    server = HiddenMicroseconds(n=50, seconds=3)
    server.page_size = 7
    assert [r["id"] for p in id_keyset(server.read, [], 7) for r in p] == list(range(1, 51))
    assert sorted(r["id"] for p in offset_pages(server.read, [], "id asc", 7) for r in p) == list(
        range(1, 51)
    )
