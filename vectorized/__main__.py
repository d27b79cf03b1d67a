"""``python -m vectorized``: only the entry point; the command line itself lives with the
other commands in backprop_cli.vectorized_cli."""

from __future__ import annotations

import sys

from backprop_cli.vectorized_cli import main

if __name__ == "__main__":  # pragma: no cover - the module's entry point
    sys.exit(main(sys.argv[1:]))
