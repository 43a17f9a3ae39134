"""Placeholder entry point until the target-linkit issue lands: says so, exits 2."""

import sys


def cli() -> None:
    """Tell the caller this target is not built yet."""
    print("target-linkit: not built yet", file=sys.stderr)
    sys.exit(2)
