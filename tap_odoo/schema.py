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

# Models whose ids are not integers, from the Odoo major version on: 19's account.root is keyed by the
# account code prefix (account_root_id answers ["12", "12"]; 17 answered [49050, "12"]). fields_get does not
# say so (the comodel is not even searchable on 19), hence this list; a many2one's id type follows it.
STRING_ID_MODELS = {"account.root": 19}


def id_type(relation: t.Any, major: int) -> str:
    """JSON type of the ids of a many2one's comodel on an Odoo major version: integer or string."""
    since = STRING_ID_MODELS.get(str(relation))
    return "string" if since is not None and major >= since else "integer"


def field_schema(field: Mapping[str, t.Any], major: int = 0) -> dict[str, t.Any] | None:
    """JSON Schema of one Odoo field (of an Odoo ``major`` version), or None for a type we do not emit."""
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
            "properties": {
                "id": {"type": [id_type(field.get("relation"), major)]},
                "name": {"type": ["string", "null"]},
            },
        }
    elif kind in ("one2many", "many2many"):
        schema = {"type": ["array", "null"], "items": {"type": [id_type(field.get("relation"), major)]}}
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


def stream_schema(
    fields_get: Mapping[str, Mapping[str, t.Any]], names: Iterable[str], major: int = 0
) -> dict[str, t.Any]:
    """JSON Schema (object) of a stream reading ``names`` of a model on an Odoo ``major`` version."""
    properties: dict[str, t.Any] = {}
    for name in names:
        if name == "id":
            properties["id"] = {"type": ["integer"], "description": "ID"}
            continue
        schema = field_schema(fields_get[name], major)
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
    """Turns one raw Odoo row into a record matching ``stream_schema``, in place.

    Runs for every record, so the per-field steps are compiled into one straight-line function
    (``self.fn``) instead of looping over field lists. A many2one id of another JSON type than the schema
    declares (``id_type``) goes through ``odd_id(field, id)``, whose answer is emitted: the stream widens its
    schema there, so no record breaks the schema it was sent with.
    """

    def __init__(
        self,
        fields_get: Mapping[str, Mapping[str, t.Any]],
        names: Iterable[str],
        major: int = 0,
        odd_id: Callable[[str, t.Any], t.Any] | None = None,
    ):
        self.kinds: dict[str, str] = {}
        self.id_types: dict[str, str] = {}
        for name in names:
            if name != "id":
                self.kinds[name] = str(fields_get[name].get("type"))
                if self.kinds[name] == "many2one":
                    self.id_types[name] = id_type(fields_get[name].get("relation"), major)
        self.odd_id = odd_id or _keep_id
        self.fn: Callable[[Record], Record] = self._compile()

    def _compile(self) -> Callable[[Record], Record]:
        helpers: dict[str, t.Any] = {
            "_properties": _properties,
            "_json_object": _json_object,
            "_properties_definition": _properties_definition,
            "str": str,
            "int": int,
            "_odd_id": self.odd_id,
        }
        lines = ["def normalise(row):", "    get = row.get"]
        for name, kind in self.kinds.items():
            key = repr(name)
            if kind == "boolean":
                continue
            if kind == "many2one":
                cls = "str" if self.id_types.get(name) == "string" else "int"
                lines += [
                    f"    v = get({key})",
                    "    if v:",
                    "        i = v[0]",
                    f"        if i.__class__ is not {cls}:",
                    f"            i = _odd_id({key}, i)",
                    f"        row[{key}] = {{'id': i, 'name': v[1] or None}}",
                    "    else:",
                    f"        row[{key}] = None",
                ]
            elif kind == "datetime":
                lines += [
                    f"    v = get({key})",
                    f"    row[{key}] = v.replace(' ', 'T', 1) + '+00:00' if v else None",
                ]
            elif kind in ("one2many", "many2many"):
                lines += [f"    if get({key}) is False:", f"        row[{key}] = []"]
            elif kind in ("properties", "json", "properties_definition"):
                func = {"properties": "_properties", "json": "_json_object"}.get(
                    kind, "_properties_definition"
                )
                lines += [f"    if {key} in row:", f"        row[{key}] = {func}(row[{key}])"]

            elif kind == "selection":
                lines += [
                    f"    v = get({key})",
                    "    if v is False:",
                    f"        row[{key}] = None",
                    "    elif v is not None and v.__class__ is not str:",
                    f"        row[{key}] = str(v)",
                ]
            else:
                lines += [f"    if get({key}) is False:", f"        row[{key}] = None"]
        lines.append("    return row")
        namespace = dict(helpers)
        exec(compile("\n".join(lines), "<tap_odoo normaliser>", "exec"), namespace)  # noqa: S102
        return t.cast(Callable[[Record], Record], namespace["normalise"])

    def __call__(self, row: Record) -> Record:
        return self.fn(row)

    def without(self, names: Iterable[str]) -> None:
        """Stop normalising fields the server refused to read."""
        for name in names:
            self.kinds.pop(name, None)
        self.fn = self._compile()


def _keep_id(name: str, value: t.Any) -> t.Any:
    return value


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
    "id_type",
    "stream_schema",
    "to_odoo_datetime",
]
