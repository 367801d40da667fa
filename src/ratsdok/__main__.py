"""``python -m ratsdok``."""

import sys

from ratsdok.cli import main

sys.exit(main())
