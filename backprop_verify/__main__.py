"""``python -m backprop_verify``: only the entry point; the command line itself lives with
the other commands in backprop_cli.verify_cli."""

import sys

try:
    from backprop_cli.verify_cli import main
except ImportError as exc:  # pragma: no cover - only without the check extra
    sys.exit(f'error: the checker needs {exc.name}: pip install -e ".[check]"')

if __name__ == "__main__":  # pragma: no cover - the module's entry point
    sys.exit(main(sys.argv[1:]))
