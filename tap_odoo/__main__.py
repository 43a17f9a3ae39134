"""``python -m tap_odoo`` runs the tap's CLI."""

from tap_odoo.tap import cli

cli()
