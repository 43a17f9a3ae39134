"""Transforms: small pure functions a mapping field names, registered by name.

Every transform has the signature ``fn(value, args, ctx) -> new value``. ``custom`` functions use the same
signature and are registered by target packages with :func:`register_custom`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from etl.errors import MappingFileError, TransformError
from etl.paths import get_path


@dataclass
class BuildContext:
    """What a transform may look at besides its value."""

    record: Mapping[str, Any]
    entity: str = ""
    key: str | None = None
    lookups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)


TransformFn = Callable[[Any, Mapping[str, Any], BuildContext], Any]

_TRANSFORMS: dict[str, TransformFn] = {}
_CUSTOM: dict[str, TransformFn] = {}


def register_transform(name: str) -> Callable[[TransformFn], TransformFn]:
    """Register a built-in transform under ``name``."""

    def deco(fn: TransformFn) -> TransformFn:
        _TRANSFORMS[name] = fn
        return fn

    return deco


def register_custom(name: str) -> Callable[[TransformFn], TransformFn]:
    """Register a target's ``custom`` mapping function under ``name``.

    Names are one namespace for every target imported in a process (a test run imports them all): a second
    function under a taken name is refused at import, never a silent swap of one target's rule for another's.
    Prefix a target's functions with its platform (``linkit_``, ``odoo_``, ...).
    """

    def deco(fn: TransformFn) -> TransformFn:
        taken = _CUSTOM.get(name)
        if taken is not None and (taken.__module__, taken.__qualname__) != (fn.__module__, fn.__qualname__):
            raise RuntimeError(
                f"custom mapping function {name!r} of {fn.__module__} is already registered by "
                f"{taken.__module__}: give one of them another name"
            )
        _CUSTOM[name] = fn
        return fn

    return deco


def get_transform(name: str) -> TransformFn:
    """The built-in transform called ``name``."""
    try:
        return _TRANSFORMS[name]
    except KeyError:
        raise MappingFileError(
            f"transform {name!r}", f"unknown transform; known: {', '.join(transform_names())}"
        ) from None


def get_custom(name: str) -> TransformFn:
    """The custom function called ``name`` (registered by a target package)."""
    try:
        return _CUSTOM[name]
    except KeyError:
        known = ", ".join(custom_names()) or "none registered"
        raise MappingFileError(
            f"custom {name!r}", f"no custom function registered under this name (known: {known})"
        ) from None


def transform_names() -> list[str]:
    return sorted(_TRANSFORMS)


def custom_names() -> list[str]:
    return sorted(_CUSTOM)


# ---------------------------------------------------------------- numbers

# ISO 4217 minor-unit exponents that are not 2.
CURRENCY_EXPONENT: dict[str, int] = {
    "KWD": 3,
    "BHD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
    "LYD": 3,
    "IQD": 3,
    "JPY": 0,
    "KRW": 0,
    "VND": 0,
    "CLP": 0,
    "ISK": 0,
    "UGX": 0,
    "XAF": 0,
    "XOF": 0,
    "PYG": 0,
    "RWF": 0,
    "KMF": 0,
    "GNF": 0,
    "DJF": 0,
    "VUV": 0,
    "XPF": 0,
}


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise TransformError(f"{what} needs a number, got boolean {value!r}")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise TransformError(f"{what} needs a number, got {str(value)[:80]!r}") from None
    if not number.is_finite():
        raise TransformError(f"{what} needs a finite number, got {value!r}")
    return number


MAX_MINOR_UNITS = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER: Medusa and Magento's JS read JSON so


def currency_exponent(currency: str) -> int:
    """Decimals of ``currency`` (KWD 3, JPY 0, most 2)."""
    return CURRENCY_EXPONENT.get(currency.upper(), 2)


def to_minor_units(amount: Any, currency: str) -> int:
    """Amount in minor units: KWD 1.5 → 1500 fils, EUR 1.5 → 150 cents (half-up)."""
    scaled = _decimal(amount, "minor_units") * (Decimal(10) ** currency_exponent(currency))
    if abs(scaled) > MAX_MINOR_UNITS:
        raise TransformError(
            f"{amount!r} {currency} is {scaled:.3e} minor units, beyond the {MAX_MINOR_UNITS} a JSON "
            "number keeps exact on every platform (2^53 - 1)"
        )
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _currency(args: Mapping[str, Any], ctx: BuildContext) -> str:
    if args.get("currency"):
        return str(args["currency"])
    if args.get("currency_field"):
        cur = get_path(ctx.record, str(args["currency_field"]))
        if isinstance(cur, Mapping):
            cur = cur.get("name")
        if cur:
            return str(cur)
    if ctx.config.get("currency"):
        return str(ctx.config["currency"])
    raise TransformError(
        "minor_units needs a currency: set args.currency, args.currency_field or the config's currency"
    )


@register_transform("minor_units")
def minor_units(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    if value is None:
        return None
    return to_minor_units(value, _currency(args, ctx))


@register_transform("round")
def round_(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | int | None:
    if value is None:
        return None
    ndigits = int(args.get("ndigits", 0))
    d = _decimal(value, "round").quantize(Decimal(1).scaleb(-ndigits), rounding=ROUND_HALF_UP)
    return int(d) if ndigits <= 0 else float(d)


@register_transform("kg_to_g")
def kg_to_g(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    if value is None:
        return None
    return int((_decimal(value, "kg_to_g") * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@register_transform("multiply")
def multiply(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | int | None:
    if value is None:
        return None
    result = _decimal(value, "multiply") * _decimal(args.get("factor", 1), "multiply factor")
    return int(result) if result == result.to_integral_value() else float(result)


@register_transform("subtract")
def subtract(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | int | None:
    """``value - amount`` (or ``- record[field]``), floored at ``min`` (e.g. safety stock, min 0)."""
    if value is None:
        return None
    amount: Any = args.get("amount", 0)
    if args.get("config_key") and ctx.config.get(str(args["config_key"])) is not None:
        amount = ctx.config[str(args["config_key"])]
    if args.get("field"):
        amount = get_path(ctx.record, str(args["field"])) or 0
    result = _decimal(value, "subtract") - _decimal(amount, "subtract amount")
    if "min" in args and args["min"] is not None:
        result = max(result, _decimal(args["min"], "subtract min"))
    return int(result) if result == result.to_integral_value() else float(result)


@register_transform("int")
def to_int(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    if value is None:
        return None
    return int(_decimal(value, "int").quantize(Decimal(1), rounding=ROUND_HALF_UP))


@register_transform("float")
def to_float(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> float | None:
    if value is None:
        return None
    return float(_decimal(value, "float"))


_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
}


@register_transform("compare")
def compare(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    """``then`` if ``value <op> threshold`` else ``else`` (e.g. in-stock status 1/0 above safety stock).

    args: ``op`` (gt), ``value`` or ``config_key`` (threshold, default 0), ``then`` (True), ``else`` (False).
    """
    op = str(args.get("op", "gt"))
    if op not in _OPS:
        raise TransformError(f"compare: op must be one of {', '.join(_OPS)}, got {op!r}")
    threshold: Any = args.get("value", 0)
    if args.get("config_key") and ctx.config.get(str(args["config_key"])) is not None:
        threshold = ctx.config[str(args["config_key"])]
    hit = value is not None and _OPS[op](_decimal(value, "compare"), _decimal(threshold, "compare threshold"))
    return args.get("then", True) if hit else args.get("else", False)


# ---------------------------------------------------------------- strings


@register_transform("str")
def to_str(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    return None if value is None else str(value)


@register_transform("slug")
def slug(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """URL handle: ascii, lower case, words joined by ``-`` (``"Café Table 2"`` → ``"cafe-table-2"``)."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]+", str(args.get("sep", "-")), text.lower()).strip(str(args.get("sep", "-")))
    return text or None


