"""Fixtures and helpers: a Linkit sandbox on a free port (minimal answers), data put into it through its own
`/api/v1` writes, and tap-linkit run against it in this process (messages parsed) or as the real console
script (exit status, stderr)."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import typing as t
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sandbox.linkit import LinkitSandbox, serve_linkit
from tap_linkit.tap import TapLinkit, main

TOKEN = "tap-linkit-secret-token-42"
ORG = "org_sandbox001"  # the sandbox's organization
ROOT = Path(__file__).resolve().parents[2]
TAP = [sys.executable, "-c", "from tap_linkit.tap import main; main()"]
ARRAY = [  # the canonical period list [br2]
    {"WeekDay": "Monday", "OpenHour": 9, "OpenMinute": 0, "CloseHour": 18, "CloseMinute": 0},
    {"WeekDay": "Tuesday", "OpenHour": 9, "OpenMinute": 30, "CloseHour": 17, "CloseMinute": 45},
]
WEEKDAYS = {  # the legacy weekday object [seed]
    "monday": {"open": "10:00", "close": "22:00"},
    "sunday": {"open": "12:00", "close": "24:00"},
}


def messages(stdout: str) -> list[dict[str, t.Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


def records(sent: list[dict[str, t.Any]], stream: str) -> list[dict[str, t.Any]]:
    """The records of one stream, in the order the tap wrote them."""
    return [m["record"] for m in sent if m["type"] == "RECORD" and m["stream"] == stream]


def ids(sent: list[dict[str, t.Any]], stream: str) -> list[str]:
    return [r["id"] for r in records(sent, stream)]


def last_state(sent: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    return next((m["value"] for m in reversed(sent) if m["type"] == "STATE"), {})


def tap_config(linkit: LinkitSandbox, **extra: t.Any) -> dict[str, t.Any]:
    """Config for the sandbox: its organization, fast retries."""
    config: dict[str, t.Any] = {
        "api_url": linkit.api_url,
        "api_token": TOKEN,
        "organization_id": ORG,
        "backoff_factor": 0.01,
    }
    config.update(extra)
    return config


def run_tap(config: dict[str, t.Any], state: dict[str, t.Any] | None = None) -> list[dict[str, t.Any]]:
    """Sync every stream once in this process; the Singer messages it wrote."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        TapLinkit(config=config, state=state or {}).sync_all()
    return messages(out.getvalue())


