"""Harvest the records that the real server answered in the vcrpy cassettes into `cassette_records.json`.

The recordings hold at most 50 records per model; the cassettes hold more (all 72 products for the fields they
asked). Run `python -m sandbox.odoo.harvest tests/fixtures/cassettes/*.yaml` after re-recording.
"""

from __future__ import annotations

import json
import sys
import xmlrpc.client
from pathlib import Path
from typing import Any

import yaml

from sandbox.odoo.recordings import CASSETTE_RECORDS


def _calls(path: Path) -> list[tuple[list[Any], Any]]:
    """(execute_kw params, result) of every successful object call in a cassette."""
    data = yaml.safe_load(path.read_text("utf-8"))
    out: list[tuple[list[Any], Any]] = []
    for item in data["interactions"]:
        req, body = item["request"], item["response"]["body"]["string"]
        if req["uri"].endswith("/xmlrpc/2/object"):
            params, method = xmlrpc.client.loads(req["body"], use_builtin_types=True)
            try:
                result = xmlrpc.client.loads(body, use_builtin_types=True)[0][0]
            except xmlrpc.client.Fault:
                continue
            if method == "execute_kw":
                out.append((list(params), result))
        elif req["uri"].endswith("/jsonrpc"):
            call, answer = json.loads(req["body"]), json.loads(body)
            if call["params"]["service"] == "object" and "result" in answer:
                out.append((call["params"]["args"], answer["result"]))
    return out


def harvest(paths: list[Path]) -> dict[str, dict[str, dict[str, Any]]]:
    """{model: {id: {field: value}}} from the search_read / read answers of the cassettes."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for path in paths:
        for params, result in _calls(path):
            model, method = params[3], params[4]
            kwargs = params[6] if len(params) > 6 else {}
            ctx = kwargs.get("context") or {}
            if method == "fields_get" and isinstance(result, dict):
                # the real server's field order (fields_get.json is stored sorted)
                found.setdefault("_field_order", {})[model] = {
                    str(i): {"name": n} for i, n in enumerate(result)
                }
                continue
            if method not in ("search_read", "read") or not isinstance(result, list):
                continue
            if ctx.get("warehouse") or ctx.get("location"):
                continue  # quantities in a context are computed, not stored
            for rec in result:
                found.setdefault(model, {}).setdefault(str(rec["id"]), {}).update(rec)
    return found


def main(argv: list[str]) -> int:
    data = harvest([Path(p) for p in argv])
    CASSETTE_RECORDS.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {CASSETTE_RECORDS}: " + ", ".join(f"{m} {len(r)}" for m, r in sorted(data.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
