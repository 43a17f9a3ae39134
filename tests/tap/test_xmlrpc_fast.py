"""tap_odoo.xmlrpc_fast decodes exactly what xmlrpc.client decodes, faster and in no more memory.

Equality is checked with types (``1``, ``1.0`` and ``True`` are equal in Python but not the same answer),
on the real Odoo 17 answers of the cassette, on a real-shaped page built from the recorded product records,
and on generated values covering every XML-RPC type and the characters XML and JSON escape. CPU and memory
are compared with xmlrpc.client side by side in the same process (ratios, no absolute timings).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import tracemalloc
import typing as t
import xmlrpc.client
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tap_odoo import xmlrpc_fast

ROOT = Path(__file__).resolve().parents[2]
CASSETTE = ROOT / "tests" / "fixtures" / "cassettes" / "xmlrpc_session.yaml"
PRODUCTS = ROOT / "sandbox" / "odoo" / "recordings" / "product.product" / "records.json"


def typed(value: t.Any) -> t.Any:
    """``value`` with the type of every scalar spelled out, so 1, 1.0 and True compare different."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def stdlib(data: bytes) -> t.Any:
    return xmlrpc.client.loads(data, use_builtin_types=True)[0][0]


def answer(value: t.Any) -> bytes:
    return xmlrpc.client.dumps((value,), methodresponse=True, allow_none=True).encode("utf-8")


def assert_same(data: bytes, *, fast_path: bool) -> None:
    assert typed(xmlrpc_fast.loads(data)) == typed(stdlib(data))
    assert (xmlrpc_fast.decode_fast(data) is not xmlrpc_fast.FALLBACK) is fast_path


def product_page(records: int) -> bytes:
    """A search_read answer of ``records`` real product records (32 stored fields each, as recorded)."""
    recorded = json.loads(PRODUCTS.read_text())["records"]
    rows = [{**recorded[i % len(recorded)], "id": i + 1} for i in range(records)]
    return xmlrpc.client.dumps((rows,), methodresponse=True, allow_none=False).encode("utf-8")


def test_every_recorded_answer_decodes_the_same_and_pages_take_the_fast_path() -> None:
    tape = yaml.safe_load(CASSETTE.read_text())
    fast = 0
    for interaction in tape["interactions"]:
        body = interaction["response"]["body"]["string"]
        data = body.encode() if isinstance(body, str) else body
        try:
            expected = stdlib(data)
        except xmlrpc.client.Fault as fault:
            with pytest.raises(xmlrpc.client.Fault) as got:
                xmlrpc_fast.loads(data)
            assert (got.value.faultCode, got.value.faultString) == (fault.faultCode, fault.faultString)
            continue
        assert typed(xmlrpc_fast.loads(data)) == typed(expected)
        fast += xmlrpc_fast.decode_fast(data) is not xmlrpc_fast.FALLBACK
    assert fast >= 10  # version, authenticate, fields_get, every search_read page: not the fallback


@pytest.mark.parametrize(
    "value",
    [
        "",
        "\n",
        ' quotes " and \\ backslashes \\" and \\n, tab\tinside ',
        "x<y & z>w &amp; &quot; &apos; ' ]]>",
        "ünïcødé 中文 \u2028 emoji \U0001f600",
        "</value>\n<value><string>not a tag</string></value>",
        0,
        -7,
        2**31 - 1,
        True,
        False,
        1.5,
        -0.0,
        5.0,
        1e-05,
        1e16,
        float("inf"),
        float("nan"),
        None,
        [],
        {},
        [[], {}, [[]], {"": ""}],
        {'a"b\\c<&>': {"nested": [1, "2", 3.0, False, None, {}]}},
        b"\x00\x01 bytes",
        dt.datetime(2026, 11, 26, 12, 30, 5),
    ],
    ids=repr,
)
def test_each_xmlrpc_type_and_escape_decodes_like_xmlrpc_client(value: t.Any) -> None:
    data = answer({"v": value, "after": [value, 1]})
    got, expected = xmlrpc_fast.loads(data), stdlib(data)
    if isinstance(value, float) and value != value:  # nan is never equal to itself
        assert repr(got) == repr(expected)
    else:
        assert typed(got) == typed(expected)