@register_transform("upper")
def upper(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    return None if value is None else str(value).upper()


@register_transform("lower")
def lower(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    return None if value is None else str(value).lower()


@register_transform("strip")
def strip(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


@register_transform("truncate")
def truncate(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    return None if value is None else str(value)[: int(args["length"])]


@register_transform("join")
def join(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    if value is None:
        return None
    items = value if isinstance(value, list | tuple) else [value]
    return str(args.get("sep", ", ")).join(str(v) for v in items if v is not None)


@register_transform("split")
def split(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> list[str] | None:
    if value is None:
        return None
    return [p.strip() for p in str(value).split(str(args.get("sep", ","))) if p.strip()]


_TEMPLATE_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


@register_transform("template")
def template(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str:
    """``{"template": "{default_code}-{categ_id.name}"}``; ``{value}`` is the field's source value.

    Names are dotted paths into the record; ``{{`` and ``}}`` are literal braces; empty values print as "".
    """

    def sub(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        name = match.group(1).strip()
        got = value if name == "value" else get_path(ctx.record, name)
        return "" if got is None else str(got)

    return _TEMPLATE_TOKEN.sub(sub, str(args["template"]))


@register_transform("const")
def const(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    return args.get("value")


@register_transform("coalesce")
def coalesce(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    """First value that is not None (nor empty string); the source is a list of paths."""
    items = value if isinstance(value, list | tuple) else [value]
    for item in items:
        if item is not None and item != "":
            return item
    return args.get("default")


@register_transform("bool")
def to_bool(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "on", "t"}
    return bool(value)


@register_transform("not")
def negate(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> bool:
    return not to_bool(value, args, ctx)


# ---------------------------------------------------------------- many2one


@register_transform("m2o_id")
def m2o_id(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> int | None:
    """Id of a many2one given as ``{"id", "name"}``, ``[id, name]`` or a bare id."""
    if value is None or value is False:
        return None
    if isinstance(value, Mapping):
        return value.get("id")
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return int(value)


@register_transform("m2o_name")
def m2o_name(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    if value is None or value is False:
        return None
    if isinstance(value, Mapping):
        return value.get("name")
    if isinstance(value, list | tuple):
        return value[1] if len(value) > 1 else None
    return str(value)


@register_transform("m2o_last_name")
def m2o_last_name(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Last segment of a complete name (``"All / Saleable / Office"`` → ``"Office"``)."""
    name = m2o_name(value, args, ctx)
    return None if name is None else name.split(" / ")[-1].strip()


# ---------------------------------------------------------------- lookups

_MISSING = object()


@register_transform("lookup")
def lookup(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    """Map a value through a table from the mapping file's ``lookups`` (or inline ``args.table`` dict).

    Many2one values are looked up by id, then by name. ``strict`` (default true) fails when the value is not
    in the table and no ``default`` is given.
    """
    if value is None:
        return args.get("default")
    table_ref = args.get("table")
    if isinstance(table_ref, Mapping):
        table: Mapping[str, Any] = table_ref
        table_name = "inline"
    else:
        table_name = str(table_ref)
        if table_name not in ctx.lookups:
            raise TransformError(f"lookup table {table_name!r} is not defined in the mapping's lookups")
        table = ctx.lookups[table_name]
    candidates: list[Any]
    if isinstance(value, Mapping):
        candidates = [value.get("id"), value.get("name")]
    elif isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], int):
        candidates = [value[0], value[1]]
    else:
        candidates = [value]
    for cand in candidates:
        if cand is None:
            continue
        got = table.get(str(cand), _MISSING)
        if got is not _MISSING:
            return got
    if "default" in args:
        return args["default"]
    if args.get("strict", True):
        shown = ", ".join(repr(c) for c in candidates if c is not None)
        raise TransformError(
            f"{shown} is not in lookup table {table_name!r}; "
            f"add it to lookups.{table_name} in the mapping file"
        )
    return None


# ---------------------------------------------------------------- dates


def _parse_datetime(value: Any, fmt: str | None) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value)
    if fmt:
        return datetime.strptime(text, fmt)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TransformError(f"cannot read {text!r} as a date or datetime (ISO-8601 expected)") from None


@register_transform("date_format")
def date_format(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """Reformat a date/datetime: ``{"format": "%d/%m/%Y", "input": "%Y-%m-%d %H:%M:%S"}``."""
    if value is None:
        return None
    return _parse_datetime(value, args.get("input")).strftime(str(args.get("format", "%Y-%m-%d")))


@register_transform("datetime_iso")
def datetime_iso(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> str | None:
    """ISO-8601 UTC with ``Z``; Odoo's naive ``"2026-11-22 13:40:00"`` is UTC."""
    if value is None:
        return None
    dt = _parse_datetime(value, args.get("input"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- translations


@register_transform("translated")
def translated(value: Any, args: Mapping[str, Any], ctx: BuildContext) -> Any:
    """Value in one language from ``{"en_US": "Chair", "ar_001": "..."}``; falls back to en_US."""
    if not isinstance(value, Mapping):
        return value
    lang = args.get("lang") or ctx.config.get("lang") or "en_US"
    for cand in (lang, str(lang).split("_")[0], args.get("fallback", "en_US")):
        if cand in value and value[cand] not in (None, ""):
            return value[cand]
    for v in value.values():
        if v not in (None, ""):
            return v
    return None
