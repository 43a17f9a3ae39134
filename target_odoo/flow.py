"""One run of platform records into Odoo: etl's SyncEngine with the writer as its adapter.

What is the engine's: the mapping (`target_odoo/mappings/<source>.json`), payload checks, the hash compare
(an unchanged source record costs no Odoo call), claims (two runs never write one record at once), the
ledger's bindings, events and dead letters. What is Odoo's: `writer.OdooWriter` (upserts by external key),
`adapter.OdooApi` (the calls). Records are whole (an order carries its lines), so nothing waits for the end
of input; the end-of-sync mark only decides the exit status.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from etl.ledger import Ledger
from etl.mapping import Mapping as EtlMapping
from etl.mapping import load_mapping
from etl.sink import RunSummary, SyncEngine
from etl.validation import PayloadValidator
from target_odoo import linkit_mapper, mapper  # noqa: F401  (register the mappings' custom functions)
from target_odoo.adapter import OdooApi
from target_odoo.echo import EchoGuard
from target_odoo.writer import OdooWriter

LOG = logging.getLogger("target_odoo")
PLATFORM = "odoo"
MAPPINGS = Path(__file__).resolve().parent / "mappings"
SCHEMAS = Path(__file__).resolve().parents[1] / "schemas" / "odoo"


def source_mapping(config: Mapping[str, Any]) -> EtlMapping:
    """The user's mapping_file, else `mappings/<source>.json`."""
    source = str(config.get("source") or "medusa")
    return load_mapping(config.get("mapping_file"), MAPPINGS / f"{source}.json")


class ModelValidator(PayloadValidator):
    """Payload schemas by Odoo model (`schemas/odoo/sale.order.json`), whatever the source calls the
    entity; `record.json` for a model without its own."""

    def __init__(self, models: Mapping[str, str]) -> None:
        super().__init__(PLATFORM, SCHEMAS)
        self.models = dict(models)

    def schema_path(self, entity: str) -> Path:
        own = self.schema_dir / f"{self.models.get(entity, entity)}.json"
        return own if own.is_file() else self.schema_dir / "record.json"


class OdooEngine(SyncEngine):
    def run_status(self) -> str:
        return "done_with_errors" if self.summary.failed else "done"


class OdooFlow:
    """Takes records of the source's streams; writes them into Odoo in batches."""

    input_complete = False

    def __init__(
        self, config: Mapping[str, Any], *, api: OdooApi | None = None, ledger: Ledger | None = None
    ) -> None:
        self.config = dict(config)
        self.mapping = source_mapping(config)
        self.ledger = ledger or Ledger(config.get("ledger_url") or None)
        self.api = api or OdooApi.from_config(config)
        models = {name: str(spec.model) for name, spec in self.mapping.entities.items()}
        self.writer = OdooWriter(self.api, models, self.config)
        self.engine = OdooEngine(
            platform=PLATFORM,
            mapping=self.mapping,
            adapter=self.writer,
            ledger=self.ledger,
            validator=ModelValidator(models),
            flow=str(config.get("flow_name") or f"{config.get('source') or 'medusa'}-to-odoo"),
            config=self.config,
            fail_on_dead_letters=bool(config.get("fail_on_dead_letters")),
            batch_size=int(config.get("batch_size", 100)),
            workers=1,
            claims=True,
            validate_changed_only=True,
        )
        self.run_id = self.engine.run_id
        self.summary = self.engine.summary
        self._ignored: set[str] = set()
        self.echo = EchoGuard(str(config.get("source") or "medusa"), self.ledger, self.engine.process)

    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        if not self.mapping.entities_for_stream(stream):
            if stream not in self._ignored:
                self._ignored.add(stream)
                LOG.info("stream %s is not in the mapping; its records are ignored", stream)
            return
        if self.echo.guards(stream):
            self.echo.add(stream, record)  # what we sent there ourselves comes back: not applied
        else:
            self.engine.process(stream, record)

    def reject(self, stream: str, record: Mapping[str, Any], reason: str) -> None:
        specs = self.mapping.entities_for_stream(stream)
        entity = specs[0].name if specs else stream
        key = f"{stream} {record.get('id', '?')}"
        self.engine.dead_letter(entity, key, record, stream, f"could not be read: {reason}", "MAPPING")

    def flush(self, *, final: bool = False) -> None:
        self.echo.flush()
        self.engine.flush()

    def has_deferred(self) -> bool:
        return self.engine.buffered() > 0 or any(self.echo.pending.values())

    def held_back(self) -> str | None:
        return None  # every record is whole: nothing waits for the end of input

    def abort(self, reason: str) -> None:
        try:
            self.engine.abort(reason)
        finally:
            self.api.close()

    def finish(self) -> RunSummary:
        try:
            self.echo.flush()
            if self.echo.echoes:
                self.summary.filtered += self.echo.echoes
                LOG.info("%d record(s) are what this house sent there itself: not applied", self.echo.echoes)
            return self.engine.finish()
        finally:
            self.api.close()
            s = self.summary
            LOG.info(
                "run %d: written %d, unchanged %d, dead letters %d in %.1fs",
                s.run_id,
                s.sent,
                s.unchanged,
                s.failed,
                s.duration_ms / 1000,
            )
