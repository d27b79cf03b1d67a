"""Command line of the reference (``python -m reference train|trace``), shared by vectorized."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn

from reference.contract import Architecture, ContractError
from reference.examples import EXAMPLES, Example, custom, example


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}\n")


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def comma_ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, like 2,3,1; got {text!r}"
        ) from None


def add_example_arguments(p: argparse.ArgumentParser) -> None:
    """EXAMPLE, or an architecture (--sizes, --activations, --loss…), and the run's options."""
    p.add_argument("example", nargs="?", help=f"one of {', '.join(EXAMPLES)}; or give --sizes")
    p.add_argument("--sizes", type=comma_ints, help="layer sizes n_0..n_L, e.g. 2,3,1")
    p.add_argument(
        "--activations", type=_names, help="one per layer after the input, e.g. relu,sigmoid"
    )
    p.add_argument("--loss", default="half_squared_error")
    p.add_argument("--reduction", default="mean")
    p.add_argument("--bias", default="on")
    p.add_argument("--batch", type=int, help="samples of random data with --sizes (default 4)")
    p.add_argument("--lr", type=float, help="learning rate η (default: the example's)")
    p.add_argument("--steps", type=int, help="training steps (default: the example's)")
    p.add_argument("--seed", type=int, default=0, help="seed of the parameters and data")
    p.add_argument(
        "--max-nodes", type=int, default=6, help="nodes, weights and samples shown per layer"
    )


def resolve(args: argparse.Namespace) -> Example:
    """The example named on the command line, or a custom one, with --lr/--steps applied."""
    if args.sizes is not None:
        if args.example is not None:
            raise ContractError(
                f"give an example name or --sizes, not both (got {args.example!r} and --sizes)"
            )
        acts = args.activations or ("sigmoid",) * (len(args.sizes) - 1)
        arch = Architecture(args.sizes, acts, args.loss, args.reduction, args.bias)
        ex = custom(arch, args.seed, args.batch or 4)
    elif args.example is None:
        raise ContractError(f"expected an example ({', '.join(EXAMPLES)}) or --sizes; got neither")
    else:
        try:
            ex = example(args.example, args.seed)
        except ValueError as exc:
            raise ContractError(str(exc)) from None
    if args.steps is not None and args.steps < 1:
        raise ContractError(f"--steps: expected a whole number >= 1; got {args.steps}")
    return Example(
        ex.name,
        ex.source,
        ex.arch,
        ex.params,
        ex.X,
        ex.Y,
        ex.learning_rate if args.lr is None else args.lr,
        ex.steps if args.steps is None else args.steps,
        ex.batch_size,
    )


def report_every(steps: int) -> int:
    """Print the cost about ten times in a run."""
    return max(1, steps // 10)


def announce(ex: Example) -> Callable[[int, float], None]:
    """Print the run's heading; return the ``on_step`` that prints the cost ten times."""
    every = report_every(ex.steps)
    eta = f"{ex.learning_rate:.9g}"
    print(f"{ex.name} ({ex.source}): {ex.arch.describe()}, η = {eta}, {ex.steps} steps")

    def show(step: int, c: float) -> None:
        if step % every == 0:
            print(f"  step {step:>6}  cost {c:.9g}")

    return show


def report_outputs(ex: Example, final_cost: float, outputs: list[list[float]], limit: int) -> None:
    """The final cost over the whole set and the outputs of the first ``limit`` samples."""
    print(f"final cost over all {len(ex.X)} samples: {final_cost:.9g}")
    print("final outputs:")
    for x, out in list(zip(ex.X, outputs, strict=True))[:limit]:
        print(f"  {[f'{v:.9g}' for v in x]} -> {[f'{v:.9g}' for v in out]}")


def run(main: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; a contract error is one line on stderr and exit status 2."""
    try:
        return main(args)
    except (ContractError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
