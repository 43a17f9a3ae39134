"""Odoo domains: parse the prefix notation, check leaves like Odoo 17, compile to a predicate on ids."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sandbox.odoo.errors import OdooValueError

if TYPE_CHECKING:
    from sandbox.odoo.store import Store

OPERATORS = {
    "=", "!=", "<", "<=", ">", ">=", "=?", "in", "not in", "like", "not like", "ilike", "not ilike",
    "=like", "=ilike", "child_of", "parent_of",
}  # fmt: skip
TRUE_LEAF = (1, "=", 1)
FALSE_LEAF = (0, "=", 1)

# A parsed domain: ("&", [children]) | ("|", [children]) | ("!", child) | ("leaf", (field, op, value))
Node = tuple[str, Any]
Predicate = Callable[[int], bool]


def _leaf_text(leaf: Any) -> str:
    return str(tuple(leaf)) if isinstance(leaf, list | tuple) else repr(leaf)


def parse(domain: Any, major: int = 17) -> Node:
    """Parse a domain (implicit `&` between terms) into a tree; raise Odoo's ValueError when malformed,
    worded as the Odoo major version words it (recordings19/faults.json for 19)."""
    if domain in (None, False):
        domain = []
    if not isinstance(domain, list | tuple):
        raise OdooValueError(f"Invalid domain: {domain!r}", "expression")
    items = list(domain)
    pos = 0

    def term() -> Node:
        nonlocal pos
        if pos >= len(items):
            raise OdooValueError(f"Domain {domain!r} is syntactically not correct.", "expression")
        item = items[pos]
        pos += 1
        if item in ("&", "|"):
            return (str(item), [term(), term()])
        if item == "!":
            return ("!", term())
        if isinstance(item, list | tuple) and len(item) == 3:
            left, op, right = item
            if tuple(item) in (TRUE_LEAF, FALSE_LEAF):
                return ("leaf", tuple(item))
            if not isinstance(left, str) or not isinstance(op, str) or op.lower() not in OPERATORS:
                if major >= 19:
                    raise OdooValueError(f"Invalid operator in condition {_leaf_text(item)}", "__init__")
                raise OdooValueError(f"Invalid leaf {_leaf_text(item)}", "check_leaf")
            return ("leaf", (left, op.lower(), right))
        if major >= 19:
            raise OdooValueError(f"Domain() invalid item in domain: {item!r}", "__new__")
        raise OdooValueError(f"Invalid leaf {_leaf_text(item)}", "check_leaf")

    terms = []
    while pos < len(items):
        terms.append(term())
    return ("&", terms)


def mentions(node: Node, field: str) -> bool:
    """Does any leaf of the domain use `field` (Odoo then leaves `active_test` alone)?"""
    kind, arg = node
    if kind == "leaf":
        return isinstance(arg[0], str) and arg[0].split(".")[0] == field
    if kind == "!":
        return mentions(arg, field)
    return any(mentions(child, field) for child in arg)


def lower_bound(node: Node, field: str) -> Any:
    """Smallest value of `field` any matching record can have, or None: lets ordered scans start by bisect."""
    kind, arg = node
    if kind == "leaf":
        left, op, right = arg
        if (
            left == field
            and op in (">", ">=", "=")
            and right not in (False, None)
            and not isinstance(right, list)
        ):
            return right
        return None
    if kind == "&":
        bounds = [b for b in (lower_bound(c, field) for c in arg) if b is not None]
        return max(bounds) if bounds else None
    if kind == "|":
        bounds = [lower_bound(c, field) for c in arg]
        return None if not bounds or any(b is None for b in bounds) else min(bounds)
    return None


def id_candidates(node: Node) -> set[int] | None:
    """If the domain restricts `id` to a known set at top level (`id in [...]`, `id = n`), that set."""
    kind, arg = node
    if kind == "leaf":
        left, op, right = arg
        if left == "id" and op == "=" and isinstance(right, int) and not isinstance(right, bool):
            return {right}
        if left == "id" and op == "in" and isinstance(right, list | tuple):
            return {r for r in right if isinstance(r, int)}
        return None
    if kind == "&":
        sets = [s for s in (id_candidates(c) for c in arg) if s is not None]
        if not sets:
            return None
        out = sets[0]
        for s in sets[1:]:
            out = out & s
        return out
    return None


def like_regex(pattern: str, op: str) -> re.Pattern[str]:
    """SQL LIKE as a regex; `like`/`ilike` wrap the value in %...% like Odoo does (wildcards inside stay)."""
    if op in ("like", "ilike", "not like", "not ilike"):
        pattern = f"%{pattern}%"
    body = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    flags = re.IGNORECASE | re.DOTALL if "ilike" in op else re.DOTALL
    return re.compile(body + r"\Z", flags)


def _is_empty(value: Any, ftype: str) -> bool:
    if ftype == "boolean":
        return False
    return value is False or value is None or value == []


def _normalize_datetime(value: Any, ftype: str) -> Any:
    if ftype == "datetime" and isinstance(value, str):
        value = value.replace("T", " ")[:19]
        if len(value) == 10:
            value += " 00:00:00"
    return value


def compile_domain(store: Store, model: str, node: Node) -> Predicate:
    """A predicate id -> bool; unknown fields raise Odoo's ValueError when compiling, not per record."""
    kind, arg = node
    if kind == "&":
        preds = [compile_domain(store, model, c) for c in arg]
        if not preds:
            return lambda _id: True
        if len(preds) == 1:
            return preds[0]
        return lambda rid: all(p(rid) for p in preds)
    if kind == "|":
        preds = [compile_domain(store, model, c) for c in arg]
        return lambda rid: any(p(rid) for p in preds)
    if kind == "!":
        inner = compile_domain(store, model, arg)
        return lambda rid: not inner(rid)
    return _compile_leaf(store, model, arg)


