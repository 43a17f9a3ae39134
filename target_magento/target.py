"""Placeholder entry point until the target-magento issue lands: says so, exits 2."""

import sys


def cli() -> None:
    """Tell the caller this target is not built yet."""
    print("target-magento: not built yet", file=sys.stderr)
    sys.exit(2)
