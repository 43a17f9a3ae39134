"""The fast RECORD line says what singer-sdk's own writer would say."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json

from singer_sdk.io_base import SingerWriter
from singer_sdk.singerlib import RecordMessage

from tap_odoo.writer import BufferedSingerWriter

RECORD = {
    "id": 7,
    "name": 'Caf\u00e9 \u2615 "x"\n',
    "categ_id": {"id": 1, "name": "All"},
    "taxes_id": [1, 2],
    "list_price": 0.1,
    "active": False,
    "barcode": None,
}


def _line(writer: BufferedSingerWriter, out: io.TextIOBase) -> str:
    with contextlib.redirect_stdout(out):
        writer.choose_encoder()
        prefix, suffix = writer.record_affixes("product_product", "2026-11-23T10:00:00+00:00", 5)
        writer.write_record_line(prefix, RECORD, suffix)
    return out.getvalue()  # type: ignore[attr-defined]


def test_fast_line_equals_sdk_message() -> None:
    sdk = SingerWriter().format_message(
        RecordMessage(
            stream="product_product",
            record=RECORD,
            version=5,
            time_extracted=dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC),
        )
    )
    fast = _line(BufferedSingerWriter(), io.StringIO())
    assert fast.endswith("\n") and fast.count("\n") == 1
    assert json.loads(fast) == json.loads(sdk)


def test_non_utf8_stdout_gets_ascii_escapes() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    writer = BufferedSingerWriter()
    with contextlib.redirect_stdout(out):
        writer.choose_encoder()
        prefix, suffix = writer.record_affixes("s", "2026-11-23T10:00:00+00:00")
        writer.write_record_line(prefix, RECORD, suffix)
        out.flush()
    raw = out.buffer.getvalue()
    assert b"\\u2615" in raw
    assert json.loads(raw.decode("cp1252"))["record"] == RECORD