def _compile_leaf(store: Store, model: str, leaf: tuple[Any, str, Any]) -> Predicate:
    if leaf == TRUE_LEAF:
        return lambda _id: True
    if leaf == FALSE_LEAF:
        return lambda _id: False
    path, op, value = leaf
    table = store.table(model)
    head, _, rest = path.partition(".")
    where = "condition" if store.major >= 19 else "leaf"  # as each version words it
    if head not in table.fields:
        raise OdooValueError(f"Invalid field {model}.{head} in {where} {_leaf_text(leaf)}", "_where_calc")
    field = table.fields[head]
    ftype = field["type"]
    if rest:
        if ftype not in ("many2one", "one2many", "many2many") or field.get("relation") not in store.tables:
            raise OdooValueError(f"Invalid field {model}.{path} in {where} {_leaf_text(leaf)}", "_where_calc")
        sub = _compile_leaf(store, field["relation"], (rest, op, value))
        if ftype == "many2one":
            return lambda rid: (lambda t: bool(t) and sub(t))(store.raw_id(model, rid, head))
        return lambda rid: any(sub(t) for t in store.value(model, rid, head) or [])
    if op in ("child_of", "parent_of"):
        return _compile_hierarchy(store, model, head, op, value)
    test = _compile_test(store, field, op, value)
    if ftype == "many2one":
        return lambda rid: test(store.raw_id(model, rid, head))
    return lambda rid: test(store.value(model, rid, head))


def _compile_hierarchy(store: Store, model: str, head: str, op: str, value: Any) -> Predicate:
    field = store.table(model).fields[head]
    comodel = model if head == "id" else field.get("relation", model)
    roots = store.resolve_ids(comodel, value)
    family = store.descendants(comodel, roots) if op == "child_of" else store.ancestors(comodel, roots)
    if head == "id":
        return lambda rid: rid in family
    if field["type"] == "many2one":
        return lambda rid: store.raw_id(model, rid, head) in family
    return lambda rid: bool(family.intersection(store.value(model, rid, head) or []))


def _compile_test(store: Store, field: dict[str, Any], op: str, value: Any) -> Callable[[Any], bool]:
    """Test of one stored value (a many2one arrives as its id) against `op value`."""
    ftype = field["type"]
    value = _normalize_datetime(value, ftype)
    relational = ftype in ("many2one", "one2many", "many2many")
    if relational and isinstance(value, str) and op not in ("like", "ilike", "not like", "not ilike"):
        value = store.name_ids(field["relation"], value, "=" if op in ("=", "!=", "in", "not in") else op)
        op = "in" if op in ("=", "in", "like", "ilike", "=like", "=ilike") else "not in"
    elif relational and isinstance(value, str):
        ids = store.name_ids(field["relation"], value, op.replace("not ", ""))
        value, op = ids, ("not in" if op.startswith("not") else "in")
    if op == "=?":
        if value is False or value is None:
            return lambda _v: True
        op = "="

    def as_set(v: Any) -> set[Any]:
        if ftype in ("one2many", "many2many"):
            return set(v or [])
        return {v} if not _is_empty(v, ftype) else set()

    if op in ("=", "!=") and ftype == "boolean":
        want = bool(value)
        return (lambda v: bool(v) == want) if op == "=" else (lambda v: bool(v) != want)
    if op in ("=", "!="):
        if value is False or value is None or value == []:
            want_empty = op == "="
            return lambda v: _is_empty(v, ftype) == want_empty
        if ftype in ("one2many", "many2many"):
            target = set(value) if isinstance(value, list | tuple) else {value}
            return (
                (lambda v: bool(set(v or []) & target))
                if op == "="
                else (lambda v: not (set(v or []) & target))
            )
        if op == "=":
            return lambda v: v == value and not _is_empty(v, ftype)
        return lambda v: _is_empty(v, ftype) or v != value
    if op in ("in", "not in"):
        values = list(value) if isinstance(value, list | tuple | set) else [value]
        want_empty = any(x is False or x is None for x in values)
        target = {_normalize_datetime(x, ftype) for x in values if x is not False and x is not None}
        if ftype == "boolean":
            target = {bool(x) for x in values}
            return (lambda v: bool(v) in target) if op == "in" else (lambda v: bool(v) not in target)

        def inside(v: Any) -> bool:
            got = as_set(v)
            return bool(got & target) or (want_empty and not got)

        return inside if op == "in" else (lambda v: not inside(v))
    if op in ("<", "<=", ">", ">="):
        if value is False or value is None:
            return lambda _v: False
        cmp: dict[str, Callable[[Any, Any], bool]] = {
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
        }
        fn = cmp[op]

        def compare(v: Any) -> bool:
            if _is_empty(v, ftype):
                return False
            try:
                return fn(v, value)
            except TypeError:
                return False

        return compare
    # like family
    if value is False or value is None:
        return (
            (lambda v: _is_empty(v, ftype))
            if not op.startswith("not")
            else (lambda v: not _is_empty(v, ftype))
        )
    rx = like_regex(str(value), op)
    negate = op.startswith("not")

    def like(v: Any) -> bool:
        if _is_empty(v, ftype):
            return negate
        hit = bool(rx.match(str(v)))
        return hit != negate

    return like
