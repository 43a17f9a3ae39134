"""Linkit -> Odoo test helpers: a Linkit sandbox filled through its own /api/v1 as a Linkit admin would, its
streams read back exactly as the sandbox returns them (GET list pages, as tap-linkit reads them), and those
records applied with `OdooFlow({... "source": "linkit"})` the way the receiving service and target-odoo do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from etl.ledger import Ledger
from etl.sink import RunSummary
from sandbox.linkit import LinkitSandbox, serve_linkit
from sandbox.odoo import OdooSandbox
from target_odoo.flow import OdooFlow

WRITES = ("create", "write", "unlink", "action_apply_inventory")
STREAMS = ("branches", "customers", "skus", "offers")
WH_HOURS = [  # canonical period array (seed 000's per-branch payload)
    {"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0},
    {"WeekDay": "Tuesday", "OpenHour": 9, "OpenMinute": 30, "CloseHour": 18, "CloseMinute": 0},
]
CHIC_HOURS = {"monday": {"open": "10:00", "close": "22:00"}, "friday": {"open": "14:00", "close": "23:30"}}


class Linkit:
    """The Linkit sandbox's /api/v1 with its token, as an admin (writes) and as tap-linkit (reads)."""

    def __init__(self, sandbox: LinkitSandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {sandbox.api_token}"
        self.http.headers["X-Organization-ID"] = sandbox.state.organization_id

    def call(self, method: str, path: str, body: Any = None) -> Any:
        answer = self.http.request(method, self.sandbox.api_url + path, json=body, timeout=10)
        assert answer.status_code < 300, (path, answer.status_code, answer.text)
        return answer.json() if answer.content else None

    def bulk(self, plural: str, items: list[dict[str, Any]], mode: str = "upsert") -> None:
        answer = self.call("POST", f"/{plural}/bulk", {"mode": mode, plural: items})
        assert answer["success"], answer

    def records(self, stream: str) -> list[dict[str, Any]]:
        """Every record of a stream, page by page, exactly as Linkit answers them."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self.call("GET", f"/{stream}?page={page}&limit=100")
            out += answer["data"]
            if not answer["has_next"]:
                return out
            page += 1


@contextmanager
def linkit_sandbox() -> Iterator[Linkit]:
    with serve_linkit(port=0) as sandbox:
        yield Linkit(sandbox)


def fill(linkit: Linkit) -> dict[str, Any]:
    """Branches WH and CHIC1 (the recorded warehouses' codes) with hours in both shapes, two products Odoo
    has, their stock, a customer and a 15 % offer on the order: what a Linkit admin sets up."""
    linkit.bulk(
        "branches",
        [
            {"iv_id": "WH", "name_en": "Main Store", "working_hours": WH_HOURS},
            {"iv_id": "CHIC1", "name_en": "Chicago", "working_hours": CHIC_HOURS},
        ],
    )
    linkit.bulk(
        "products",
        [{"iv_id": "FURN_0269", "name_en": "Office Chair Black"}, {"iv_id": "E-COM07", "name_en": "Cabinet"}],
    )
    linkit.bulk(
        "skus",
        [
            {"iv_id": "FURN_0269_WH", "product_iv_id": "FURN_0269", "branch_iv_id": "WH", "qty": 42},
            {"iv_id": "E-COM07_CHIC1", "product_iv_id": "E-COM07", "branch_iv_id": "CHIC1", "qty": 180},
            {"iv_id": "E-COM07_WH", "product_iv_id": "E-COM07", "branch_iv_id": "WH", "qty": 500},
        ],
        mode="update",
    )
    customer = linkit.call(
        "POST",
        "/customers",
        {
            "first_name": "Ahmed",
            "last_name": "Hassan",
            "email": "Ahmed@Example.com",
            "phone": "+966501234567",
        },
    )["data"]
    offer = linkit.call(
        "POST",
        "/offers",
        {"name": "Weekend 15%", "offer_type": "direct_discount", "status": "active", "target_scope": "order",
         "discount_type": "percentage", "discount_value": 15, "start_at": "2026-03-25T00:00:00Z",
         "end_at": "2026-03-31T23:59:59Z"},
    )["data"]  # fmt: skip
    return {"customer": customer, "offer": offer}


def apply(
    config: dict[str, Any], records: dict[str, list[dict[str, Any]]], ledger: Ledger | None = None
) -> tuple[RunSummary, OdooFlow]:
    """Each stream's records through one OdooFlow with source linkit (add per record, then finish). No
    company_id: Linkit's branches are warehouses of both of the demo's companies (WH: 1, CHIC1: 2)."""
    flow = OdooFlow({**config, "source": "linkit", "company_id": None}, ledger=ledger)
    for stream, rows in records.items():
        for row in rows:
            flow.add(stream, row)
    return flow.finish(), flow


def pulled(linkit: Linkit, streams: tuple[str, ...] = STREAMS) -> dict[str, list[dict[str, Any]]]:
    return {stream: linkit.records(stream) for stream in streams}


def writes(sb: OdooSandbox, model: str | None = None) -> int:
    """Object calls that change Odoo (of one model, or all) since the last `sb.calls.reset()`."""
    return sum(n for (m, method), n in sb.calls.items() if method in WRITES and model in (None, m))


def letters(config: dict[str, Any]) -> dict[str, str]:
    """Open dead letters of the run's ledger: key -> reason."""
    return {d.key: d.reason for d in Ledger(config["ledger_url"]).dead_letters("odoo")}
