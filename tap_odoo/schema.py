"""JSON Schema from Odoo's ``fields_get``, the default field set, and record normalisation.

Odoo answers ``False`` for an empty non-boolean value, ``[id, display_name]`` for a many2one and
``"YYYY-MM-DD HH:MM:SS"`` (UTC) for a datetime; the normaliser turns those into ``null``,
``{"id": .., "name": ..}`` and ISO 8601 with ``+00:00``.
"""

from __future__ import annotations

import typing as t
from collections.abc import Callable, Iterable, Mapping, Sequence

FIELDS_GET_ATTRIBUTES = ["string", "type", "relation", "store", "related", "required", "readonly"]

STRING_TYPES = frozenset({"char", "text", "html", "selection", "reference"})
BOOKKEEPING_NAMES = frozenset({"website_message_ids"})
BOOKKEEPING_PREFIXES = ("message_", "activity_")
BOOKKEEPING_SUFFIXES = ("_follower_ids",)

Record = dict[str, t.Any]


def field_schema(field: Mapping[str, t.Any]) -> dict[str, t.Any] | None:
    """JSON Schema of one Odoo field, or None for a type we do not emit."""
    kind = field.get("type")
    schema: dict[str, t.Any]
    if kind in STRING_TYPES:
        schema = {"type": ["string", "null"]}
    elif kind == "integer" or kind == "many2one_reference":
        schema = {"type": ["integer", "null"]}
    elif kind in ("float", "monetary"):
        schema = {"type": ["number", "null"]}
    elif kind == "boolean":
        schema = {"type": ["boolean"]}
    elif kind == "date":
        schema = {"type": ["string", "null"], "format": "date"}
    elif kind == "datetime":
        schema = {"type": ["string", "null"], "format": "date-time"}
    elif kind == "many2one":
        schema = {
            "type": ["object", "null"],
            "properties": {"id": {"type": ["integer"]}, "name": {"type": ["string", "null"]}},
        }
    elif kind in ("one2many", "many2many"):
        schema = {"type": ["array", "null"], "items": {"type": ["integer"]}}
    elif kind in ("json", "properties"):
        schema = {"type": ["object", "null"]}
    elif kind == "properties_definition":
        schema = {"type": ["array", "null"], "items": {"type": ["object"]}}
    elif kind == "binary":
        schema = {"type": ["string", "null"], "contentEncoding": "base64"}
    else:
        return None
    label = field.get("string")
    if label:
        schema["description"] = str(label)
    return schema


def is_bookkeeping(name: str) -> bool:
    """Mail/activity bookkeeping fields left out of the default set."""
    return (
        name in BOOKKEEPING_NAMES
        or name.startswith(BOOKKEEPING_PREFIXES)
        or name.endswith(BOOKKEEPING_SUFFIXES)
    )


def default_fields(
    fields_get: Mapping[str, Mapping[str, t.Any]],
    *,
    include_binary: bool = False,
    extra_fields: Iterable[str] = (),
    only_fields: Sequence[str] | None = None,
    ignore_fields: Iterable[str] = (),
) -> list[str]:
    """Field names a stream reads: stored + related non-stored, minus binary and bookkeeping.

    ``only_fields`` restricts to a list (``id`` and ``write_date`` are kept when present),
    ``extra_fields`` adds computed fields, ``ignore_fields`` removes fields.
    """
    ignored = set(ignore_fields)
    if only_fields is not None:
        wanted = {"id", "write_date", *only_fields, *extra_fields}
        chosen = [name for name in fields_get if name in wanted]
    else:
        chosen = []
        extras = set(extra_fields)
        for name, field in fields_get.items():
            if name in extras:
                chosen.append(name)
                continue
            if field.get("type") == "binary" and not include_binary:
                continue
            if not (field.get("store") or field.get("related")):
                continue
            if is_bookkeeping(name):
                continue
            chosen.append(name)
    names = [name for name in chosen if name not in ignored and field_schema(fields_get[name]) is not None]
    if "id" not in names:
        names.insert(0, "id")
    return sorted(names, key=lambda name: (name != "id", name))


