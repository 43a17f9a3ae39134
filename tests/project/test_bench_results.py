"""Benchmark figures live in one file the benches write (docs/bench-results.md); nobody else quotes them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def results() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_results", ROOT / "bench" / "results.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_bench_replaces_only_its_own_section(tmp_path: Path) -> None:
    r = results()
    path = tmp_path / "bench-results.md"
    first = r.section(
        "demo", title="Demo", command=["bench/demo.py"], size="10 products", rows=[["speed", "1 a|b", "≥ 1"]]
    )
    r.write("demo", first, path)
    r.write("other", r.section("other", title="Other", command=["x"], size="1", rows=[["a", "b", "c"]]), path)
    text = path.read_text()
    assert text.startswith("# Benchmark results") and text.count("<!-- bench:demo -->") == 1
    assert "10 products" in text and "Machine: " in text and " cores" in text and "1 a\\|b" in text
    assert re.search(r"Measured \d{4}-\d\d-\d\d \d\d:\d\d UTC by `bench/demo.py`", text)
    again = r.section(
        "demo", title="Demo", command=["bench/demo.py"], size="20 products", rows=[["s", "2", ""]]
    )
    r.write("demo", again, path)
    text = path.read_text()
    assert "20 products" in text and "10 products" not in text and "<!-- bench:other -->" in text
    assert text.index("<!-- bench:demo -->") < text.index("<!-- bench:other -->")  # replaced in place


def test_a_reduced_run_never_overwrites_the_goal_size_figures() -> None:
    r = results()
    assert r.section_name("odoo_to_medusa", True) == "odoo_to_medusa"
    assert r.section_name("odoo_to_medusa", False) == "odoo_to_medusa-reduced"


def test_readme_and_docs_link_to_the_results_instead_of_quoting_figures() -> None:
    text = (ROOT / "docs" / "bench-results.md").read_text()
    for bench in ("odoo_to_medusa", "tap_throughput"):
        assert f"<!-- bench:{bench} -->" in text and f"<!-- /bench:{bench} -->" in text
    figure = re.compile(r"\d[\d,.]* ?(records/s|/s\b|µs|MiB)|\b\d+(\.\d+)? s (for|=)|ratio \d")
    for doc in ("README.md", "docs/target-medusa.md"):
        body = (ROOT / doc).read_text()
        assert "bench-results.md" in body, f"{doc} should link to docs/bench-results.md"
        found = figure.search(body)
        assert found is None, f"{doc} quotes a bench figure: {found.group(0) if found else ''!r}"
