"""One sink class for every stream: records go to the run's shared `MedusaFlow`, which sends on drain."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from singer_sdk.sinks import BatchSink

if TYPE_CHECKING:
    from target_medusa.target import TargetMedusa


class MedusaSink(BatchSink):
    """Hands records to the flow; a drain flushes the flow so STATE never runs ahead of what Medusa has."""

    def __init__(
        self, target: TargetMedusa, stream_name: str, schema: dict, key_properties: list[str] | None
    ) -> None:
        super().__init__(target, stream_name, schema, key_properties)
        self.flow_target = target

    @property
    def max_size(self) -> int:
        return int(self.config.get("batch_size", 500)) * int(self.config.get("concurrency", 4))

    def get_validator(self) -> None:
        """Payloads are validated on the way out against `schemas/medusa/`; an odd tap record must reach the
        dead letters with a reason instead of stopping the run."""
        return None

    def _parse_timestamps_in_record(self, record: dict, schema: dict, treatment: Any) -> None:
        """Keep ISO strings as they are (they go into JSON payloads and hashes)."""

    def _remove_sdc_metadata_from_record(self, record: dict) -> None:
        """Keep `_sdc_deleted_at`: it tells a deleted Odoo product."""
        deleted = record.get("_sdc_deleted_at")
        super()._remove_sdc_metadata_from_record(record)
        if deleted:
            record["_sdc_deleted_at"] = deleted

    def process_record(self, record: dict, context: dict) -> None:
        self.flow_target.flow.add(self.stream_name, record)

    def process_batch(self, context: dict) -> None:
        self.flow_target.flow.flush()

    def clean_up(self) -> None:
        """End of input: send what waited for all rows (stock sums, orders) before the final STATE."""
        self.flow_target.flow.flush(final=True)
        super().clean_up()
