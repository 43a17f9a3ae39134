"""`--real-cost`: answer reads as slowly as the recorded real Odoo 17 server did (recordings/throughput.json).

The sandbox reads a generated product in a few microseconds; a real Odoo spends about 0.2-1.5 ms per record
in its ORM (SQL, prefetch, access rules, conversion of each field). A benchmark of a client against the plain
sandbox therefore weighs the client's own CPU far more than a real server would. With this switch every
object call takes at least what the real server took for it, waiting out the difference after answering:

    any call:             CALL seconds
    search_read / read:   max(CALL, CALL_BASE + CALL_PER_FIELD x fields)                    per call
                          + (RECORD + RECORD_PER_FIELD x fields) x records returned

The four rates are fitted to throughput.json's JSON-RPC rows (a full pass over 5,072 products in pages of
500 and 2,000, with 9 and with 32 fields) and give those four figures back. ASSUMPTIONS: the ORM's cost is
the same over XML-RPC and JSON-2 (JSON-RPC's client-side decoding is negligible, so those rows are the
server's time); it grows linearly with the number of fields; a related or computed field costs what a stored
one does; pages of 80 (an OFFSET scan per call) are not modelled. XML-RPC's extra marshalling is the
sandbox's own (it marshals with xmlrpc.client, as Odoo does). A call asking for all fields counts the model's
fields. docs/sandbox-odoo.md, "Real-cost mode", says what this emulates and what it does not.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

THROUGHPUT = Path(__file__).resolve().parent / "recordings" / "throughput.json"
READS = frozenset({"search_read", "read"})
FIELDS_POSITION = {"search_read": 1, "read": 1}  # positional index of `fields` (after domain / ids)


@dataclass(frozen=True)
class Rates:
    """Seconds the real server took: per call, and per record, each with a part per field requested."""

    call: float
    call_base: float
    call_per_field: float
    record: float
    record_per_field: float

    def read_call(self, width: int) -> float:
        return max(self.call, self.call_base + self.call_per_field * width)

    def seconds(self, name: str, width: int, records: int) -> float:
        """What the real server takes for one call ``name`` of ``width`` fields returning ``records``."""
        if name not in READS:
            return self.call
        return self.read_call(width) + records * (self.record + self.record_per_field * width)


def fitted_rates(path: Path = THROUGHPUT) -> Rates:
    """The rates that give back the JSON-RPC rows of ``path`` (pages of 500 and 2,000, two field counts).

    At one field count, two page sizes give the cost per call (difference in time over difference in
    calls) and then per record; two field counts split each into a fixed part and a part per field.
    """
    pages: dict[int, dict[int, dict[str, Any]]] = {}
    for row in json.loads(path.read_text())["results"]:
        if row["protocol"] == "jsonrpc":
            width = int(row["fields"].split("(")[1].rstrip(")"))
            pages.setdefault(width, {})[row["page_size"]] = row
    per_call: dict[int, float] = {}
    per_record: dict[int, float] = {}
    for width, by_size in pages.items():
        small, large = by_size[500], by_size[2000]
        per_call[width] = (small["seconds"] - large["seconds"]) / (small["calls"] - large["calls"])
        per_record[width] = (large["seconds"] - large["calls"] * per_call[width]) / large["records"]
    few, many = sorted(pages)[:2]

    def line(costs: dict[int, float]) -> tuple[float, float]:
        slope = (costs[many] - costs[few]) / (many - few)
        return costs[few] - few * slope, slope

    call_base, call_per_field = line(per_call)
    record, record_per_field = line(per_record)
    return Rates(min(per_call.values()), call_base, call_per_field, record, record_per_field)


def _requested_fields(name: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Sequence[Any] | None:
    fields = kwargs.get("fields")
    position = FIELDS_POSITION.get(name)
    if fields is None and position is not None and len(args) > position:
        fields = args[position]
    return fields if isinstance(fields, list | tuple) else None


def install(sandbox: Any, rates: Rates | None = None) -> Rates:
    """Make every object call of ``sandbox`` last at least the real server's time; return the rates used."""
    rates = rates or fitted_rates()
    services = sandbox.services
    inner: Callable[..., Any] = services.call
    store = sandbox.store

    def call(uid: int, model: str, name: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
        started = time.perf_counter()
        fields = _requested_fields(name, args, kwargs)
        result = inner(uid, model, name, args, kwargs)
        records = len(result) if name in READS and isinstance(result, list) else 0
        width = len(fields) if fields else len(store.table(model).fields)
        remaining = rates.seconds(name, width, records) - (time.perf_counter() - started)
        if remaining > 0:
            time.sleep(remaining)  # releases the GIL: other connections are served meanwhile
        return result

    services.call = call  # JSON-2 goes through Services.call too
    return rates
