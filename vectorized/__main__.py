"""Command line: ``python -m vectorized compare``."""

from __future__ import annotations

import sys

from vectorized.cli import main

sys.exit(main(sys.argv[1:]))
