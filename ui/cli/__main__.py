"""``python -m ui.cli``."""

from ui.cli import main

main()