def stream_schema(fields_get: Mapping[str, Mapping[str, t.Any]], names: Iterable[str]) -> dict[str, t.Any]:
    """JSON Schema (object) of a stream reading ``names`` of a model."""
    properties: dict[str, t.Any] = {}
    for name in names:
        if name == "id":
            properties["id"] = {"type": ["integer"], "description": "ID"}
            continue
        schema = field_schema(fields_get[name])
        if schema is not None:
            properties[name] = schema
    return {"type": "object", "properties": properties, "required": ["id"]}


def _iso_datetime(value: t.Any) -> str | None:
    if not value:
        return None
    text = str(value)
    if "T" in text:
        return text if text.endswith(("Z", "+00:00")) else text + "+00:00"
    return text.replace(" ", "T", 1) + "+00:00"


def _properties(value: t.Any) -> dict[str, t.Any] | None:
    if not value:
        return None
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(item.get("name")): item.get("value") for item in value if isinstance(item, dict)}
    return {"value": value}


def _json_object(value: t.Any) -> dict[str, t.Any] | None:
    if value is False or value is None:
        return None
    return value if isinstance(value, dict) else {"value": value}


def _properties_definition(value: t.Any) -> list[dict[str, t.Any]] | None:
    if not value:
        return None if value is False or value is None else []
    return [item for item in value if isinstance(item, dict)]


class Normaliser:
    """Turns one raw Odoo row into a record matching ``stream_schema`` (in place, for speed)."""

    def __init__(self, fields_get: Mapping[str, Mapping[str, t.Any]], names: Iterable[str]):
        self.false_to_none: list[str] = []
        self.many2one: list[str] = []
        self.datetimes: list[str] = []
        self.to_list: list[str] = []
        self.other: list[tuple[str, Callable[[t.Any], t.Any]]] = []
        for name in names:
            if name == "id":
                continue
            kind = fields_get[name].get("type")
            if kind == "many2one":
                self.many2one.append(name)
            elif kind == "datetime":
                self.datetimes.append(name)
            elif kind in ("one2many", "many2many"):
                self.to_list.append(name)
            elif kind == "properties":
                self.other.append((name, _properties))
            elif kind == "json":
                self.other.append((name, _json_object))
            elif kind == "properties_definition":
                self.other.append((name, _properties_definition))
            elif kind == "selection":
                self.other.append((name, lambda v: None if v is False or v is None else str(v)))
            elif kind in ("float", "monetary", "integer", "many2one_reference"):
                self.other.append((name, lambda v: None if v is False else v))
            elif kind != "boolean":
                self.false_to_none.append(name)

    def __call__(self, row: Record) -> Record:
        for name in self.false_to_none:
            if row.get(name) is False:
                row[name] = None
        for name in self.many2one:
            value = row.get(name)
            row[name] = {"id": value[0], "name": value[1] or None} if value else None
        for name in self.datetimes:
            value = row.get(name)
            row[name] = value.replace(" ", "T", 1) + "+00:00" if value else None
        for name in self.to_list:
            if row.get(name) is False:
                row[name] = []
        for name, convert in self.other:
            if name in row:
                row[name] = convert(row[name])
        return row

    def without(self, names: Iterable[str]) -> None:
        """Stop normalising fields the server refused to read."""
        dropped = set(names)
        self.false_to_none = [n for n in self.false_to_none if n not in dropped]
        self.many2one = [n for n in self.many2one if n not in dropped]
        self.datetimes = [n for n in self.datetimes if n not in dropped]
        self.to_list = [n for n in self.to_list if n not in dropped]
        self.other = [(n, f) for n, f in self.other if n not in dropped]


def to_odoo_datetime(value: str) -> str:
    """ISO 8601 (as in a bookmark or start_date) to Odoo's ``YYYY-MM-DD HH:MM:SS`` in UTC."""
    import datetime as dt

    text = value.strip().replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.strftime("%Y-%m-%d %H:%M:%S")


__all__ = [
    "FIELDS_GET_ATTRIBUTES",
    "Normaliser",
    "_iso_datetime",
    "default_fields",
    "field_schema",
    "stream_schema",
    "to_odoo_datetime",
]
