"""Run the tap in-process against a sandbox and collect the Singer messages it writes."""

from __future__ import annotations

import contextlib
import io
import json
import typing as t
from dataclasses import dataclass, field

from tap_odoo.tap import TapOdoo


@dataclass
class Run:
    """The messages of one tap run."""

    messages: list[dict[str, t.Any]]
    tap: TapOdoo
    stderr: str = ""
    records_by_stream: dict[str, list[dict[str, t.Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for message in self.messages:
            if message["type"] == "RECORD":
                self.records_by_stream.setdefault(message["stream"], []).append(message["record"])

    def records(self, stream: str) -> list[dict[str, t.Any]]:
        return self.records_by_stream.get(stream, [])

    def ids(self, stream: str) -> list[int]:
        return [record["id"] for record in self.records(stream)]

    @property
    def state(self) -> dict[str, t.Any]:
        states = [m["value"] for m in self.messages if m["type"] == "STATE"]
        return states[-1] if states else {}


def sandbox_config(sb: t.Any, **extra: t.Any) -> dict[str, t.Any]:
    """Tap config for a sandbox, fast retries, only what a test asks for."""
    config: dict[str, t.Any] = {
        "url": sb.url,
        "database": sb.db,
        "username": "admin",
        "password": sb.users["admin"]["password"],
        "backoff_factor": 0.01,
        "max_tries": 5,
        "stock_levels": False,
    }
    config.update(extra)
    return config


def run_tap(
    config: dict[str, t.Any], state: dict[str, t.Any] | None = None, catalog: dict[str, t.Any] | None = None
) -> Run:
    """Sync every stream once; return the parsed stdout."""
    tap = TapOdoo(config=config, state=state or {}, catalog=catalog)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tap.sync_all()
    messages = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    return Run(messages=messages, tap=tap)
