"""The vectorized command line: compare (and, as they are added, train, trace, speedup)."""

from __future__ import annotations

import argparse
import sys

from reference.contract import ContractError
from vectorized.compare import NETWORKS, compare, table


def _compare(args: argparse.Namespace) -> int:
    rows = [compare(arch, N, args.seed) for arch, N in NETWORKS]
    print("Largest |reference − vectorized| (float64), per network:")
    print(table(rows))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m vectorized``."""
    p = argparse.ArgumentParser(prog="python -m vectorized", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare", help="run both implementations on a set of networks")
    c.add_argument("--seed", type=int, default=0, help="seed of parameters and data")
    c.set_defaults(run=_compare)
    return p


def main(argv: list[str]) -> int:
    """Run one command; bad input is one line on stderr and exit status 2."""
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (ContractError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return status
