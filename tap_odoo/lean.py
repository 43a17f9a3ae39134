"""What the tap's streams share to write many records fast: the lean RECORD path and the page prefetcher.

singer-sdk spends about 40 us per record on its own path (deselected-property pruning, type conformance,
a RecordMessage object, simplejson, a clock read). Streams that already emit JSON types and no deselected
property write each record as one pre-built line instead (``LeanStream``), and read the next page in a
thread while the current one is written (``Prefetcher``).
"""

from __future__ import annotations

import queue
import sys
import threading
import typing as t
from collections.abc import Iterable, Iterator

from singer_sdk import Stream
from singer_sdk.helpers._util import utc_now
from singer_sdk.helpers.conform import TypeConformanceLevel
from singer_sdk.mapper import SameRecordTransform

from tap_odoo.writer import BufferedSingerWriter

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context

    from tap_odoo.client import OdooClient
    from tap_odoo.tap import TapOdoo

Row = dict[str, t.Any]
Page = t.TypeVar("Page")


class Prefetcher(t.Generic[Page]):
    """Runs a page generator one page ahead in a thread, so reading overlaps writing.

    The thread reads page k+1 while the consumer writes page k, and waits before reading k+2.
    """

    _END = object()

    # The fetch thread releases the GIL for every socket read and must get it back to parse the
    # answer; with CPython's default 5 ms switch interval it would wait behind the writing thread
    # for each chunk of a page. A shorter interval while prefetching keeps the reads flowing.
    SWITCH_INTERVAL = 0.0005

    def __init__(self, pages: Iterator[Page], name: str):
        self._pages = pages
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, self.SWITCH_INTERVAL))
        self._queue: queue.Queue[t.Any] = queue.Queue()
        self._slot = threading.Semaphore(1)  # released when the consumer takes a page: one page ahead
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"prefetch-{name}", daemon=True)
        self._thread.start()

    def _wait_for_slot(self) -> bool:
        while not self._stop.is_set():
            if self._slot.acquire(timeout=0.1):
                return True
        return False

    def _run(self) -> None:
        pages = iter(self._pages)
        try:
            while self._wait_for_slot():
                page = next(pages, self._END)
                self._queue.put(page)
                if page is self._END:
                    return
        except BaseException as exc:  # handed to the consumer thread
            self._queue.put(exc)

    def __iter__(self) -> Iterator[Page]:
        try:
            while True:
                item = self._queue.get()
                self._slot.release()  # the fetch thread may read the next page while this one is written
                if item is self._END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self._stop.set()
            self._thread.join(timeout=5)
            sys.setswitchinterval(self._interval)


def prefetched(stream: Stream, pages: Iterable[Page]) -> Iterable[Page]:
    """``pages`` read one page ahead in a thread, unless the ``prefetch`` setting is off."""
    if stream.config.get("prefetch", True):
        return Prefetcher(iter(pages), stream.name)
    return pages


class LeanStream(Stream):
    """A stream whose records are already plain JSON values; written as pre-built RECORD lines.

    ``get_records`` calls ``begin_records`` once, then ``begin_page`` before each page (it stamps
    ``time_extracted``). Stream maps, flattening or another writer switch back to singer-sdk's path.
    """

    TYPE_CONFORMANCE_LEVEL = TypeConformanceLevel.NONE  # records are built with their JSON types
    _fast = False

    @property
    def client(self) -> OdooClient:
        """The tap's shared Odoo client."""
        return t.cast("TapOdoo", self._tap).client

    def lean_path_allowed(self) -> bool:
        """True if no stream map, flattening or other writer needs singer-sdk's per-record path."""
        maps = self.stream_maps
        return (
            isinstance(self._tap.message_writer, BufferedSingerWriter)
            and len(maps) == 1
            and type(maps[0]) is SameRecordTransform
            and not maps[0].flattening_enabled
        )

    def begin_records(self) -> None:
        """Choose the record path for this sync."""
        self._fast = self.lean_path_allowed()
        if self._fast:
            t.cast(BufferedSingerWriter, self._tap.message_writer).choose_encoder()

    def begin_page(self) -> str:
        """Stamp the records of the page about to be written (``time_extracted``); return the stamp."""
        stamp = utc_now().isoformat()
        self._affixes = BufferedSingerWriter.record_affixes(self.name, stamp, self._stream_version)
        return stamp

    def generate_child_contexts(self, record: Row, context: Context | None) -> Iterable[Context | None]:
        """No child streams: skip the per-record context copy singer-sdk would make."""
        if not self.child_streams:
            return ()
        return super().generate_child_contexts(record, context)

    def _write_record_message(self, record: Row) -> None:
        if self._fast:
            prefix, suffix = self._affixes
            t.cast(BufferedSingerWriter, self._tap.message_writer).write_record_line(prefix, record, suffix)
            self.state_manager.is_flushed = False
        else:
            super()._write_record_message(record)
