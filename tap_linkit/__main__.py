"""``python -m tap_linkit`` runs the tap's CLI."""

from tap_linkit.tap import main

main()
