"""Entry script for `journeymap app` (an installed package has no top-level app.py)."""

from journeymap.ui.navigation import run

run()
