"""Shared fixtures: the Odoo sandbox with the recorded data (session-wide, read-only by convention)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.odoo import OdooSandbox, serve_odoo


@pytest.fixture(scope="session")
def odoo_sandbox() -> Iterator[OdooSandbox]:
    """A served Odoo 17 sandbox: recorded data only (products=0), faults off.

    Shared by every test of the session: do not write to it or change its switches; a test that mutates data
    or turns faults on starts its own `with serve_odoo(...) as sb:`.
    """
    with serve_odoo(products=0, version="17.0", seed=1) as sb:
        yield sb
