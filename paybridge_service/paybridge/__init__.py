"""Paybridge: local payment-terminal service (seed 000)."""
