"""etl.singer.FloatReader: Singer lines parsed with floats, and money built from them stays exact."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from singer_sdk import typing as th
from singer_sdk.exceptions import InvalidInputLine
from singer_sdk.sinks import BatchSink
from singer_sdk.target_base import Target

from etl.singer import FloatReader
from etl.transforms import to_minor_units

SEEN: list[dict[str, Any]] = []


class KeepSink(BatchSink):
    def process_record(self, record: dict, context: dict) -> None:
        SEEN.append(record)

    def process_batch(self, context: dict) -> None:
        pass


class FloatTarget(Target):
    name = "target-float-test"
    config_jsonschema = th.PropertiesList().to_dict()
    default_sink_class = KeepSink
    message_reader_class = FloatReader


def singer_lines(price: str) -> str:
    schema = {
        "type": "SCHEMA",
        "stream": "product_product",
        "key_properties": ["id"],
        "schema": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "list_price": {"type": "number"}},
        },
    }
    record = (
        f'{{"type": "RECORD", "stream": "product_product", "record": {{"id": 7, "list_price": {price}}}}}'
    )
    return json.dumps(schema) + "\n" + record + "\n"


@pytest.mark.parametrize("price", ["1.005", "0.1", "12345678.905", "19.99", "3"])
def test_a_target_reads_floats_and_money_stays_exact(price: str) -> None:
    SEEN.clear()
    FloatTarget(config={}).listen(file_input=io.StringIO(singer_lines(price)))
    (record,) = SEEN
    value = record["list_price"]
    assert type(value) is (int if price.isdigit() else float)  # the SDK's reader would give Decimal
    assert to_minor_units(value, "KWD") == to_minor_units(Decimal(price), "KWD")


def test_a_bad_line_is_an_input_error_showing_the_line() -> None:
    with pytest.raises(InvalidInputLine, match="not json"):
        FloatReader().deserialize_json("not json")
    assert FloatReader().deserialize_json('{"a": 1.5, "b": [1, 2]}') == {"a": 1.5, "b": [1, 2]}
