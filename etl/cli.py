"""Placeholder until the etl issue lands."""

import sys


def main() -> None:
    """Say odoo-hub is not built yet."""
    print("odoo-hub: not built yet", file=sys.stderr)
    sys.exit(2)
