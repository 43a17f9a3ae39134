"""A Singer message writer that buffers RECORD lines and flushes on every other message.

singer-sdk's default writer flushes stdout after every message; at tens of thousands of records
per second that is a system call per record. Here RECORD lines stay in the stdout buffer until a
SCHEMA/STATE/ACTIVATE_VERSION message (or the end of the run) flushes them, so a STATE message is
never written before the records it covers.
"""

from __future__ import annotations

import functools
import json
import sys
import typing as t

from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import RecordMessage

_ENCODE = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


def _make_record_encoder(utf8: bool = True) -> t.Callable[[dict[str, t.Any]], str]:
    """msgspec's JSON encoder (about 10x faster; writes UTF-8), else the stdlib C encoder made once.

    ``utf8=False`` (stdout is not UTF-8) keeps the stdlib encoder, which escapes non-ASCII as ``\\uXXXX``.
    """
    try:
        if not utf8:
            raise ImportError("stdout is not UTF-8")
        import msgspec.json

        fast = msgspec.json.Encoder().encode

        def encode_msgspec(record: dict[str, t.Any]) -> str:
            return fast(record).decode()

        return encode_msgspec
    except ImportError:  # pragma: no cover - msgspec is a dependency; keep working without it
        pass
    try:
        from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - pure-Python json
        return _ENCODE
    if c_make_encoder is None:  # pragma: no cover
        return _ENCODE
    encoder = c_make_encoder(None, None, encode_basestring_ascii, None, ":", ",", False, False, False)

    def encode(record: dict[str, t.Any]) -> str:
        return "".join(encoder(record, 0))

    return encode


@functools.cache
def _record_encoder(utf8: bool) -> t.Callable[[dict[str, t.Any]], str]:
    return _make_record_encoder(utf8)


def _encode_utf8(record: dict[str, t.Any]) -> str:
    """The encoder until ``choose_encoder`` picks one for the run's stdout."""
    return _record_encoder(True)(record)


def _stdout_is_utf8() -> bool:
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


class BufferedSingerWriter(SingerWriter):
    """SingerWriter without a flush per RECORD, plus a fast path for plain records."""

    def write_message(self, message: t.Any) -> None:
        out = sys.stdout
        out.write(self.format_message(message) + "\n")
        if not isinstance(message, RecordMessage):
            out.flush()

    def write_record_line(self, prefix: str, record: dict[str, t.Any], suffix: str) -> None:
        """Write one RECORD message; ``record_affixes`` builds the constant parts once per page."""
        sys.stdout.write(prefix + self.encode_record(record) + suffix)

    def choose_encoder(self) -> None:
        """Pick the record encoder for the current stdout (called once per stream sync).

        Made here, not at import: msgspec is only loaded by a run that writes records (not ``--about``).
        """
        self.encode_record = _record_encoder(_stdout_is_utf8())

    encode_record: t.Callable[[dict[str, t.Any]], str] = staticmethod(_encode_utf8)

    @staticmethod
    def record_affixes(stream: str, time_extracted: str, version: int | None = None) -> tuple[str, str]:
        """The JSON around a record in a RECORD message, same keys as singer-sdk writes."""
        prefix = '{"type":"RECORD","stream":' + _ENCODE(stream) + ',"record":'
        tail = "" if version is None else f',"version":{int(version)}'
        return prefix, tail + ',"time_extracted":' + _ENCODE(time_extracted) + "}\n"
