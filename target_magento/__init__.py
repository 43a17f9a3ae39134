"""target-magento: Singer target for Magento 2 REST with MSI (seed 003). Not built yet."""
