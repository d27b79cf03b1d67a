"""``python -m vectorized compare|train|trace``."""

from __future__ import annotations

import sys

from backprop_cli.vectorized_cli import main

if __name__ == "__main__":  # pragma: no cover - the module's entry point
    sys.exit(main(sys.argv[1:]))