def test_generated_nested_answers_decode_like_xmlrpc_client() -> None:
    rng = random.Random(14)
    alphabet = "ab \n\t<>&\"'\\é中"

    def value(depth: int) -> t.Any:
        kind = rng.randrange(8 if depth < 4 else 5)
        if kind == 0:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        if kind == 1:
            return rng.randrange(-(2**31), 2**31)
        if kind == 2:
            return rng.choice([True, False])
        if kind == 3:
            return rng.choice([0.0, 1.25, -3.5, 2.0, 1e-7, 123456789.125])
        if kind == 4:
            return None
        if kind == 5:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        keys = ["id", "name", "a&b", 'q"', ""]
        return {rng.choice(keys): value(depth + 1) for _ in range(rng.randrange(4))}

    for _ in range(300):
        data = answer([value(0) for _ in range(3)])
        assert typed(xmlrpc_fast.loads(data)) == typed(stdlib(data))


def test_a_page_cut_into_pieces_decodes_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages are converted in pieces cut between two structs: cut everywhere, the result is the same."""
    monkeypatch.setattr(xmlrpc_fast, "_PIECE", 1)
    page = product_page(30)
    nested = answer([{"a": [{"b": 1}, {"c": [{}, {"d": None}]}]}, {"e": "x"}, [{"f": 2.5}, {"g": "\\"}]])
    for data in (page, nested):
        assert xmlrpc_fast._as_json(data) is not None
        assert typed(xmlrpc_fast.loads(data)) == typed(stdlib(data))
    assert len(list(xmlrpc_fast._pieces(page))) == 30  # one piece per record


@pytest.mark.parametrize(
    ("body", "fast_path"),
    [
        ("<value><string>caf&#233; &#x41;</string></value>", False),  # character references
        ("<value><string>a\r\nb\rc</string></value>", False),  # XML turns CR into LF
        ("<value><i4>5</i4></value>", True),
        ("<value><i8>123456789012345678901</i8></value>", True),  # beyond 64 bits, as Python reads it
        ("<value><int>007</int></value>", False),  # JSON has no leading zeros
        ("<value><int> 5 </int></value>", True),
        ("<value><double>1e+16</double></value>", False),
        ("<value>untyped is a string</value>", False),
        ("<value><struct>\n</struct></value>", True),
        ("<value><nil/></value>", True),
    ],
)
def test_unusual_layouts_decode_like_xmlrpc_client(body: str, fast_path: bool) -> None:
    head = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
    data = f"{head}{body}\n</param>\n</params>\n</methodResponse>\n"
    assert_same(data.encode(), fast_path=fast_path)


def test_other_declarations_and_faults_go_to_xmlrpc_client() -> None:
    latin = answer("é").replace(b"<?xml version='1.0'?>", b"<?xml version='1.0' encoding='iso-8859-1'?>")
    latin = latin.replace("é".encode(), "é".encode("latin-1"))
    assert_same(latin, fast_path=False)
    assert_same(answer(1).replace(b"<?xml version='1.0'?>\n", b""), fast_path=False)
    fault = xmlrpc.client.dumps(xmlrpc.client.Fault(2, "boom"), methodresponse=True).encode()
    with pytest.raises(xmlrpc.client.Fault, match="boom"):
        xmlrpc_fast.loads(fault)
    with pytest.raises(ValueError, match="DOCTYPE"):
        xmlrpc_fast.loads(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><methodResponse/>')


def _cpu_and_peak(decode: Callable[[bytes], t.Any], data: bytes) -> tuple[float, int]:
    cpu = []
    for _ in range(3):
        started = time.process_time()
        decode(data)
        cpu.append(time.process_time() - started)
    tracemalloc.start()
    try:
        decode(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return min(cpu), peak


def test_a_real_shaped_page_costs_less_cpu_and_no_more_memory_than_xmlrpc_client() -> None:
    data = product_page(300)
    assert xmlrpc_fast.decode_fast(data) is not xmlrpc_fast.FALLBACK
    assert typed(xmlrpc_fast.loads(data)) == typed(stdlib(data))
    fast_cpu, fast_peak = _cpu_and_peak(xmlrpc_fast.loads, data)
    std_cpu, std_peak = _cpu_and_peak(stdlib, data)
    assert fast_cpu < 0.7 * std_cpu, (fast_cpu, std_cpu)
    assert fast_peak <= std_peak, (fast_peak, std_peak)
