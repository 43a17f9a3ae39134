"""Dotted paths into tap records (``categ_id.name``, ``product_tmpl_id.id``, ``lines.0.sku``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def get_path(record: Mapping[str, Any] | Any, dotted: str) -> Any:
    """Value at ``dotted`` or None; Odoo's ``False`` and raw ``[id, name]`` many2ones are understood."""
    cur: Any = record
    for part in dotted.split("."):
        if cur is None or cur is False:
            return None
        if part == "id" and isinstance(cur, int) and not isinstance(cur, bool):
            continue  # a many2one emitted as a bare id: "product_id.id" is the id itself
        if isinstance(cur, Mapping):
            cur = cur.get(part)
        elif isinstance(cur, list | tuple):
            if part == "id" and len(cur) == 2 and isinstance(cur[0], int) and isinstance(cur[1], str):
                cur = cur[0]
            elif part == "name" and len(cur) == 2 and isinstance(cur[0], int) and isinstance(cur[1], str):
                cur = cur[1]
            elif part.lstrip("-").isdigit() and -len(cur) <= int(part) < len(cur):
                cur = cur[int(part)]
            else:
                return None
        else:
            return None
    return cur


def set_path(target: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``target[a][b] = value`` for ``"a.b"``, creating nested objects."""
    parts = dotted.split(".")
    cur = target
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            cur[part] = nxt
        cur = nxt
    cur[parts[-1]] = value
