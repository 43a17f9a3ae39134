"""etl.target: a FlowTarget hands records to its flow, holds STATE while records wait, exits 1 on dead letters
when the flow says so and 2 on a wrong setting. A probe flow records what it is given (no platform here)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from singer_sdk import typing as th

from etl.errors import StopRun
from etl.sink import DeadLettersFound
from etl.target import ConfigError, FlowTarget

HERE = Path(__file__).resolve().parent


class ProbeFlow:
    """Keeps records until flushed; `events` tells what happened in which order."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.waiting: list[tuple[str, Mapping[str, Any]]] = []
        self.events: list[str] = []
        self.records: list[tuple[str, Mapping[str, Any]]] = []

    def add(self, stream: str, record: Mapping[str, Any]) -> None:
        if record.get("boom"):
            raise ValueError(f"cannot take {record['boom']}")
        self.waiting.append((stream, record))

    def flush(self, *, final: bool = False) -> None:
        if self.config.get("stop") and self.waiting:
            raise StopRun("shop refused the credential: HTTP 401")
        self.records += self.waiting
        self.events.append(f"flush{' final' if final else ''} {len(self.waiting)}")
        self.waiting = []

    input_complete = False

    def has_deferred(self) -> bool:
        return bool(self.waiting)

    def reject(self, stream: str, record: Mapping[str, Any], reason: str) -> None:
        self.events.append(f"reject {reason}")

    def held_back(self) -> str | None:
        return None

    def abort(self, reason: str) -> None:
        self.events.append("abort")

    def finish(self) -> None:
        self.events.append("finish")
        if self.config.get("fail"):
            raise DeadLettersFound("1 record(s) went to the dead letters")


class ProbeTarget(FlowTarget[ProbeFlow]):
    name = "target-probe"
    config_jsonschema = th.PropertiesList(
        th.Property("batch_size", th.IntegerType, default=2),
        th.Property("concurrency", th.IntegerType, default=1),
        th.Property("fail", th.BooleanType, default=False),
        th.Property("stop", th.BooleanType, default=False),
        th.Property("needs", th.StringType),
        th.Property("require_sync_complete", th.BooleanType, default=True),
    ).to_dict()

    def required_fields(self, stream: str) -> Mapping[str, str]:
        return {str(self.config["needs"]): "product.price"} if self.config.get("needs") else {}

    def check_config(self, config: dict[str, Any]) -> None:
        if int(config.get("batch_size", 2)) < 1:
            raise ConfigError("setting batch_size: must be 1 or more")

    def make_flow(self) -> ProbeFlow:
        return ProbeFlow(self.config)


END = {"type": "STATE", "value": {"bookmark": -1, "sync_complete": {"streams": ["product.product"]}}}


def lines(n: int, state_after: int, complete: bool = True) -> str:
    schema = {
        "type": "SCHEMA",
        "stream": "product.product",
        "key_properties": ["id"],
        "schema": {"type": "object", "properties": {"id": {"type": "integer"}, "price": {"type": "number"}}},
    }
    out = [json.dumps(schema)]
    for i in range(1, n + 1):
        record = {"id": i, "price": 1.5, "_sdc_deleted_at": "2026-01-01T00:00:00Z" if i == 1 else None}
        out.append(json.dumps({"type": "RECORD", "stream": "product.product", "record": record}))
        if i == state_after:
            out.append(json.dumps({"type": "STATE", "value": {"bookmark": i}}))
    if complete:
        out.append(json.dumps(END))
    return "\n".join(out) + "\n"


def run(
    config: dict[str, Any], data: str, capsys: pytest.CaptureFixture[str]
) -> tuple[ProbeTarget, str, int]:
    target = ProbeTarget(config=config)
    try:
        target.listen(file_input=io.StringIO(data))
    except SystemExit as exc:
        return target, capsys.readouterr().out, int(exc.code or 0)
    return target, capsys.readouterr().out, 0


