"""Placeholder until the tap issue lands."""

import sys


def cli() -> None:
    """Say the tap is not built yet."""
    print("tap-odoo: not built yet", file=sys.stderr)
    sys.exit(2)
