"""Singer input in tap-odoo's shape for target-linkit (products, stock rows, the end-of-sync mark), and a way
to run the target in this process."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from typing import Any

from etl.ledger import Ledger
from target_linkit.flow import Summary
from target_linkit.target import TargetLinkit

from .messages import PRODUCT_SCHEMA, STOCK_SCHEMA, end_of_sync, product, stock_row
from .messages import stream as stock

TOKEN = "linkit-token-123"
__all__ = ["PRODUCT_SCHEMA", "STOCK_SCHEMA", "TOKEN", "product", "stock_row"]


@dataclass
class Result:
    status: int
    summary: Summary | None
    stdout: str


def singer(
    products: list[dict[str, Any]], rows: list[dict[str, Any]] | None = None, *, complete: bool = True
) -> str:
    """The whole Singer input of one run; ``complete``: ending with tap-odoo's end-of-sync mark."""
    lines = list(stock("product_product", PRODUCT_SCHEMA, ["id"], products))
    names = ["product_product"]
    if rows:
        lines += stock("stock_levels", STOCK_SCHEMA, ["product_id", "warehouse_code"], rows)
        names.append("stock_levels")
    if complete:
        lines.append(end_of_sync(names))
    return "\n".join(lines) + "\n"


def streams(*parts: tuple[str, dict[str, Any], list[dict[str, Any]]], complete: bool = True) -> str:
    """A run's Singer input from (stream, SCHEMA, records) parts, keyed by id, ending with the mark."""
    lines = [line for name, schema, records in parts for line in stock(name, schema, ["id"], records)]
    if complete:
        lines.append(end_of_sync([name for name, _, _ in parts]))
    return "\n".join(lines) + "\n"


def run(config: dict[str, Any], data: str) -> Result:
    target = TargetLinkit(config=config, validate_config=True)
    out = io.StringIO()
    status = 0
    real = sys.stdout
    sys.stdout = out
    try:
        target.listen(file_input=io.StringIO(data))
    except SystemExit as exc:
        status = int(exc.code or 0)
    finally:
        sys.stdout = real
    summary = target.flow.summary if "flow" in target.__dict__ else None
    return Result(status, summary, out.getvalue())


def dead_letters(config: dict[str, Any]) -> list[Any]:
    return list(Ledger(config["ledger_url"]).dead_letters("linkit"))
