"""``python -m tap_medusa`` runs the tap's CLI."""

from tap_medusa.tap import main

main()
