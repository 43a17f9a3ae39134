"""target-linkit: Singer target for Linkit /api/v1 (seed 000): catalogue and SKU stock per branch so far."""
