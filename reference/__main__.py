"""``python -m reference``: only the entry point; the command line itself lives with the
other commands in backprop_cli.reference_cli (standard library only, like the oracle)."""

import sys

from backprop_cli.reference_cli import main

if __name__ == "__main__":  # pragma: no cover - the module's entry point
    sys.exit(main(sys.argv[1:]))
