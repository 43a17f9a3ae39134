"""Mapping files: load + validate them, then build platform payloads from tap records."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from collections.abc import Mapping as MappingABC
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from etl.errors import MappingError, MappingFileError
from etl.paths import get_path, set_path
from etl.transforms import BuildContext, get_custom, get_transform

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "mapping.schema.json"

__all__ = [
    "EntitySpec",
    "FieldSpec",
    "Mapping",
    "MappingError",
    "MappingFileError",
    "get_path",
    "load_mapping",
    "stream_matches",
]


@dataclass(frozen=True)
class FieldSpec:
    target: str
    source: str | list[str] | None
    type: str
    transform: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    required: bool = False
    default: Any = None
    has_default: bool = False


@dataclass(frozen=True)
class EntitySpec:
    name: str
    streams: list[str]
    key: str | list[str]
    fields: list[FieldSpec]
    model: str | None = None
    id_source: str = "id"
    sku_source: str | None = None
    filter: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int | None = None


@cache
def _schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _entry(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


PAYLOAD_MODULES = ("etl.mapping", "etl.transforms", "etl.paths")  # the code every payload is built with


@cache
def _package_source(directory: str) -> bytes:
    """The ``*.py`` files of one package directory (not its subpackages), names and contents, in order."""
    out = b""
    for path in sorted(Path(directory).glob("*.py")):
        try:
            out += path.name.encode() + b"\0" + path.read_bytes() + b"\0"
        except OSError:
            out += path.name.encode() + b"\0"
    return out


def code_hash(functions: Iterable[Callable[..., Any]]) -> str:
    """sha256 over the source of the packages that build payloads: etl's and those of ``functions`` (each
    package directory's ``*.py`` files), and the functions' names. A change there may change payloads."""
    functions = list(functions)
    names = sorted({f"{fn.__module__}.{getattr(fn, '__qualname__', repr(fn))}" for fn in functions})
    packages: dict[
        str, str
    ] = {}  # package name -> its directory (the name, not the path: moving a venv is no change)
    for module in {*PAYLOAD_MODULES, *(str(fn.__module__) for fn in functions)}:
        path = getattr(sys.modules.get(module), "__file__", None)
        if path:
            packages[module.rsplit(".", 1)[0]] = str(Path(path).parent)
    digest = hashlib.sha256()
    for package, directory in sorted(packages.items()):
        digest.update(package.encode() + b"\0" + _package_source(directory))
    digest.update("\n".join(names).encode())
    return digest.hexdigest()


def stream_matches(declared: str, stream: str) -> bool:
    """``product.product`` and ``product_product`` name the same stream."""
    return declared == stream or declared.replace(".", "_") == stream.replace(".", "_")


def _is_empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == [] or value == {}


def _compare(op: str, have: Any, want: Any) -> bool:
    if op == "present":
        return not _is_empty(have)
    if op == "absent":
        return _is_empty(have)
    if op == "truthy":
        return bool(have)
    if op == "falsy":
        return not have
    if isinstance(have, MappingABC):
        have = have.get("id") if not isinstance(want, str) else have.get("name")
    if op == "eq":
        return bool(have == want)
    if op == "ne":
        return bool(have != want)
    if op == "in":
        return have in want
    if op == "not_in":
        return have not in want
    if have is None:
        return False
    try:
        if op == "gt":
            return bool(have > want)
        if op == "gte":
            return bool(have >= want)
        if op == "lt":
            return bool(have < want)
        if op == "lte":
            return bool(have <= want)
    except TypeError:
        return False
    raise ValueError(op)


class Mapping:
    """A loaded, validated mapping file for one platform."""

    def __init__(
        self,
        platform: str,
        entities: dict[str, EntitySpec],
        lookups: dict[str, dict[str, Any]],
        path: Path | None = None,
    ) -> None:
        self.platform = platform
        self.entities = entities
        self.lookups = lookups
        self.path = path
        self._by_stream: dict[str, list[EntitySpec]] = {}

    # ------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        source: str | Path | MappingABC[str, Any],
        *,
        lookups: MappingABC[str, MappingABC[str, Any]] | None = None,
    ) -> Mapping:
        """Load from a path or a dict; raise :class:`MappingFileError` naming the bad entry."""
        path: Path | None = None
        if isinstance(source, str | Path):
            path = Path(source)
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise MappingFileError("<file>", "file not found", str(path)) from None
            except json.JSONDecodeError as exc:
                raise MappingFileError(
                    f"line {exc.lineno} column {exc.colno}", f"not valid JSON: {exc.msg}", str(path)
                ) from None
        else:
            doc = dict(source)
        where = str(path) if path else None
        errors = sorted(_schema_validator().iter_errors(doc), key=lambda e: (len(e.absolute_path), e.path))
        if errors:
            err = jsonschema.exceptions.best_match(errors)
            raise MappingFileError(_entry(err.absolute_path), err.message, where)
        merged: dict[str, dict[str, Any]] = {
            name: {str(k): v for k, v in table.items()} for name, table in doc.get("lookups", {}).items()
        }
        for name, table in (lookups or {}).items():
            merged.setdefault(name, {}).update({str(k): v for k, v in table.items()})
        entities: dict[str, EntitySpec] = {}
        for ename, edoc in doc["entities"].items():
            fields: list[FieldSpec] = []
            for i, fdoc in enumerate(edoc["fields"]):
                entry = f"entities.{ename}.fields[{i}] ({fdoc['target']})"
                spec = FieldSpec(
                    target=fdoc["target"],
                    source=fdoc.get("source"),
                    type=fdoc["type"],
                    transform=fdoc.get("transform"),
                    args=dict(fdoc.get("args", {})),
                    required=bool(fdoc.get("required", False)),
                    default=fdoc.get("default"),
                    has_default="default" in fdoc,
                )
                cls._check_field(spec, entry, merged, where)
                fields.append(spec)
            targets = [f.target for f in fields]
            dupes = sorted({t for t in targets if targets.count(t) > 1})
            if dupes:
                raise MappingFileError(
                    f"entities.{ename}.fields", f"target {dupes[0]!r} is mapped twice", where
                )
            entities[ename] = EntitySpec(
                name=ename,
                streams=list(edoc["streams"]),
                key=edoc["key"],
                fields=fields,
                model=edoc.get("model"),
                id_source=edoc.get("id_source", "id"),
                sku_source=edoc.get("sku_source"),
                filter=[dict(c) for c in edoc.get("filter", [])],
                batch_size=edoc.get("batch_size"),
            )
        return cls(doc["platform"], entities, merged, path)

    @staticmethod
    def _check_field(spec: FieldSpec, entry: str, lookups: MappingABC[str, Any], where: str | None) -> None:
        if spec.type in ("transform", "custom") and not spec.transform:
            raise MappingFileError(entry, f"type {spec.type!r} needs a 'transform' name", where)
        try:
            if spec.type == "transform":
                get_transform(str(spec.transform))
            elif spec.type == "custom":
                get_custom(str(spec.transform))
        except MappingFileError as exc:
            raise MappingFileError(entry, exc.reason, where) from None
        if spec.transform == "lookup" and spec.type == "transform":
            table = spec.args.get("table")
            if table is None:
                raise MappingFileError(entry, "transform 'lookup' needs args.table", where)
            if isinstance(table, str) and table not in lookups:
                raise MappingFileError(entry, f"lookup table {table!r} is not defined under 'lookups'", where)
        if spec.transform == "template" and "template" not in spec.args:
            raise MappingFileError(entry, "transform 'template' needs args.template", where)
        if spec.source is None and spec.type == "direct" and not spec.has_default:
            raise MappingFileError(entry, "a direct field needs a 'source' or a 'default'", where)

    # ------------------------------------------------------------ using

    def entity(self, name: str) -> EntitySpec:
        try:
            return self.entities[name]
        except KeyError:
            raise MappingFileError(
                f"entities.{name}", f"no such entity; the file defines {', '.join(sorted(self.entities))}"
            ) from None

    def entities_for_stream(self, stream: str) -> list[EntitySpec]:
        """The entities ``stream`` feeds (remembered per stream name: asked once per record)."""
        found = self._by_stream.get(stream)
        if found is None:
            found = [e for e in self.entities.values() if any(stream_matches(s, stream) for s in e.streams)]
            self._by_stream[stream] = found
        return found

    def functions(self, entity: str) -> list[Callable[..., Any]]:
        """The transform and custom functions the entity's fields run."""
        spec = self.entity(entity)
        return [
            get_transform(str(f.transform)) if f.type == "transform" else get_custom(str(f.transform))
            for f in spec.fields
            if f.type in ("transform", "custom")
        ]

    def fingerprint(self, entity: str) -> str:
        """sha256 of everything in the mapping a payload of ``entity`` is built from besides the record and
        the settings: the platform, the entity's spec (key, filter, fields with their args and defaults),
        every lookup table, and the code (:func:`code_hash` of the functions its fields run)."""
        doc = {
            "platform": self.platform,
            "entity": asdict(self.entity(entity)),
            "lookups": self.lookups,
            "code": code_hash(self.functions(entity)),
        }
        canon = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        return hashlib.sha256(canon.encode("utf-8")).hexdigest()

    def needs(self, entity: str) -> dict[str, str]:
        """Top-level record fields the entity reads (key, ids, filter, every field's sources), each with
        the payload field that needs it: what a target checks the stream's SCHEMA against at start."""
        spec = self.entity(entity)
        out: dict[str, str] = {}

        def need(path: str | None, why: str) -> None:
            if path:
                out.setdefault(path.split(".")[0], f"{entity}.{why}")

        for key in spec.key if isinstance(spec.key, list) else [spec.key]:
            need(key, "key")
        need(spec.id_source, "odoo id")
        need(spec.sku_source, "sku")
        for cond in spec.filter:
            need(cond.get("source"), "filter")
        for fs in spec.fields:
            if fs.has_default:  # absent, the mapping's own default stands in: nothing of another meaning
                continue
            for path in fs.source if isinstance(fs.source, list) else [fs.source]:
                need(path, fs.target)
        return out

    def accepts(self, entity: str, record: MappingABC[str, Any]) -> bool:
        """Whether the record passes the entity's filter (all conditions must hold)."""
        for cond in self.entity(entity).filter:
            if not _compare(cond["op"], get_path(record, cond["source"]), cond.get("value")):
                return False
        return True

    def key_of(self, entity: str, record: MappingABC[str, Any]) -> str:
        """The record's key on the platform; several key paths are joined with ``@``."""
        spec = self.entity(entity)
        paths = spec.key if isinstance(spec.key, list) else [spec.key]
        parts: list[str] = []
        for path in paths:
            value = get_path(record, path)
            if isinstance(value, MappingABC):
                value = value.get("id")
            if _is_empty(value):
                rid = get_path(record, spec.id_source)
                raise MappingError(
                    entity=entity,
                    field=path,
                    key=f"{spec.model or 'record'} id {rid}",
                    reason=f"the key field {path!r} is empty",
                    fix=f"fill {path} in Odoo or add a filter {{'source': '{path}', 'op': 'present'}}",
                )
            parts.append(str(value))
        return "@".join(parts)

    def odoo_id(self, entity: str, record: MappingABC[str, Any]) -> int | None:
        value = get_path(record, self.entity(entity).id_source)
        return int(value) if isinstance(value, int | str) and str(value).isdigit() else None

    def sku_of(self, entity: str, record: MappingABC[str, Any]) -> str | None:
        spec = self.entity(entity)
        if not spec.sku_source:
            return None
        value = get_path(record, spec.sku_source)
        return None if _is_empty(value) else str(value)

    def build(
        self,
        entity: str,
        record: MappingABC[str, Any],
        context: MappingABC[str, Any] | None = None,
        *,
        key: str | None = None,
    ) -> dict[str, Any]:
        """The payload for ``record``; :class:`MappingError` names the field, record key and fix."""
        spec = self.entity(entity)
        if key is None:
            try:
                key = self.key_of(entity, record)
            except MappingError:
                key = None
        ctx = BuildContext(record=record, entity=entity, key=key, lookups=self.lookups, config=context or {})
        payload: dict[str, Any] = {}
        for fs in spec.fields:
            value = self._value(fs, record, ctx, entity, key)
            if value is None and fs.has_default:
                value = fs.default
            if value is None and fs.required:
                src = fs.source if isinstance(fs.source, str) else " / ".join(fs.source or [])
                raise MappingError(
                    entity=entity,
                    field=fs.target,
                    key=key,
                    reason=f"required value is empty (source {src or '-'})",
                    fix=f"fill {src} in Odoo, give the field a 'default', or filter such records out",
                )
            if value is not None:
                set_path(payload, fs.target, value)
        return payload

    def _value(
        self, fs: FieldSpec, record: MappingABC[str, Any], ctx: BuildContext, entity: str, key: str | None
    ) -> Any:
        if isinstance(fs.source, list):
            value: Any = [get_path(record, s) for s in fs.source]
        elif fs.source is not None:
            value = get_path(record, fs.source)
        else:
            value = None
        if fs.type == "direct":
            return value
        fn = get_transform(str(fs.transform)) if fs.type == "transform" else get_custom(str(fs.transform))
        try:
            return fn(value, fs.args, ctx)
        except MappingError:
            raise
        except Exception as exc:  # any failure of one record's transform is that record's, never the run's
            raise MappingError(
                entity=entity,
                field=fs.target,
                key=key,
                reason=f"{fs.type} {fs.transform!r} failed on {value!r}: {exc}",
                fix=f"correct {fs.source} in Odoo or the field's args in the mapping file",
            ) from exc


def load_mapping(
    path: str | Path | None,
    default: Path,
    *,
    lookups: MappingABC[str, MappingABC[str, Any]] | None = None,
) -> Mapping:
    """The user's mapping file when given, else the target's default one."""
    return Mapping.load(Path(path) if path else default, lookups=lookups)
