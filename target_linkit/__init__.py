"""target-linkit: Singer target for Linkit /api/v1 (seed 000). Not built yet."""
