"""``python -m vectorized compare|train|trace|mnist|download|speedup|performance``."""

from __future__ import annotations

import argparse
from pathlib import Path

from backprop_cli import matrix_trace, performance, speedup
from backprop_cli.compare import NETWORKS, compare, table
from backprop_cli.mnist_cli import add_download_command, add_mnist_command
from backprop_cli.options import (
    Parser,
    add_trace_command,
    add_train_command,
    announce,
    check_memory,
    comma_ints,
    main_of,
    positive,
    print_trace,
    report_outputs,
    resolve,
    traced_steps,
    whole,
)
from backprop_cli.paths import writable_file, writable_folder
from backprop_cli.plot import PLOT_SUFFIXES, check_plot_path, plot_curves, require_matplotlib
from backprop_data.files import made_folder
from reference.contract import ContractError
from reference.trace import sections as node_sections
from vectorized.arrays import to_arrays
from vectorized.network import cost, forward
from vectorized.training import train


def _compare(args: argparse.Namespace) -> int:
    rows = [compare(arch, N, args.seed) for arch, N in NETWORKS]
    print("Largest |reference − vectorized| (float64), per network:")
    print(table(rows))
    return 0


def _train(args: argparse.Namespace) -> int:
    plot = check_plot_path(args.plot) if args.plot else None
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
    report_outputs(ex, cost(ex.arch, params, ex.X, ex.Y), outputs)
    if plot is not None:
        path = plot_curves(
            plot, f"{ex.name}: {ex.arch.describe()}", {"cost": costs}, "step", "cost C"
        )
        print(f"loss curve written to {path}")
    return 0


def _speedup(args: argparse.Namespace) -> int:
    out = writable_folder("--out", args.out)
    require_matplotlib("speedup (its log-log plot)")
    for sizes in args.networks:  # the reference's lists for each network at the largest batch
        check_memory(speedup.architecture(sizes), max(args.batches), option="--networks")
    info = speedup.machine()
    points = speedup.sweep(args.networks, args.batches, args.budget, progress=True)
    print(speedup.table(points, info))
    with made_folder(out):  # a failed write leaves no empty folder
        written = [
            *speedup.write(points, info, out),
            speedup.plot(points, info, out / "speedup.png"),
        ]
    for path in written:
        print(f"written: {path}")
    return 0


def _performance(args: argparse.Namespace) -> int:
    source = Path(args.json)
    if not source.is_file():
        raise ContractError(f"JSON: {args.json!r} is not a file; run {performance.COMMAND} first")
    page = writable_file("--page", args.page, (".md",))
    readme = None if args.readme == "none" else Path(args.readme)
    if readme is not None and not readme.is_file():
        raise ContractError(f"--readme: {args.readme!r} is not a file (or give none)")
    for path in performance.generate(source, page, readme):
        print(f"written: {path}")
    return 0


def _trace(args: argparse.Namespace) -> int:
    ex, steps = traced_steps(args)
    limit, eta = args.max_nodes, ex.learning_rate
    matrix = [matrix_trace.sections(ex.arch, p, X, Y, eta, limit) for p, X, Y in steps]
    columns = [("matrix form", matrix)]
    if args.format == "html":
        node = [node_sections(ex.arch, p, X, Y, eta, limit, min(2, limit)) for p, X, Y in steps]
        columns.insert(0, ("node by node", node))
    print_trace(args, ex, columns)
    agree = all("DISAGREES" not in s.lines[-1] for step in matrix for s in step if s.key == "after")
    return 0 if agree else 1


def _positive_list(text: str) -> tuple[int, ...]:
    values = comma_ints(text)
    if min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected whole numbers >= 1; got {text!r}")
    return values


def _networks(text: str) -> tuple[tuple[int, ...], ...]:
    """``2-2-2,784-40-10``: networks of three layer sizes n0-n1-n2, each >= 1."""
    out = []
    for part in text.split(","):
        try:
            sizes = tuple(int(n) for n in part.split("-"))
        except ValueError:
            sizes = ()
        if len(sizes) != 3 or min(sizes) < 1:
            raise argparse.ArgumentTypeError(
                f"expected networks n0-n1-n2 of whole numbers >= 1, like 784-40-10; got {part!r}"
            )
        out.append(sizes)
    return tuple(out)


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m vectorized``."""
    p = Parser(prog="python -m vectorized", description="Backpropagation as matrix products.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare", help="run both implementations on a set of networks")
    c.add_argument("--seed", type=whole(0), default=0, help="seed >= 0 of parameters and data")
    c.set_defaults(run=_compare)
    t = add_train_command(sub, _train)
    t.add_argument(
        "--plot",
        metavar="PATH",
        help=f"write the loss curve ({'|'.join(PLOT_SUFFIXES)}; needs the plot extra)",
    )
    add_mnist_command(sub)
    add_download_command(sub)
    s = sub.add_parser("speedup", help="time loop vs vectorized over network and batch sizes")
    s.add_argument(
        "--networks",
        type=_networks,
        default=speedup.NETWORKS,
        help="sigmoid networks n0-n1-n2, comma-separated "
        f"(default {','.join('-'.join(map(str, n)) for n in speedup.NETWORKS)})",
    )
    s.add_argument(
        "--batches",
        type=_positive_list,
        default=speedup.BATCHES,
        help=f"batch sizes >= 1 (default {','.join(map(str, speedup.BATCHES))})",
    )
    s.add_argument(
        "--budget", type=positive, default=0.3, help="seconds > 0 of timing per measurement"
    )
    s.add_argument(
        "--out", default="speedup", help="folder for speedup.md, .csv and .png (default speedup)"
    )
    s.set_defaults(run=_speedup)
    f = sub.add_parser("performance", help="generate the performance page from a benchmark JSON")
    f.add_argument("json", help=f"the JSON of {performance.COMMAND}")
    f.add_argument("--page", default="docs/performance.md", help="the page to write (.md)")
    f.add_argument(
        "--readme", default="README.md", help="the README whose headline block to update, or none"
    )
    f.set_defaults(run=_performance)
    add_trace_command(sub, _trace, "in matrix form, checked against the node-by-node one")
    return p


main = main_of(parser)
