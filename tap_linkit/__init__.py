"""tap_linkit: Linkit `/api/v1` products, SKUs, orders, offers, branches and customers (seed 000)."""