def test_records_reach_the_flow_as_floats_and_state_waits_for_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    target, out, status = run({"batch_size": 50}, lines(3, state_after=3), capsys)
    flow = target.flow
    assert isinstance(flow, ProbeFlow) and status == 0
    assert [r["id"] for _, r in flow.records] == [1, 2, 3]
    assert type(flow.records[0][1]["price"]) is float
    assert flow.records[0][1]["_sdc_deleted_at"] == "2026-01-01T00:00:00Z"  # kept for deletions
    assert flow.events == ["flush 3", "flush final 0", "finish"]  # the STATE drained the sink
    states = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert states and states[-1] == END["value"]


def test_input_without_the_end_of_sync_mark_exits_1_and_says_so(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    target, _, status = run({}, lines(3, state_after=3, complete=False), capsys)
    assert status == 1 and target.flow.input_complete is False
    assert "before the tap marked its sync complete" in caplog.text
    _, _, status = run({"require_sync_complete": False}, lines(3, state_after=3, complete=False), capsys)
    assert status == 0


def test_a_line_broken_off_stops_reading_there_and_exits_1(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    data = lines(4, state_after=4)
    cut = data[: data.index('"id": 3') + 4]  # in the middle of the third record's line
    target, out, status = run({}, cut, capsys)
    assert status == 1 and [r["id"] for _, r in target.flow.records] == [1, 2]
    assert "line 4 of the input is broken off" in caplog.text
    assert "sync_complete" not in out


def test_a_field_the_mapping_needs_missing_from_the_schema_stops_at_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ConfigError) as err:
        run({"needs": "lst_price"}, lines(2, state_after=2), capsys)
    text = str(err.value)
    assert "stream product.product has no field lst_price" in text and "product.price" in text
    assert "extra_fields" in text and '"lst_price"' in text
    target, _, status = run({"needs": "price"}, lines(2, state_after=2), capsys)
    assert status == 0 and len(target.flow.records) == 2


def test_a_record_the_flow_cannot_take_is_rejected_and_the_run_goes_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = lines(2, state_after=2).replace('{"id": 2,', '{"boom": "this", "id": 2,')
    target, _, status = run({}, data, capsys)
    assert status == 0 and [r["id"] for _, r in target.flow.records] == [1]
    assert "reject ValueError: cannot take this" in target.flow.events


def test_stop_run_exits_3_aborts_the_flow_and_writes_no_state(capsys: pytest.CaptureFixture[str]) -> None:
    target, out, status = run({"stop": True}, lines(3, state_after=3), capsys)
    assert status == 3 and target.flow.events[-1] == "abort"
    assert out.strip() == ""


def test_state_is_held_while_the_flow_has_records_waiting(capsys: pytest.CaptureFixture[str]) -> None:
    target = ProbeTarget(config={})
    target.flow.add("product.product", {"id": 1})
    target._write_state_message({"bookmark": 1})
    assert capsys.readouterr().out == ""
    target.flow.flush()
    target._write_state_message({"bookmark": 1})
    assert json.loads(capsys.readouterr().out) == {"bookmark": 1}  # targets emit the state value


def test_dead_letters_exit_1_when_the_flow_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    target, _, status = run({"fail": True}, lines(1, state_after=1), capsys)
    assert status == 1 and target.flow.events[-1] == "finish"


def test_a_wrong_setting_exits_2_naming_it(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"batch_size": 0}))
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); "
        "from test_etl_target import ProbeTarget; ProbeTarget.main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "target-probe: setting batch_size: must be 1 or more" in proc.stderr


@pytest.mark.parametrize("maps", [{"stream_maps": {"product.product": {"extra": "'x'"}}}])
def test_stream_maps_take_the_sdk_path(maps: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    target, _, status = run(maps, lines(2, state_after=2), capsys)
    assert status == 0 and [r.get("extra") for _, r in target.flow.records] == ["x", "x"]
