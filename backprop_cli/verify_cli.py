"""``python -m backprop_verify check|exercise``: the verifier's command line."""

from __future__ import annotations

import argparse
import json
import sys

from backprop_cli.options import Parser, main_of, positive, whole
from backprop_cli.progress import Progress
from backprop_verify.check import format_report
from backprop_verify.exercises import EXERCISES
from backprop_verify.exercises import report as exercise_report
from backprop_verify.isolation import Limits, check_isolated, exercise_isolated, show_output


def _check(args: argparse.Namespace) -> int:
    """Every property inside the module's declaration, the module in its own process; the
    exit status says the verdict."""
    with Progress(1, "check") as bar:

        def follow(done: int, total: int, note: str) -> None:
            bar.total = total
            bar.update(done, note)

        report = check_isolated(
            args.module, args.examples, args.seed, Limits(args.timeout, args.memory), follow
        )
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report))
    sys.stdout.flush()
    show_output(report.output, sys.stderr)
    return report.exit_status


def _exercise(args: argparse.Namespace) -> int:
    """One function a student wrote, on Mazur's network and random ones, in its own
    process: exit 0 or 1."""
    verdict, output = exercise_isolated(
        args.name, args.file, args.seed, args.networks, Limits(args.timeout, args.memory)
    )
    print(exercise_report(verdict, args.networks))
    wrote = [
        f"{output[f'{w}_bytes']} bytes to {w}" for w in ("stdout", "stderr") if output[f"{w}_bytes"]
    ]
    if wrote:
        print(f"note: your code wrote {' and '.join(wrote)}; shown apart, on stderr")
    sys.stdout.flush()
    show_output(output, sys.stderr)
    return 1 if verdict.failed else 0


def _add_limits(p: argparse.ArgumentParser) -> None:
    """The limits of the process the user's code runs in."""
    p.add_argument(
        "--timeout",
        type=positive,
        default=Limits.seconds,
        help=f"seconds one call of your code may take (default {Limits.seconds:g})",
    )
    p.add_argument(
        "--memory",
        type=whole(256),
        default=Limits.memory_mb,
        help=f"MiB of memory your code's process may use, >= 256 (default {Limits.memory_mb})",
    )


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m backprop_verify``."""
    p = Parser(prog="python -m backprop_verify", description="Check a backprop against the oracle.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check", help="run the properties against a module")
    c.add_argument("module", help="package.module, a path to a .py file, optionally :float32")
    c.add_argument(
        "--examples", type=whole(1), default=50, help="examples per property, >= 1 (default 50)"
    )
    c.add_argument(
        "--seed", type=whole(0), default=0, help="seed >= 0 of the generated cases (default 0)"
    )
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_limits(c)
    c.set_defaults(run=_check)
    e = sub.add_parser(
        "exercise", help="check one function you wrote (see exercises/) against the oracle"
    )
    e.add_argument("name", choices=EXERCISES, help="the exercise")
    e.add_argument("file", help="your .py file (or package.module) defining the function")
    e.add_argument(
        "--seed", type=whole(0), default=0, help="seed >= 0 of the random networks (default 0)"
    )
    e.add_argument(
        "--networks", type=whole(1), default=30, help="random networks after Mazur's (30)"
    )
    _add_limits(e)
    e.set_defaults(run=_exercise)
    return p


main = main_of(parser)
