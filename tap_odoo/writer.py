"""A Singer message writer that buffers RECORD lines and flushes on every other message.

singer-sdk's default writer flushes stdout after every message; at tens of thousands of records
per second that is a system call per record. Here RECORD lines stay in the stdout buffer until a
SCHEMA/STATE/ACTIVATE_VERSION message (or the end of the run) flushes them, so a STATE message is
never written before the records it covers.
"""

from __future__ import annotations

import json
import sys
import typing as t

from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import RecordMessage

_ENCODE = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


class BufferedSingerWriter(SingerWriter):
    """SingerWriter without a flush per RECORD, plus a fast path for plain records."""

    def write_message(self, message: t.Any) -> None:
        out = sys.stdout
        out.write(self.format_message(message) + "\n")
        if not isinstance(message, RecordMessage):
            out.flush()

    def write_record_line(
        self, stream: str, record: dict[str, t.Any], time_extracted: str, version: int | None = None
    ) -> None:
        """Write one RECORD message for a record made only of JSON types."""
        message: dict[str, t.Any] = {"type": "RECORD", "stream": stream, "record": record}
        if version is not None:
            message["version"] = version
        message["time_extracted"] = time_extracted
        sys.stdout.write(_ENCODE(message) + "\n")
