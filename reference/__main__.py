"""``python -m reference train EXAMPLE`` and ``python -m reference trace EXAMPLE``."""

from __future__ import annotations

import argparse
import sys

from reference.cli import Parser, add_example_arguments, announce, report_outputs, resolve, run
from reference.contract import ContractError
from reference.network import cost, forward
from reference.trace import trace
from reference.training import train


def _train(args: argparse.Namespace) -> int:
    if args.plot:
        same = f"python -m vectorized train {args.example or '…'} --plot {args.plot}"
        raise ContractError(
            "--plot: the oracle imports only the standard library, so plots are drawn by "
            f"the vectorized command line: {same}"
        )
    ex = resolve(args)
    params, _ = train(
        ex.arch,
        ex.params,
        ex.X,
        ex.Y,
        ex.learning_rate,
        ex.steps,
        ex.batch_size,
        on_step=announce(ex),
    )
    report_outputs(
        ex, cost(ex.arch, params, ex.X, ex.Y), forward(ex.arch, params, ex.X), args.max_nodes
    )
    return 0


def _trace(args: argparse.Namespace) -> int:
    ex = resolve(args)
    n = ex.batch_size or len(ex.X)  # the example's first batch
    print(
        trace(
            ex.arch, ex.params, ex.X[:n], ex.Y[:n], ex.learning_rate, args.max_nodes, max_samples=2
        )
    )
    return 0


def main(argv: list[str]) -> int:
    """Parse and run one command."""
    p = Parser(prog="python -m reference", description="The node-by-node oracle.")
    sub = p.add_subparsers(dest="command", required=True)
    for name, fn, text in (
        ("train", _train, "train a worked example"),
        ("trace", _trace, "print one step node by node"),
    ):
        c = sub.add_parser(name, help=text)
        add_example_arguments(c)
        c.set_defaults(run=fn)
        if name == "train":
            c.add_argument("--plot", metavar="PATH", help="see python -m vectorized train --plot")
    args = p.parse_args(argv)
    status: int = run(args.run, args)
    return status


if __name__ == "__main__":  # pragma: no cover - the module's entry point
    sys.exit(main(sys.argv[1:]))
