"""A write Odoo applied whose answer never reached target-odoo (the connection dropped after the commit, a
proxy reset, a timeout on a slow create). Sent again blindly, Odoo applies it twice: until 07b07e2 tap-odoo's
client did so (a dropped keep-alive connection re-sent at once, other transport faults after a backoff), and
each case below then failed: the batch's orders created twice, its new customers created twice, its
action_confirm refused on the confirmed orders (dead letters). Exactly once must hold all the same: no second
order, no second customer, no dead letter (the writer now reads again what Odoo has and goes on).

The stock sandbox drops connections only before applying a call (test_faults.py); here its HTTP handler is
replaced (in this test's own sandbox only) by one that applies the call and then closes the connection
instead of answering, for the calls the `on_call` hook marks.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import sandbox.odoo.server as odoo_server
from etl.ledger import Ledger
from sandbox.odoo import OdooSandbox, serve_odoo

from .conftest import Odoo
from .orders import run_target
from .procs import assert_each_once, bulk_input

N = 40
LOSE = threading.local()  # set by the hook in a handler's thread, read by the same thread when it answers


class AnswerLost(odoo_server.Handler):
    """Applies every call as the sandbox does; when the hook marked it, hangs up instead of answering."""

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        if getattr(LOSE, "pending", False):
            LOSE.pending = False
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        super()._send(status, body, content_type, extra)


@pytest.fixture
def sb(monkeypatch: pytest.MonkeyPatch) -> Iterator[OdooSandbox]:
    """conftest's sandbox, served with the handler above (monkeypatch puts the stock one back after)."""
    monkeypatch.setattr(odoo_server, "Handler", AnswerLost)
    with serve_odoo(port=0) as sandbox:
        sandbox.store.names[("res.currency", 1)] = "KWD"
        yield sandbox


def lose_answer(sb: OdooSandbox, model: str, method: str, nth: int) -> dict[str, int]:
    """Lose the answer of the nth ``model.method`` call (once); answers the calls seen, for messages."""
    seen = {"calls": 0, "lost": 0}
    lock = threading.Lock()

    def hook(m: str, name: str, args: list[Any], kwargs: dict[str, Any]) -> None:
        if (m, name) != (model, method):
            return
        with lock:
            seen["calls"] += 1
            if seen["calls"] == nth:
                seen["lost"] += 1
                LOSE.pending = True

    sb.on_call = hook
    return seen


CASES = [  # each was sent twice by the client before writes were sent once and found out (see the docstring)
    pytest.param("sale.order", "create", id="sale.order.create"),
    pytest.param("res.partner", "create", id="res.partner.create"),
    pytest.param("ir.model.data", "create", id="ir.model.data.create"),
    pytest.param("sale.order", "action_confirm", id="sale.order.action_confirm"),
]


@pytest.mark.parametrize(("model", "method"), CASES)
def test_a_write_applied_whose_answer_is_lost_still_happens_once(
    sb: OdooSandbox, odoo: Odoo, config: dict[str, Any], model: str, method: str
) -> None:
    config |= {"batch_size": 10, "max_tries": 4}
    seen = lose_answer(sb, model, method, 2)  # in the second batch
    result = run_target(config, bulk_input(N))
    sb.on_call = None
    assert seen["lost"] == 1, seen
    assert result.status == 0
    assert_each_once(odoo, N)
    assert Ledger(config["ledger_url"]).dead_letters("odoo") == []
