"""target_medusa."""
