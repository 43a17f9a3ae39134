"""The Singer side every API target shares: records straight to the target's flow, STATE held back while
records read before it wait to be sent, exit codes (2: a wrong setting, 1: dead letters when asked to or an
input that ended before the tap marked its sync complete, 3: the platform refused the credential or could
not be reached).

No silent loss, as rules every target inherits here:
- a SCHEMA that lacks a field the mapping needs stops the run at start, naming the field and the tap setting
  that adds it (a mapping never falls back to a field of another meaning);
- whatever goes wrong with one record (a value no transform can take, an odd shape) makes it a dead letter
  with the reason, and the run goes on;
- :class:`etl.errors.StopRun` (401/403, no connection after the retries, an answer that is not the
  platform's) stops the run at once with one message: no STATE past it, no dead letters for records never
  really tried;
- aggregates (stock summed over warehouses, an order's transitions) are sent only once the input is known
  complete: the tap wrote its end-of-sync mark (:data:`SYNC_COMPLETE`, tap-odoo does) as its last STATE.
  An input cut before it (the tap died, a line broken off) sends what is whole record by record, holds the
  aggregates and STATE, and exits 1.

A target subclasses :class:`FlowTarget`, gives ``name`` and ``config_jsonschema``, and implements
``make_flow`` (and ``check_config`` for what JSON Schema cannot say). Its flow buffers records per entity
(``add``), sends on ``flush`` (a sink drain; ``final=True`` at the end of input) and closes the run in the
ledger on ``finish``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Generic, Protocol, TypeVar

from singer_sdk.sinks import BatchSink
from singer_sdk.target_base import Target

from etl.errors import StopRun
from etl.singer import SYNC_COMPLETE, FloatReader
from etl.sink import DeadLettersFound


class ConfigError(ValueError):
    """A setting is wrong; the message names it and says how to fix it."""


class Flow(Protocol):
    input_complete: bool  # set once the tap's end-of-sync mark arrived: aggregates may then be sent

    def add(self, stream: str, record: Mapping[str, Any]) -> None: ...
    def reject(self, stream: str, record: Mapping[str, Any], reason: str) -> None: ...  # a dead letter
    def flush(self, *, final: bool = False) -> None: ...
    def has_deferred(self) -> bool: ...
    def held_back(self) -> str | None: ...  # after the final flush: what waits for a complete input
    def abort(self, reason: str) -> None: ...  # close the run as stopped (StopRun)
    def finish(self) -> Any: ...  # raises etl.sink.DeadLettersFound when configured to


FlowT = TypeVar("FlowT", bound=Flow)


class FlowSink(BatchSink):
    """One sink class for every stream: records go to the target's flow; a drain flushes it, so STATE never
    runs ahead of what the platform has."""

    flow_target: FlowTarget[Any]

    def __init__(
        self, target: FlowTarget[Any], stream_name: str, schema: dict, key_properties: list[str] | None
    ) -> None:
        super().__init__(target, stream_name, schema, key_properties)
        self.flow_target = target

    @property
    def max_size(self) -> int:
        return int(self.config.get("batch_size", 500)) * int(self.config.get("concurrency", 4))

    def get_validator(self) -> None:
        """Payloads are validated on the way out against the platform's schemas; an odd tap record must reach
        the dead letters with a reason instead of stopping the run."""
        return None

    def _parse_timestamps_in_record(self, record: dict, schema: dict, treatment: Any) -> None:
        """Keep ISO strings as they are (they go into JSON payloads and hashes)."""

    def _remove_sdc_metadata_from_record(self, record: dict) -> None:
        """Keep `_sdc_deleted_at`: it tells a record deleted in Odoo."""
        deleted = record.get("_sdc_deleted_at")
        super()._remove_sdc_metadata_from_record(record)
        if deleted:
            record["_sdc_deleted_at"] = deleted

    def process_record(self, record: dict, context: dict) -> None:
        self.flow_target.add(self.stream_name, record)

    def process_batch(self, context: dict) -> None:
        self.flow_target.guarded(self.flow_target.flow.flush)

    def clean_up(self) -> None:
        """End of input: send what waited for all rows (sums, orders) before the final STATE."""
        self.flow_target.guarded(lambda: self.flow_target.flow.flush(final=True))
        super().clean_up()


class FlowTarget(Target, Generic[FlowT]):
    """A singer-sdk target that hands records to one flow per run (whose bulk calls are concurrent)."""

    default_sink_class = FlowSink
    message_reader_class = FloatReader

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.check_config(dict(self.config))
        self.max_parallelism = 1  # one flow per run; its bulk calls are concurrent instead

    def check_config(self, config: dict[str, Any]) -> None:
        """What JSON Schema cannot say; raise :class:`ConfigError` naming the setting."""

    def required_fields(self, stream: str) -> Mapping[str, str]:
        """Fields of ``stream`` the target's mapping reads, each with what needs it (checked on SCHEMA)."""
        return {}

    # ---------------------------------------------------------------- the rules
    def _process_schema_message(self, message_dict: dict) -> None:
        """A stream that lacks a field the mapping needs stops the run before any record is read."""
        super()._process_schema_message(message_dict)
        stream = str(message_dict["stream"])
        properties = (message_dict.get("schema") or {}).get("properties") or {}
        missing = {f: why for f, why in self.required_fields(stream).items() if f not in properties}
        if missing:
            fields = ", ".join(sorted(missing))
            needs = "; ".join(f"{f} for {why}" for f, why in sorted(missing.items()))
            raise ConfigError(
                f"stream {stream} has no field {fields}, which the mapping needs ({needs}). "
                + self.missing_field_fix(stream, sorted(missing))
            )

    def missing_field_fix(self, stream: str, fields: list[str]) -> str:
        """How to make the tap send the fields (the default: tap-odoo's settings)."""
        model = stream.replace("_", ".", 1)
        names = ", ".join(f'"{f}"' for f in fields)
        return (
            f'Make the tap read it: tap-odoo\'s setting extra_fields {{"{model}": [{names}]}} for a computed '
            "field, or add it to the setting fields (the job's field list in meltano.yml); or remove it from "
            "the mapping file"
        )

    def add(self, stream: str, record: dict) -> None:
        """One record into the flow; whatever goes wrong with it makes it a dead letter, never the run's end
        (a :class:`StopRun` from a send it triggered still stops the run)."""
        try:
            self.flow.add(stream, record)
        except StopRun as exc:
            self.stop(exc)
        except Exception as exc:
            self.flow.reject(stream, record, f"{type(exc).__name__}: {exc}")

    def guarded(self, send: Any) -> Any:
        """Run a step that sends; :class:`StopRun` ends the run here (exit 3)."""
        try:
            return send()
        except StopRun as exc:
            self.stop(exc)

    def stop(self, exc: StopRun) -> None:
        self.logger.error("run stopped: %s", exc)
        try:
            self.flow.abort(str(exc))
        finally:
            sys.exit(3)

    def _process_state_message(self, message_dict: dict) -> None:
        """Note the tap's end-of-sync mark: the input is complete, aggregates may be sent."""
        value = message_dict.get("value")
        if isinstance(value, Mapping) and value.get(SYNC_COMPLETE):
            self.flow.input_complete = True
        super()._process_state_message(message_dict)

    def make_flow(self) -> FlowT:
        raise NotImplementedError

    @cached_property
    def flow(self) -> FlowT:
        return self.make_flow()

    def _process_record_message(self, message_dict: dict) -> None:
        """Without stream maps, hand the record straight to the flow (the SDK's per-record path costs ~15 us:
        copy, map, metadata, timestamp parsing; the flow needs none of it)."""
        if self.config.get("stream_maps") or self.config.get("flattening_enabled"):
            super()._process_record_message(message_dict)
            return
        self._assert_line_requires(message_dict, requires={"stream", "record"})
        stream_name = message_dict["stream"]
        self._assert_sink_exists(stream_name)
        sink = self.get_sink(stream_name)
        record = message_dict["record"]
        sink._singer_validate_message(record)  # key properties present, as the Singer spec asks
        sink.tally_record_read()
        self.add(stream_name, record)
        sink.record_counter_metric.increment()

    def _write_state_message(self, state: dict) -> None:
        """Hold STATE back while records read before it are still waiting to be sent."""
        if "flow" in self.__dict__ and self.flow.has_deferred():
            self.logger.debug("STATE held back: records before it are not sent yet")
            return
        super()._write_state_message(state)

    def process_endofpipe(self) -> None:
        if not self.config.get("require_sync_complete", True):
            self.flow.input_complete = True  # a tap without the mark: the user accepts partial aggregates
        super().process_endofpipe()
        cut = getattr(self.message_reader, "broken_line", None)
        held = self.flow.held_back()
        try:
            self.guarded(self.flow.finish)
        except DeadLettersFound as exc:
            self.logger.error("%s", exc)
            sys.exit(1)
        if cut or not self.flow.input_complete:
            why = f"line {cut} of the input is broken off (not JSON)" if cut else "the input ended"
            self.logger.error(
                "%s before the tap marked its sync complete (it stopped, or the input was cut): %s, and no "
                "STATE was written past what was not sent; the next run sends it. (A tap that never writes "
                "the mark: set require_sync_complete to false.)",
                why,
                f"{held} were not sent, as parts may be missing" if held else "what was read was sent",
            )
            sys.exit(1)

    @classmethod
    def main(cls) -> None:
        """The console script: a wrong setting exits 2 naming it."""
        try:
            cls.cli()
        except ConfigError as exc:
            print(f"{cls.name}: {exc}", file=sys.stderr)
            sys.exit(2)
