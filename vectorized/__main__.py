"""``python -m vectorized compare|train|trace``."""

from __future__ import annotations

import sys

from vectorized.cli import main

if __name__ == "__main__":  # pragma: no cover - the module's entry point
    sys.exit(main(sys.argv[1:]))
