"""A product x branch flow for target-linkit as a real subprocess: N generated products, each with stock in
four warehouses that the `branches` setting puts on three Linkit branches (EAST sums two warehouses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from linkit.helpers import TOKEN, singer
from linkit.messages import product, stock_row

ROOT = Path(__file__).resolve().parents[2]
TARGET = [str(Path(sys.executable).with_name("target-linkit"))]
WAREHOUSES = {"WH": 1, "SHOP": 2, "E1": 3, "E2": 4}  # code -> id
BRANCHES = {"WH": "WH", "SHOP": "SHOP", "E1": "EAST", "E2": "EAST"}
__all__ = ["BRANCHES", "TOKEN", "WAREHOUSES", "expected_qty", "flow_input", "qty", "start_target"]


def qty(i: int, code: str, warehouses: dict[str, int] = WAREHOUSES) -> int:
    return (i * 7 + warehouses[code] * 3) % 41


def flow_input(n: int, warehouses: dict[str, int] = WAREHOUSES) -> str:
    """n products and their stock rows per warehouse, ending with the end-of-sync mark."""
    products = [product(i) for i in range(1, n + 1)]
    rows = [
        stock_row(p["default_code"], p["id"], float(qty(i, code, warehouses)), code, wid)
        for i, p in enumerate(products, start=1)
        for code, wid in warehouses.items()
    ]
    return singer(products, rows)


def expected_qty(n: int, warehouses: dict[str, int] = WAREHOUSES) -> dict[tuple[str, str], int]:
    """(product iv_id, branch iv_id) -> the qty Linkit must end with (warehouses of a branch summed; a
    warehouse the `branches` setting does not name is the branch of its own code)."""
    out: dict[tuple[str, str], int] = {}
    for i in range(1, n + 1):
        for code in warehouses:
            key = (f"GEN-{i:06d}", BRANCHES.get(code, code))
            out[key] = out.get(key, 0) + qty(i, code, warehouses)
    return out


def start_target(config: dict[str, Any], tmp_path: Path) -> subprocess.Popen[str]:
    """target-linkit as a real subprocess reading Singer messages on stdin."""
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return subprocess.Popen(
        [*TARGET, "--config", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
    )
