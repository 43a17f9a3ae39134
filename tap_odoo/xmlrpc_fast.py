"""XML-RPC answers decoded by rewriting Odoo's XML into JSON with ``bytes.replace``, then ``json.loads``.

``xmlrpc.client.loads`` runs a Python callback for every XML event: about 1,000 per product record of the
tap's default field set. Odoo writes its answers with ``xmlrpc.client``'s marshaller, whose layout is fixed
(``<value><string>…</string></value>`` and a newline after each closing tag), so a page can be turned into
JSON by a few passes of literal replacements in C and decoded by the C JSON scanner: no Python call per
value and no tree. On a real-sized page (2,000 products x 98 fields, 18.6 MB) this takes about half the CPU
of ``xmlrpc.client.loads`` and less memory than an ElementTree (docs/tap-odoo.md, "XML-RPC").

Only what the rewrite fully understands is decoded this way: a tag left over after the passes, a character
reference, an XML declaration naming another encoding, a fault, ``dateTime.iso8601`` or ``base64`` all fall
back to ``xmlrpc.client.loads``, so every answer decodes to exactly what the stdlib gives
(tests/tap/test_xmlrpc_fast.py compares the two on the recorded answers and on generated ones).
"""

from __future__ import annotations

import json
import re
import typing as t

# The answer around the single result, as xmlrpc.client.dumps(..., methodresponse=True) writes it.
_HEAD = re.compile(
    rb"<\?xml version='1\.0'(?: encoding='(?i:utf-8)')?\?>\n<methodResponse>\n<params>\n<param>\n"
)
_TAIL = b"</param>\n</params>\n</methodResponse>\n"

# Applied in this order. Separators first: they are found by the ``</value>`` that ends the value before
# them, which the type passes below consume; the first pass shrinks a page most (a lower peak of memory).
# Text never holds ``<`` (XML escapes it), so no pass can match inside a string, and a ``<`` left at the
# end means something the passes did not understand.
_PASSES: tuple[tuple[bytes, bytes], ...] = (
    (b"</value>\n</member>\n<member>\n<name>", b'</value>,"'),  # between struct members
    (b"</value>\n<value>", b"</value>,<value>"),  # between array items
    (b"</value>\n</member>\n</struct></value>", b"</value>}"),  # after the last member
    (b"<value><struct>\n<member>\n<name>", b'{"'),  # before the first member
    (b"</name>\n<value>", b'":<value>'),
    (b"<value><array><data>\n</data></array></value>", b"[]"),
    (b"<value><boolean>0</boolean></value>", b"false"),
    (b"<value><boolean>1</boolean></value>", b"true"),
    (b"<value><string>", b'"'),
    (b"</string></value>", b'"'),
    (b"<value><int>", b""),
    (b"</int></value>", b""),
    (b"<value><array><data>", b"["),
    (b"</data></array></value>", b"]"),
    (b"<value><double>", b""),
    (b"</double></value>", b"e0"),  # "5" -> 5e0: a float, as xmlrpc.client gives; "1e-05e0" is refused
)
# Rare in Odoo's answers: only tried when a tag is left after the passes above.
_RARE_PASSES: tuple[tuple[bytes, bytes], ...] = (
    (b"<value><struct>\n</struct></value>", b"{}"),
    (b"<value><nil/></value>", b"null"),  # answers with allow_none: Odoo marshals None as False
    (b"<value><i4>", b""),
    (b"</i4></value>", b""),
    (b"<value><i8>", b""),
    (b"</i8></value>", b""),
)
_ENTITIES: tuple[tuple[bytes, bytes], ...] = (
    (b"&lt;", b"<"),
    (b"&gt;", b">"),
    (b"&quot;", b'\\"'),
    (b"&apos;", b"'"),
)


# Where a page is cut into pieces: between two structs of an array (two records of a page). Only the
# array separator spans the cut, so the pieces are converted alone and joined with a comma.
_CUT = b"</struct></value>\n<value><struct>"
_CUT_AFTER = len(b"</struct></value>\n")
_PIECE = 1 << 22  # 4 MiB of XML at a time: a page is never copied whole (peak memory)


