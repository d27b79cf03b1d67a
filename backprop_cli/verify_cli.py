"""``python -m backprop_verify check|exercise``: the verifier's command line."""

from __future__ import annotations

import argparse
import json

from backprop_cli.options import Parser, main_of, whole
from backprop_cli.progress import Progress
from backprop_verify.check import check, format_report
from backprop_verify.exercises import EXERCISES, check_exercise
from backprop_verify.exercises import report as exercise_report


def _check(args: argparse.Namespace) -> int:
    """Every property inside the module's declaration; the exit status says the verdict."""
    with Progress(1, "check") as bar:
        report = check(args.module, args.examples, args.seed, on_property=bar.follow)
    print(json.dumps(report.as_dict(), indent=2) if args.json else format_report(report))
    return report.exit_status


def _exercise(args: argparse.Namespace) -> int:
    """One function a student wrote, on Mazur's network and random ones: exit 0 or 1."""
    verdict = check_exercise(args.name, args.file, args.seed, args.networks)
    print(exercise_report(verdict, args.networks))
    return 1 if verdict.failed else 0


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
    e.set_defaults(run=_exercise)
    return p


main = main_of(parser)
