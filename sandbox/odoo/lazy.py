"""Rows computed from their id, so that a million generated records cost no memory until one is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MISSING: Any = object()

Column = Callable[[int], Any]


class LazyRows:
    """Records `lo .. lo+count-1` of one model; every stored value is `column(i)` with `i = id - lo`.

    `write_date(i)` must not decrease with `i`, so the (write_date, id) order of these rows is their id
    order and a `write_date > X` scan starts by bisection. `inverse[field](target_id)` lists the ids whose
    many2one `field` is `target_id` (for quantities: quants and moves of a product).
    """

    def __init__(
        self,
        lo: int,
        count: int,
        columns: dict[str, Column],
        inverse: dict[str, Callable[[int], list[int]]] | None = None,
    ) -> None:
        self.lo = lo
        self.hi = lo + count
        self.columns = columns
        self.inverse = inverse or {}
        self._write_date = columns["write_date"]

    def has(self, rid: int) -> bool:
        return self.lo <= rid < self.hi

    def value(self, rid: int, field: str) -> Any:
        column = self.columns.get(field)
        return MISSING if column is None else column(rid - self.lo)

    def write_date(self, rid: int) -> str:
        value: str = self._write_date(rid - self.lo)
        return value

    def row(self, rid: int) -> dict[str, Any]:
        i = rid - self.lo
        return {name: column(i) for name, column in self.columns.items()}
