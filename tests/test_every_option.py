"""Every option of every command refuses a bad value with exit status 2 and one line on
stderr that names it, before any work; a walk over the three parsers fails for an option
that has no row here or in test_cli's tables."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from backprop_cli import reference_cli, vectorized_cli, verify_cli
from tests import test_cli
from tests.streams import one_line
from tests.test_performance_page import RUN

PROGRAMS: dict[str, Callable[[list[str] | None], int]] = {
    "reference": reference_cli.main,
    "vectorized": vectorized_cli.main,
    "backprop_verify": verify_cli.main,
}
PARSERS = {
    "reference": reference_cli.parser,
    "vectorized": vectorized_cli.parser,
    "backprop_verify": verify_cli.parser,
}
ON_BOTH = ("reference", "vectorized")

# (program, the option or positional it covers, argv, the start of the one line). {json}
# is a well-formed benchmark JSON, so that what follows it is what is judged.
ROWS: list[tuple[str, str, list[str], str]] = [
    *(
        (side, option, [sub, *argv], message)
        for side in ON_BOTH
        for sub in ("train", "trace")
        for option, argv, message in [
            ("--reduction", ["--sizes", "2,2", "--reduction", "max"], "error: argument --reduction: invalid choice: 'max'"),
            ("--bias", ["--sizes", "2,2", "--bias", "yes"], "error: argument --bias: invalid choice: 'yes'"),
            ("--samples", ["--sizes", "2,2", "--samples", "0"], "error: argument --samples: expected a whole number >= 1; got '0'"),
            ("--l2", ["--sizes", "2,2", "--l2", "-1"], "error: argument --l2: expected a finite number >= 0; got '-1'"),
            ("--l2", ["--sizes", "2,2", "--l2", "nan"], "error: argument --l2: expected a finite number >= 0; got 'nan'"),
            ("--weights", ["--weights", "README.md"], "error: --weights: 'README.md' is not JSON"),
            ("--loss", ["--sizes", "2,2", "--loss", "hinge"], "error: argument --loss: invalid choice: 'hinge'"),
            ("--activations", ["--sizes", "2,2", "--activations", "swish"], "error: activation of layer 1: expected one of"),
            ("--seed", ["--sizes", "2,2", "--seed", "x"], "error: argument --seed: expected a whole number >= 0; got 'x'"),
            ("--lr", ["xor", "--lr", "-1"], "error: argument --lr: expected a positive finite number; got '-1'"),
            ("--steps", ["xor", "--steps", "0"], "error: argument --steps: expected a whole number >= 1; got '0'"),
            ("--sizes", ["--sizes", "2,x"], "error: argument --sizes: expected whole numbers separated by commas"),
            ("example", ["nope"], "error: example: expected one of mazur, xor, two-hidden, deep-bce; got 'nope'"),
        ]
    ),
    *(
        (side, "--picture", ["trace", "mazur", "--picture", bad], message)
        for side in ON_BOTH
        for bad, message in [
            ("x.gif", "error: --picture: expected a file name ending in .svg or .png; got 'x.gif'"),
            ("no/such/x.svg", "error: --picture: the folder 'no/such' of 'no/such/x.svg' does not exist"),
        ]
    ),
    ("vectorized", "--seed", ["compare", "--seed", "-1"], "error: argument --seed: expected a whole number >= 0; got '-1'"),
    ("vectorized", "--data", ["mnist", "--data", "no-such"], "error: no-such: expected train-images-idx3-ubyte.gz or train-images-idx3-ubyte; found neither"),
    ("vectorized", "--epochs", ["mnist", "--epochs", "0"], "error: argument --epochs: expected a whole number >= 1; got '0'"),
    ("vectorized", "--lr", ["mnist", "--lr", "0"], "error: argument --lr: expected a positive finite number; got '0'"),
    ("vectorized", "--l2", ["mnist", "--l2", "-1"], "error: argument --l2: expected a finite number >= 0; got '-1'"),
    ("vectorized", "--seed", ["mnist", "--seed", "-1"], "error: argument --seed: expected a whole number >= 0; got '-1'"),
    ("vectorized", "--dtype", ["mnist", "--dtype", "float16"], "error: argument --dtype: invalid choice: 'float16'"),
    ("vectorized", "--plot", ["mnist", "--plot", "x.gif"], "error: --plot: expected a file name ending in .png or .svg or .pdf; got 'x.gif'"),
    ("vectorized", "--data", ["download", "--data", "README.md"], "error: --data: 'README.md' is a file; expected a folder"),
    ("vectorized", "--out", ["speedup", "--out", "README.md"], "error: --out: 'README.md' is a file; expected a folder"),
    ("vectorized", "json", ["performance", "none.json"], "error: JSON: 'none.json' is not a file; run pytest --benchmark-only"),
    ("vectorized", "--page", ["performance", "{json}", "--page", "no/such/p.md"], "error: --page: the folder 'no/such' of 'no/such/p.md' does not exist"),
    ("vectorized", "--readme", ["performance", "{json}", "--page", "p.md", "--readme", "no/such/R.md"], "error: --readme: 'no/such/R.md' is not a file"),
    ("backprop_verify", "module", ["check"], "error: the following arguments are required: module"),
    ("backprop_verify", "module", ["check", "tests.gallery.rows:float16"], "error: tests.gallery.rows:float16: float16 is not checked"),
    ("backprop_verify", "module", ["check", "no_such_module_xyz"], "error: no_such_module_xyz: cannot be imported"),
    ("backprop_verify", "--examples", ["check", "x", "--examples", "0"], "error: argument --examples: expected a whole number >= 1; got '0'"),
    ("backprop_verify", "--seed", ["check", "x", "--seed", "-1"], "error: argument --seed: expected a whole number >= 0; got '-1'"),
    ("backprop_verify", "--json", ["check", "x", "--json=yes"], "error: argument --json: ignored explicit argument 'yes'"),
    *(
        ("backprop_verify", option, [sub, *place, option, bad], f"error: argument {option}: {message}")
        for sub, place in [("check", ["x"]), ("exercise", ["backward", "x.py"])]
        for option, bad, message in [
            ("--timeout", "0", "expected a positive finite number; got '0'"),
            ("--timeout", "nan", "expected a positive finite number; got 'nan'"),
            ("--memory", "100", "expected a whole number >= 256; got '100'"),
            ("--memory", "12.5", "expected a whole number >= 256; got '12.5'"),
        ]
    ),
    ("backprop_verify", "name", ["exercise", "bp5", "x.py"], "error: argument name: invalid choice: 'bp5'"),
    ("backprop_verify", "file", ["exercise", "backward", "no/such.py"], "error: no/such.py: no such file"),
    ("backprop_verify", "--seed", ["exercise", "backward", "x.py", "--seed", "-1"], "error: argument --seed: expected a whole number >= 0; got '-1'"),
    ("backprop_verify", "--networks", ["exercise", "backward", "x.py", "--networks", "0"], "error: argument --networks: expected a whole number >= 1; got '0'"),
]  # fmt: skip


def _options(program: str) -> set[tuple[str, str]]:
    """(subcommand, option or positional) of every argument of ``program``."""
    found = set()
    for action in PARSERS[program]()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, p in action.choices.items():
                for a in p._actions:
                    if not isinstance(a, argparse._HelpAction):
                        found.add((sub, a.option_strings[0] if a.option_strings else a.dest))
    return found


def _covered() -> set[tuple[str, str, str]]:
    """(program, subcommand, option) of every row here and in test_cli's tables."""
    rows = [(p, o, argv) for p, o, argv, _ in ROWS]
    for argv, _ in test_cli.BOTH:
        rows += [(side, a, argv) for side in ON_BOTH for a in argv if a.startswith("--")]
    rows += [
        ("vectorized", a, argv)
        for argv, _ in test_cli.VECTORIZED
        for a in argv
        if a.startswith("--")
    ]
    return {(p, argv[0], o) for p, o, argv in rows}


@pytest.mark.parametrize("program", PROGRAMS)
def test_every_option_has_a_bad_value_row(program: str) -> None:
    covered = {(sub, o) for p, sub, o in _covered() if p == program}
    assert sorted(_options(program) - covered) == []


@pytest.mark.parametrize(
    ("program", "option", "argv", "message"), ROWS, ids=[f"{r[0]} {' '.join(r[2])}" for r in ROWS]
)
def test_a_bad_value_is_one_line_and_status_2_before_any_work(
    program: str,
    option: str,
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "README.md").write_text("# not JSON, not a folder\n", encoding="utf-8")
    (tmp_path / "run.json").write_text(json.dumps(RUN), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKPROP_MNIST_DIR", str(tmp_path / "nothing-here"))
    before = sorted(p.name for p in tmp_path.iterdir())
    argv = [a.replace("{json}", "run.json") for a in argv]
    try:
        status = PROGRAMS[program](argv)
    except SystemExit as exc:  # argparse's own refusals
        status = int(exc.code or 0)
    out = capsys.readouterr()
    assert status == 2 and out.out == "", out
    assert one_line(out.err).startswith(message), out.err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
