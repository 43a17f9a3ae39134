"""External ids: the key of every record target-odoo creates, kept in Odoo itself (`ir.model.data`, module
`odoo_hub`), so a lost ledger, a kill -9 between create and ledger write, or a second run never makes a
second record: the writer looks the key up here before it creates anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from target_odoo.adapter import OdooApi, OdooFault

MODULE = "odoo_hub"


class Binder:
    """Finds and records `odoo_hub.<name>` external ids, a batch per call."""

    def __init__(self, api: OdooApi, module: str = MODULE) -> None:
        self.api = api
        self.module = module

    def lookup(self, names: Iterable[str]) -> dict[str, tuple[str, int]]:
        """name -> (model, res_id) for the names Odoo knows (one search_read)."""
        wanted = sorted(set(names))
        if not wanted:
            return {}
        rows = self.api.search_read(
            "ir.model.data",
            [["module", "=", self.module], ["name", "in", wanted]],
            ["name", "model", "res_id"],
        )
        return {str(r["name"]): (str(r["model"]), int(r["res_id"])) for r in rows}

    def bind(self, model: str, pairs: list[tuple[str, int]]) -> dict[str, int]:
        """Record ``name -> res_id`` for each pair (one create). Answers the names another run recorded
        first for another record, with that record's id: the caller's record is then a copy to undo."""
        if not pairs:
            return {}
        rows: list[dict[str, Any]] = [
            {"module": self.module, "name": name, "model": model, "res_id": res_id, "noupdate": True}
            for name, res_id in pairs
        ]
        try:
            self.api.create("ir.model.data", rows)
            return {}
        except OdooFault:
            pass  # one of them exists already (unique module+name): record them one by one
        taken: dict[str, int] = {}
        known = self.lookup(name for name, _ in pairs)
        for row in rows:
            name = str(row["name"])
            if name not in known:
                try:
                    self.api.create("ir.model.data", [row])
                    continue
                except OdooFault:
                    known.update(self.lookup([name]))
            if name in known and known[name][1] != row["res_id"]:
                taken[name] = known[name][1]
        return taken
