"""Sets of record ids kept compactly in Singer state as ``[[first, last], ...]`` ranges."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def to_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Compact ids into sorted inclusive ranges: ``[1, 2, 3, 7]`` -> ``[[1, 3], [7, 7]]``."""
    ranges: list[list[int]] = []
    for value in sorted(set(ids)):
        if ranges and value == ranges[-1][1] + 1:
            ranges[-1][1] = value
        else:
            ranges.append([value, value])
    return ranges


def iter_ranges(ranges: Iterable[Iterable[int]] | None) -> Iterator[int]:
    """Every id of a range list."""
    for bounds in ranges or ():
        first, last = list(bounds)
        yield from range(int(first), int(last) + 1)


def from_ranges(ranges: Iterable[Iterable[int]] | None) -> set[int]:
    """The set of ids a range list holds."""
    return set(iter_ranges(ranges))
