"""`odoo-sandbox`: serve the loopback sandboxes (Odoo's external API, the platforms' APIs).

`odoo-sandbox odoo|medusa|linkit [options]` hand their arguments to the package of
that sandbox; `--help` of each lists its switches.
"""

from __future__ import annotations

import importlib
import sys

SANDBOXES = {"odoo": "sandbox.odoo.cli", "medusa": "sandbox.medusa.cli", "linkit": "sandbox.linkit.cli"}


def main(argv: list[str] | None = None) -> None:
    """Dispatch to the sandbox named by the first argument."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in SANDBOXES:
        print(f"usage: odoo-sandbox {{{'|'.join(SANDBOXES)}}} [options]   (then --help)", file=sys.stderr)
        sys.exit(2)
    try:
        module = importlib.import_module(SANDBOXES[args[0]])
    except ModuleNotFoundError:
        print(f"odoo-sandbox {args[0]}: not built yet", file=sys.stderr)
        sys.exit(2)
    sys.exit(module.main(args[1:]))
