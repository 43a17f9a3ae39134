"""A loopback Odoo speaking the external API like the recorded Odoo 17 server (docs/sandbox-odoo.md)."""

from sandbox.odoo.recordings import recordings_dir
from sandbox.odoo.server import API_KEYS, OdooSandbox, serve_odoo

__all__ = ["API_KEYS", "OdooSandbox", "recordings_dir", "serve_odoo"]
