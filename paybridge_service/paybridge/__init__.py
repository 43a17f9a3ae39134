"""Paybridge: local payment-terminal service between the Odoo POS and a Geidea terminal (seed 000)."""

__version__ = "0.1.0"
