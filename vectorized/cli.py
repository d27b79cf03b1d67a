"""``python -m vectorized compare|train|trace``: the vectorized command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from reference.cli import (
    Parser,
    add_example_arguments,
    announce,
    comma_ints,
    report_outputs,
    resolve,
    run,
)
from reference.contract import ContractError
from vectorized import speedup
from vectorized.arrays import to_arrays
from vectorized.compare import NETWORKS, compare, table
from vectorized.mnist import MIRROR
from vectorized.mnist_cli import add_mnist_arguments, download_command, train_mnist
from vectorized.network import cost, forward
from vectorized.plot import plot_curves
from vectorized.trace import trace
from vectorized.training import train


def _compare(args: argparse.Namespace) -> int:
    rows = [compare(arch, N, args.seed) for arch, N in NETWORKS]
    print("Largest |reference − vectorized| (float64), per network:")
    print(table(rows))
    return 0


def _train(args: argparse.Namespace) -> int:
    if args.example == "mnist":
        return train_mnist(args)
    ex = resolve(args)
    params, costs = train(
        ex.arch,
        to_arrays(ex.params),
        ex.X,
        ex.Y,
        ex.learning_rate,
        ex.steps,
        ex.batch_size,
        on_step=announce(ex),
    )
    outputs = forward(ex.arch, params, ex.X).tolist()
    report_outputs(ex, cost(ex.arch, params, ex.X, ex.Y), outputs, args.max_nodes)
    if args.plot:
        path = plot_curves(args.plot, f"{ex.name}: {ex.arch.describe()}", {"cost": costs}, "step")
        print(f"loss curve written to {path}")
    return 0


def _speedup(args: argparse.Namespace) -> int:
    if min(args.widths) < 1 or min(args.batches) < 1:
        got = f"{list(args.widths)} and {list(args.batches)}"
        raise ContractError(f"--widths and --batches: expected whole numbers >= 1; got {got}")
    info = speedup.machine()
    points = speedup.sweep(args.widths, args.batches, args.budget, progress=True)
    print(speedup.table(points, info))
    for path in speedup.write(points, info, Path(args.out)):
        print(f"written: {path}")
    print(f"written: {speedup.plot(points, info, Path(args.out) / 'speedup.png')}")
    return 0


def _trace(args: argparse.Namespace) -> int:
    ex = resolve(args)
    n = ex.batch_size or len(ex.X)  # the example's first batch
    print(trace(ex.arch, ex.params, ex.X[:n], ex.Y[:n], ex.learning_rate, args.max_nodes))
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m vectorized``."""
    p = Parser(prog="python -m vectorized", description="Backpropagation as matrix products.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare", help="run both implementations on a set of networks")
    c.add_argument("--seed", type=int, default=0, help="seed of parameters and data")
    c.set_defaults(run=_compare)
    t = sub.add_parser("train", help="train a worked example, or mnist")
    add_example_arguments(t)
    add_mnist_arguments(t)
    t.add_argument(
        "--plot", metavar="PATH", help="write the loss curve as a PNG (needs the plot extra)"
    )
    t.set_defaults(run=_train)
    d = sub.add_parser("download", help="fetch the four MNIST files, verified by MD5")
    d.add_argument("--data", help="target directory (default: $BACKPROP_MNIST_DIR, then the cache)")
    d.add_argument("--mirror", default=MIRROR, help="base URL of the four .gz files")
    d.set_defaults(run=download_command)
    s = sub.add_parser("speedup", help="time loop vs vectorized over network and batch sizes")
    s.add_argument(
        "--widths",
        type=comma_ints,
        default=[8, 32, 128, 256],
        help="hidden widths w of w-w-10 networks",
    )
    s.add_argument("--batches", type=comma_ints, default=[1, 8, 64], help="batch sizes")
    s.add_argument("--budget", type=float, default=0.3, help="seconds of timing per measurement")
    s.add_argument("--out", default="speedup", help="directory for speedup.md, .csv and .png")
    s.set_defaults(run=_speedup)
    r = sub.add_parser("trace", help="print one step in matrix form")
    add_example_arguments(r)
    r.set_defaults(run=_trace)
    return p


def main(argv: list[str]) -> int:
    """Run one command; bad input is one line on stderr and exit status 2."""
    args = parser().parse_args(argv)
    status: int = run(args.run, args)
    return status
