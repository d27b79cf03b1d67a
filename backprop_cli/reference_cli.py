"""``python -m reference train|trace``: the oracle's command line (standard library only)."""

from __future__ import annotations

import argparse

from backprop_cli.options import (
    Parser,
    add_trace_command,
    add_train_command,
    announce,
    forecast,
    main_of,
    print_trace,
    report_outputs,
    resolve,
    traced_steps,
)
from backprop_cli.progress import Progress
from reference.network import cost, forward
from reference.trace import sections
from reference.training import train


def _train(args: argparse.Namespace) -> int:
    ex = resolve(args)
    forecast(ex)
    show = announce(ex)
    bar = Progress(ex.steps, "training")

    def on_step(step: int, c: float) -> None:
        bar.clear()
        show(step, c)
        bar.update(step + 1)

    with bar:
        params, _ = train(
            ex.arch,
            ex.params,
            ex.X,
            ex.Y,
            ex.learning_rate,
            ex.steps,
            ex.batch_size,
            on_step=on_step,
        )
    report_outputs(ex, cost(ex.arch, params, ex.X, ex.Y), forward(ex.arch, params, ex.X))
    return 0


def _trace(args: argparse.Namespace) -> int:
    ex, steps = traced_steps(args)
    limit = args.max_nodes
    node = [sections(ex.arch, p, X, Y, ex.learning_rate, limit, min(2, limit)) for p, X, Y in steps]
    print_trace(args, ex, [("node by node", node)])
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m reference``."""
    p = Parser(
        prog="python -m reference",
        description="The node-by-node oracle. Plots and MNIST: python -m vectorized.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    add_train_command(sub, _train)
    add_trace_command(sub, _trace, "node by node")
    return p


main = main_of(parser)
