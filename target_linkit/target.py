"""Placeholder entry point until the target-linkit issue lands: it says so and exits 2, it never pretends to work."""

import sys


def cli() -> None:
    """Tell the caller this target is not built yet."""
    print("target-linkit: not built yet", file=sys.stderr)
    sys.exit(2)
