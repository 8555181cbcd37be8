"""`python -m coordinator ...`: the command line, without Qt."""

import sys

from coordinator.cli.main import main

sys.exit(main())
