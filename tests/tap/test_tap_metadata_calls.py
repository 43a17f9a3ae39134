"""Metadata calls per run, counted on the sandbox (its `on_call` hook sees every object call): one fields_get
per model, no latest-write_date probe on a first run, at most one per model on a later run."""

from __future__ import annotations

import typing as t
from collections import Counter

from tap_helpers import run_tap, sandbox_config

from sandbox.odoo import serve_odoo


def _record_calls(sb: t.Any) -> list[tuple[str, str, dict[str, t.Any]]]:
    calls: list[tuple[str, str, dict[str, t.Any]]] = []

    def hook(model: str, method: str, args: list[t.Any], kwargs: dict[str, t.Any]) -> None:
        calls.append((model, method, dict(kwargs)))

    sb.on_call = hook
    return calls


def _probes(calls: list[tuple[str, str, dict[str, t.Any]]]) -> Counter[str]:
    """latest-write_date probes: a search_read of write_date alone, limit 1, newest first."""
    return Counter(
        model
        for model, method, kwargs in calls
        if method == "search_read"
        and kwargs.get("limit") == 1
        and kwargs.get("fields") == ["write_date"]
        and str(kwargs.get("order", "")).startswith("write_date desc")
    )


def test_one_fields_get_per_model_and_no_repeated_probes() -> None:
    with serve_odoo(products=0, version="17.0", seed=1, port=0) as sb:
        calls = _record_calls(sb)
        first = run_tap(sandbox_config(sb, stock_levels=True))  # every default model
        fields_gets = Counter(model for model, method, _ in calls if method == "fields_get")
        assert fields_gets and max(fields_gets.values()) == 1, fields_gets
        probes = _probes(calls)
        # at most one per model, shared by every stream that follows it (res.company is behind most) and by
        # stock_levels' watermark; none for a model a stream already read earlier in the run
        assert probes and max(probes.values()) == 1, probes
        assert len(probes) < len(fields_gets) / 2, probes
        models = {model for model, method, _ in calls if method == "search_read" and model != "ir.model"}
        assert len(calls) <= len(models) + 2 * len(fields_gets) + 10, Counter((m, f) for m, f, _ in calls)

        calls.clear()
        run_tap(sandbox_config(sb, stock_levels=True), state=first.state)
        fields_gets = Counter(model for model, method, _ in calls if method == "fields_get")
        assert max(fields_gets.values()) == 1, fields_gets
        probes = _probes(calls)
        assert probes and max(probes.values()) == 1, probes  # res.company once, not once per stream
        assert probes["res.company"] == 1
