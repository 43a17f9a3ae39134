"""tap_medusa: MarqaSouq (Medusa) orders and customers from the `/odoo/*` API of seed 002."""
