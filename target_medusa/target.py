"""Placeholder until the target-medusa issue lands."""

import sys


def cli() -> None:
    """Say target-medusa is not built yet."""
    print("target-medusa: not built yet", file=sys.stderr)
    sys.exit(2)
