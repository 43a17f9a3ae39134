"""target-linkit: Singer target for Linkit /api/v1 (seed 000): catalogue, SKU stock per branch, branches with
working hours, customers, sale and POS orders, offers."""
