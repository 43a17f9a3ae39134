"""tap_odoo."""
