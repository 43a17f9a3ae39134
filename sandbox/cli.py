"""Placeholder until the sandbox lands lands."""

import sys


def main() -> None:
    """Say the sandbox is not built yet."""
    print("odoo-sandbox: not built yet", file=sys.stderr)
    sys.exit(2)