def run_cli(config: dict[str, t.Any], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The console script's code as a real process: exit status, stdout, stderr."""
    (tmp_path / "linkit.json").write_text(json.dumps(config))
    command = [*TAP, "--config", str(tmp_path / "linkit.json"), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False
    )


Cli = t.Callable[[dict[str, t.Any]], subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> Cli:
    """The console script's ``main()`` in this process (faster than a new Python for each case): exit
    status, and stdout/stderr captured at the file descriptors, so the log handlers' output is in it too."""

    def call(config: dict[str, t.Any]) -> subprocess.CompletedProcess[str]:
        (tmp_path / "linkit.json").write_text(json.dumps(config))
        argv = ["tap-linkit", "--config", str(tmp_path / "linkit.json")]
        monkeypatch.setattr(sys, "argv", argv)
        capfd.readouterr()
        with pytest.raises(SystemExit) as stopped:
            main()
        out, err = capfd.readouterr()
        return subprocess.CompletedProcess(argv, int(stopped.value.code or 0), out, err)

    return call


class Linkit:
    """Writes into the sandbox through its published `/api/v1` routes, as a Linkit user or connector would."""

    def __init__(self, sandbox: LinkitSandbox) -> None:
        self.sandbox = sandbox
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {sandbox.api_token}"

    def send(self, method: str, path: str, body: t.Any) -> dict[str, t.Any]:
        answer = self.session.request(method, self.sandbox.api_url + path, json=body, timeout=10)
        assert answer.status_code < 300, answer.text
        data = answer.json()
        assert data.get("success", True) is True, data
        return data

    def branches(self, *branches: dict[str, t.Any]) -> None:
        self.send("POST", "/branches/bulk", {"mode": "upsert", "branches": list(branches)})

    def products(self, *iv_ids: str, **fields: t.Any) -> None:
        items = [{"iv_id": i, "name_en": f"Product {i}", "average_price": 10.5, **fields} for i in iv_ids]
        self.send("POST", "/products/bulk", {"mode": "upsert", "products": items})

    def stock(self, product: str, branch: str, qty: int) -> None:
        item = {"iv_id": f"{product}_{branch}", "product_iv_id": product, "branch_iv_id": branch, "qty": qty}
        self.send("POST", "/skus/bulk", {"mode": "update", "skus": [item]})

    def order(self, external_id: str) -> None:
        line = {"product_id": "P1", "name": "Widget", "quantity": 2, "price": 29.99}
        order = {
            "source": "salla",
            "external_id": external_id,
            "customer_name": "Ahmed Hassan",
            "products": [line],
            "total_amount": 59.98,
            "currency": "SAR",
        }
        self.send("POST", "/orders/bulk", [order])

    def offer(self, remote: str, value: float = 10) -> None:
        offer = {
            "remote_offer_id": remote,
            "name": f"{value:g}% off",
            "offer_type": "direct_discount",
            "status": "active",
            "target_scope": "order",
            "discount_type": "percentage",
            "discount_value": value,
        }
        self.send("POST", "/offers/bulk", {"offers": [offer]})

    def customer(self, email: str) -> None:
        body = {"first_name": "Sara", "last_name": "Ali", "email": email}
        answer = self.session.post(
            self.sandbox.api_url + "/customers", json=body, headers={"X-Organization-ID": ORG}, timeout=10
        )
        assert answer.status_code == 201, answer.text

    def listed(self, path: str, **params: t.Any) -> list[dict[str, t.Any]]:
        """Every entry of a list as Linkit answers it (what the tap must emit unchanged)."""
        rows: list[dict[str, t.Any]] = []
        page = 1
        while True:
            answer = self.session.get(
                self.sandbox.api_url + path,
                params={**params, "page": page, "limit": 100},
                headers={"X-Organization-ID": ORG},
                timeout=10,
            ).json()
            rows += answer["data"]
            if not answer["has_next"]:
                return rows
            page += 1


def fill(linkit: LinkitSandbox) -> Linkit:
    """Two branches (one in each working-hours shape), three products (so six SKUs), stock, two orders, two
    offers and two customers."""
    api = Linkit(linkit)
    api.branches(
        {
            "iv_id": "WH1",
            "name_en": "Main",
            "location": {"lat": 24.7, "lon": 46.6},
            "working_hours": ARRAY,
        },
        {"iv_id": "WH2", "name_en": "Mall", "working_hours": WEEKDAYS},
    )
    api.products("P1", "P2", "P3")
    api.stock("P1", "WH1", 7)
    api.order("SALLA-1")
    api.order("SALLA-2")
    api.offer("odoo:loyalty.program:1")
    api.offer("odoo:loyalty.program:2", 20)
    api.customer("sara@example.com")
    api.customer("omar@example.com")
    return api


def list_requests(linkit: LinkitSandbox, path: str) -> list[dict[str, str]]:
    """The query of each GET the sandbox saw on one list route."""
    with linkit.state.lock:
        return [
            dict(r.query) for r in linkit.state.requests if (r.method, r.path) == ("GET", f"/api/v1{path}")
        ]


def backdate(linkit: LinkitSandbox, kind: str, when: str) -> None:
    """Set `updated` of every stored record of one kind, as if Linkit last changed them at `when` (the sandbox
    stamps writes with the current second; a test of bookmarks needs times that differ)."""
    with linkit.state.lock:
        for record in getattr(linkit.state, kind).values():
            record["updated"] = when


@pytest.fixture
def linkit() -> Iterator[LinkitSandbox]:
    with serve_linkit(api_token=TOKEN, port=0) as sandbox:
        yield sandbox


@pytest.fixture
def filled(linkit: LinkitSandbox) -> LinkitSandbox:
    fill(linkit)
    return linkit
