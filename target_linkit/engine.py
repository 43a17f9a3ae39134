"""etl's engine with Linkit's wording of dead letters and run status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.mapping import EntitySpec
from etl.sink import SyncEngine
from etl.validation import PayloadInvalid


class LinkitEngine(SyncEngine):
    """etl's engine with Linkit's wording of dead letters and run status."""

    incomplete_input = False

    def fallback_key(self, spec: EntitySpec, record: Mapping[str, Any], stream: str | None) -> str:
        return f"{stream} id {self.mapping.odoo_id(spec.name, record)}"

    def invalid_reason(self, exc: PayloadInvalid) -> str:
        return "VALIDATION_ERROR (before sending): " + "; ".join(str(i) for i in exc.issues)

    def run_status(self) -> str:
        if self.incomplete_input:
            return "incomplete_input"
        return "failed" if self.summary.failed and self.fail_on_dead_letters else "done"
