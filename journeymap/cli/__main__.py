"""`python -m journeymap.cli`."""

import sys

from journeymap.cli import main

sys.exit(main())
