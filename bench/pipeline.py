"""What the pipeline benches share: an Odoo sandbox of generated products in a process of its own, one
`tap-odoo | target-…` run timed as a whole, and a meltano.yml extractor's field lists (so a bench measures
the shipped job, not a hand-picked read)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def extractor_fields(name: str) -> dict[str, list[str]]:
    """The per-stream field lists of one of meltano.yml's extractors."""
    project = yaml.safe_load((ROOT / "meltano.yml").read_text())
    extractor = next(e for e in project["plugins"]["extractors"] if e["name"] == name)
    return dict(extractor["config"].get("fields") or {})


def start_odoo(products: int) -> tuple[subprocess.Popen[str], str]:
    """`odoo-sandbox odoo --products N` on a free port; the process and its URL."""
    proc = subprocess.Popen(
        [str(BIN / "odoo-sandbox"), "odoo", "--port", "0", "--products", str(products)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if " on " not in line:
        proc.kill()
        raise SystemExit(f"Odoo sandbox did not start: {line!r}")
    return proc, line.split(" on ")[1].split()[0]


def odoo_tap_config(url: str, **config: Any) -> dict[str, Any]:
    return {"url": url, "database": "demo17", "username": "admin", "password": "admin", **config}


def run(
    work: Path,
    tap_config: Path,
    target: str,
    target_config: Path,
    state: Path | None,
) -> tuple[float, int, str, str]:
    """One `tap-odoo | <target>` run: wall seconds, records the target read, its last STATE line, the tail
    of its stderr. A failed run stops the bench with that tail."""
    tap_cmd = [str(BIN / "tap-odoo"), "--config", str(tap_config)]
    if state is not None:
        tap_cmd += ["--state", str(state)]
    started = time.perf_counter()
    tap = subprocess.Popen(tap_cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=work)
    done = subprocess.run(
        [str(BIN / target), "--config", str(target_config)],
        stdin=tap.stdout,
        capture_output=True,
        text=True,
        cwd=work,
        check=False,
    )
    assert tap.stdout is not None
    tap.stdout.close()
    tap.wait()
    wall = time.perf_counter() - started
    if tap.returncode or done.returncode:
        raise SystemExit(
            f"run failed (tap {tap.returncode}, {target} {done.returncode}):\n{done.stderr[-3000:]}"
        )
    records = sum(
        int(json.loads(line.split("METRIC: ", 1)[1])["value"])
        for line in done.stderr.splitlines()
        if '"metric":"record_count"' in line and "METRIC: " in line
    )
    last_state = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "{}"
    return wall, records, last_state, done.stderr[-600:]