def _pieces(data: bytes) -> t.Iterator[bytes]:
    """``data`` in pieces of about ``_PIECE`` bytes, cut only at ``_CUT`` (a small answer: itself)."""
    start = 0
    while len(data) - start > _PIECE:
        cut = data.find(_CUT, start + _PIECE)
        if cut < 0:
            break
        yield data[start : cut + _CUT_AFTER]
        start = cut + _CUT_AFTER
    yield data[start:] if start else data


def _replace_all(text: bytes, escape_backslash: bool, escape_quote: bool) -> bytes:
    if escape_backslash:
        text = text.replace(b"\\", b"\\\\")
    if escape_quote:
        text = text.replace(b'"', b'\\"')
    for old, new in _PASSES:
        text = text.replace(old, new)
    return text


def _finish(text: bytes) -> bytes | None:
    """Rare tags and the entities of a converted piece; None if a tag or a character reference is left."""
    if b"<" in text:
        for old, new in _RARE_PASSES:
            text = text.replace(old, new)
        if b"<" in text:
            return None
    if b"&" in text:
        for old, new in _ENTITIES:
            text = text.replace(old, new)
        if text.count(b"&") != text.count(b"&amp;"):
            return None  # a character reference (&#...;): expat's job
        text = text.replace(b"&amp;", b"&")
    return text


def _as_json(data: bytes) -> bytes | None:
    """The JSON text of the answer's result, or None if the answer is not in Odoo's usual layout."""
    head = _HEAD.match(data)
    if head is None or not data.endswith(_TAIL):
        return None
    if b"\r" in data:
        return None  # XML turns CR into LF in text; leave that to expat
    text = _convert(data, head.end())
    if text is None and b"<nil/></value>" in data:  # xmlrpc.client writes no newline after a nil
        text = _convert(data.replace(b"<nil/></value>", b"<nil/></value>\n"), head.end())
    return text


def _convert(data: bytes, head: int) -> bytes | None:
    """The JSON text between the first ``head`` bytes and the tail, converted piece by piece."""
    escape = (b"\\" in data, b'"' in data)
    converted = [_replace_all(piece, *escape) for piece in _pieces(data)]  # no pass touches head or tail
    converted[0] = converted[0][head:]
    converted[-1] = converted[-1][: -len(_TAIL)]
    for index, text in enumerate(converted):
        finished = _finish(text)
        if finished is None:
            return None
        converted[index] = finished
    return converted[0] if len(converted) == 1 else b",".join(converted)


FALLBACK = object()  # what ``decode_fast`` returns for an answer it leaves to xmlrpc.client


def decode_fast(data: bytes) -> t.Any:
    """The result of an answer in Odoo's usual layout, decoded as JSON; else ``FALLBACK``."""
    text = _as_json(data)
    if text is None:
        return FALLBACK
    try:
        document = text.decode("utf-8")  # strictly, as expat: no lone surrogates
        del text  # the bytes go before the values are built: a lower peak of memory
        return json.loads(document, strict=False)  # strict=False: raw newlines and tabs in strings
    except ValueError:
        return FALLBACK  # "nan", "1e-05e0", an int with leading zeros, bad UTF-8...: xmlrpc.client decides


def loads(data: bytes) -> t.Any:
    """The single result of a methodResponse (raises xmlrpc.client.Fault for a fault).

    XML-RPC never carries a DOCTYPE, so an answer with one is refused: no entity tricks reach expat.
    """
    result = decode_fast(data)
    if result is not FALLBACK:
        return result
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError("an XML-RPC answer must not contain a DOCTYPE or ENTITY declaration")
    import xmlrpc.client  # here: loaded only for an answer the fast path leaves to it

    results, _method = xmlrpc.client.loads(data, use_builtin_types=True)
    return results[0]
