"""Singer input for every target: lines parsed with plain floats instead of the SDK's Decimal."""

from __future__ import annotations

import json
import logging
import typing as t
from collections import Counter

from singer_sdk.exceptions import InvalidInputLine
from singer_sdk.io_base import SingerReader

log = logging.getLogger("etl.singer")

SYNC_COMPLETE = "sync_complete"
"""Top-level key of the STATE a tap writes last, once every selected stream was read whole (tap-odoo
writes it; a tap strips it from the state it is given). A target sends aggregates only after it."""


class BrokenLine(InvalidInputLine):
    """A line that is not JSON at all: the input was cut there (a tap killed mid-line)."""


class FloatReader(SingerReader):
    """Numbers as float, not the SDK's Decimal (about 3x faster to parse).

    Money stays exact where it matters: etl's money transforms go through ``Decimal(str(value))``, which gives
    back the JSON text of any number with up to 15 significant digits. Set it as a target's
    ``message_reader_class``.
    """

    broken_line: int | None = None  # number of the line that was not a Singer message (input cut there)

    def deserialize_json(self, line: str) -> dict:
        try:
            return json.loads(line)
        except json.JSONDecodeError as exc:
            raise BrokenLine(f"Unable to parse line as JSON: {line[:200]}") from exc

    def process_lines(
        self, file_input: t.Any, callbacks: dict[str, t.Callable[[dict], None]]
    ) -> t.Counter[str]:
        """Read until the end of input or the first line that is not JSON (a cut input): what came before it
        is processed; the target then holds back aggregates and STATE. A JSON line that breaks the Singer
        spec still fails the run, as singer-sdk does."""
        lines = 0

        def counting(source: t.Iterable[str]) -> t.Iterator[str]:
            nonlocal lines
            for line in source:
                lines += 1
                yield line

        try:
            source = t.cast(t.IO[str], counting(file_input or self.default_input))
            return super().process_lines(source, callbacks)
        except BrokenLine as exc:
            self.broken_line = lines
            log.error("input line %d is not a Singer message (%s); reading stops", lines, str(exc)[:200])
            return Counter()
