"""The Linkit inbound service (`odoo-hub serve linkit`): the routes Linkit's connector apps call on an Odoo
that has the Linkit addon (seed 000: `/linkit/erp/*`, `/linkit/pos/*`, legacy `/api/linkit/*`), served
beside Odoo instead of inside it. Each body is checked whole, then applied through target-odoo's writer
(`target_odoo.flow.OdooFlow`, source `linkit`); the GET feeds read Odoo through tap-odoo's client.

See docs/linkit-inbound.md.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("odoo-hub")
except PackageNotFoundError:  # run from a checkout that is not installed
    __version__ = "0.0.0"

SERVICE = "odoo-hub linkit-inbound"
