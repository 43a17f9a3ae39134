"""The one place benchmark figures live: ``docs/bench-results.md``, rewritten by each bench run.

Every bench replaces its own section (between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->``; a run at
a reduced size has a section of its own) with the date, the machine, the size it ran at and its figures.
README and docs link to the file instead of quoting numbers, so there is no second copy to go stale.
"""

from __future__ import annotations

import os
import platform
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "bench-results.md"

HEADER = """# Benchmark results

Written by the benchmarks themselves (`make bench`, or one of the scripts below): each run replaces its own
section with the date, the machine, the size it ran at and what it measured. Do not edit the sections by
hand; README and the docs link here rather than quote figures. The goals apply at each bench's default size
(100,000 products for `bench/odoo_to_medusa.py`, 200,000 for `bench/tap_throughput.py`, 20,000 products x 3
branches for `bench/odoo_to_linkit.py`, 10,000 orders for `bench/medusa_to_odoo.py`); a section measured at a
smaller size says so, and its figures are not the goal figures.
"""


def section_name(bench: str, full_size: bool) -> str:
    """A bench's section: one for its default (goal) size, one for the last run at a reduced size, so a quick
    run never overwrites the figures the goals are judged on."""
    return bench if full_size else f"{bench}-reduced"


def machine() -> str:
    """CPU model, cores, memory, OS, Python and load at the start: enough to compare two runs."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average {:.2f} {:.2f} {:.2f} at the start".format(*os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}{load}"
    )


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    def cell(value: str) -> str:
        return str(value).replace("|", "\\|")

    out = ["| " + " | ".join(headers) + " |", "|" + " --- |" * len(headers)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(out)


def section(
    name: str,
    *,
    title: str,
    command: Sequence[str],
    size: str,
    rows: Sequence[Sequence[str]],
    headers: Sequence[str] = ("figure", "result", "goal"),
    notes: str = "",
    started: datetime | None = None,
    machine_text: str | None = None,
) -> str:
    """The markdown of one bench's section, markers included."""
    when = (started or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    body = [
        f"<!-- bench:{name} -->",
        f"## {title}",
        "",
        f"Measured {when} by `{' '.join(command)}`, {size}.  ",
        f"Machine: {machine_text or machine()}.",
        "",
        table(rows, headers),
    ]
    if notes:
        body += ["", notes.strip()]
    body.append(f"<!-- /bench:{name} -->")
    return "\n".join(body)


def write(name: str, text: str, path: Path = RESULTS) -> Path:
    """Replace (or add) the section ``name`` of the results file with ``text``; other sections stay."""
    current = path.read_text(encoding="utf-8") if path.is_file() else HEADER
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _m: text, current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    if not updated.endswith("\n"):
        updated += "\n"
    path.write_text(updated, encoding="utf-8")
    return path
