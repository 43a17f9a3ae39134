"""The Singer side every API target shares: records straight to the target's flow, STATE held back while
records read before it wait to be sent, exit codes (2: a wrong setting, 1: dead letters when asked to).

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

from etl.singer import FloatReader
from etl.sink import DeadLettersFound


class ConfigError(ValueError):
    """A setting is wrong; the message names it and says how to fix it."""


class Flow(Protocol):
    def add(self, stream: str, record: Mapping[str, Any]) -> None: ...
    def flush(self, *, final: bool = False) -> None: ...
    def has_deferred(self) -> bool: ...
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
        self.flow_target.flow.add(self.stream_name, record)

    def process_batch(self, context: dict) -> None:
        self.flow_target.flow.flush()

    def clean_up(self) -> None:
        """End of input: send what waited for all rows (sums, orders) before the final STATE."""
        self.flow_target.flow.flush(final=True)
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
        self.flow.add(stream_name, record)
        sink.record_counter_metric.increment()

    def _write_state_message(self, state: dict) -> None:
        """Hold STATE back while records read before it are still waiting to be sent."""
        if "flow" in self.__dict__ and self.flow.has_deferred():
            self.logger.debug("STATE held back: records before it are not sent yet")
            return
        super()._write_state_message(state)

    def process_endofpipe(self) -> None:
        super().process_endofpipe()
        try:
            self.flow.finish()
        except DeadLettersFound as exc:
            self.logger.error("%s", exc)
            sys.exit(1)

    @classmethod
    def main(cls) -> None:
        """The console script: a wrong setting exits 2 naming it."""
        try:
            cls.cli()
        except ConfigError as exc:
            print(f"{cls.name}: {exc}", file=sys.stderr)
            sys.exit(2)
