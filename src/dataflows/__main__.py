"""``python -m dataflows`` runs the command line."""

from dataflows.cli import main

main()
