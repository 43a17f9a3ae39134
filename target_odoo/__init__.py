"""target-odoo: the one writer into Odoo, for every source platform (Medusa, Linkit, Magento, Optiply)."""
