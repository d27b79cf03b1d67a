"""``python -m reference train|trace``: the oracle's command line (standard library only)."""

from __future__ import annotations

import argparse

from backprop_cli.options import (
    Parser,
    add_max_nodes_argument,
    add_network_arguments,
    add_steps_argument,
    announce,
    report_outputs,
    resolve,
    run,
)
from reference.network import cost, forward
from reference.trace import trace
from reference.training import train


def _train(args: argparse.Namespace) -> int:
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
    report_outputs(ex, cost(ex.arch, params, ex.X, ex.Y), forward(ex.arch, params, ex.X))
    return 0


def _trace(args: argparse.Namespace) -> int:
    ex = resolve(args)
    n = ex.batch_size or len(ex.X)  # the example's first batch
    print(
        trace(
            ex.arch,
            ex.params,
            ex.X[:n],
            ex.Y[:n],
            ex.learning_rate,
            args.max_nodes,
            max_samples=min(2, args.max_nodes),
        )
    )
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m reference``."""
    p = Parser(
        prog="python -m reference",
        description="The node-by-node oracle. Plots and MNIST: python -m vectorized.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train a worked example or a network of your own")
    add_network_arguments(t)
    add_steps_argument(t)
    t.set_defaults(run=_train)
    r = sub.add_parser("trace", help="print one step node by node")
    add_network_arguments(r)
    add_max_nodes_argument(r)
    r.set_defaults(run=_trace)
    return p


def main(argv: list[str]) -> int:
    """Parse and run one command."""
    args = parser().parse_args(argv)
    status: int = run(args.run, args)
    return status
