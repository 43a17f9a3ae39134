"""Retry policy: exponential waits (factor x 2^n) that honour Retry-After; a give-up after max_tries."""

from __future__ import annotations

import email.utils
import time

import pytest

from sandbox.odoo import serve_odoo
from tap_odoo.client import OdooClient, _wait_expo_or_retry_after
from tap_odoo.errors import OdooTransportError
from tap_odoo.transports import _retry_after


def test_waits_grow_by_factor_and_honour_retry_after() -> None:
    waits = _wait_expo_or_retry_after(factor=3)
    waits.send(None)
    plain = OdooTransportError("503", status=503)
    slow = OdooTransportError("429", status=429, retry_after=30)
    assert waits.send(plain) == 3
    assert waits.send(plain) == 6
    assert waits.send(slow) == 30  # the server asked for longer than the backoff
    assert waits.send(plain) == 24


def test_retry_after_header_forms() -> None:
    assert _retry_after("7") == 7
    assert _retry_after(None) is None
    assert _retry_after("soon") is None
    later = email.utils.formatdate(time.time() + 20, usegmt=True)
    value = _retry_after(later)
    assert value is not None and 15 <= value <= 21


def test_gives_up_after_max_tries_with_a_clear_error() -> None:
    with serve_odoo(products=0, version="17.0", seed=1, port=0) as sb:
        client = OdooClient(
            url=sb.url,
            database=sb.db,
            username="admin",
            password="admin",
            protocol="jsonrpc",
            max_tries=3,
            backoff_factor=0.01,
        )
        client.check()
        sb.faults.configure(error_rate=1.0, error_codes=(503,), retry_after=0)
        before = sum(sb.faults.counts.values())
        with pytest.raises(OdooTransportError, match="HTTP 503"):
            client.search_read("uom.uom", [], ["name"], limit=1)
        assert sum(sb.faults.counts.values()) - before == 3  # exactly max_tries attempts
        client.close()
