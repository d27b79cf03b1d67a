"""The exercises: a right answer passes, each usual mistake is named with its equation, a
stub says it is not written yet, and bad input is one line."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_cli.verify_cli import main
from backprop_verify.diagnosis import SIGN, TRANSPOSE
from backprop_verify.exercises import (
    NO_PRIME_L,
    NO_TRANSPOSE,
    Z_FOR_A,
    NO_PRIME_l,
    check_exercise,
)
from tests.streams import error_lines, one_line

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "tests" / "exercises"


@pytest.mark.parametrize("name", ["output_error", "hidden_error", "backward"])
def test_a_right_answer_passes_on_mazurs_and_random_networks(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exercise", name, str(ANSWERS / f"right_{name}.py")]) == 0
    out = capsys.readouterr().out
    assert "agrees with the oracle on 31 of 31 networks" in out and "verdict: PASS" in out


@pytest.mark.parametrize(
    ("name", "answer", "equation", "mistake"),
    [
        ("output_error", "no_prime", "BP1", NO_PRIME_L),
        ("output_error", "sign", "BP1", SIGN),
        ("output_error", "z_for_a", "BP1", Z_FOR_A),
        ("hidden_error", "no_prime", "BP2", NO_PRIME_l),
        ("hidden_error", "no_transpose", "BP2", NO_TRANSPOSE),
        ("backward", "transposed", "BP4", TRANSPOSE),
        ("backward", "hidden_no_prime", "BP2", NO_PRIME_l),
    ],
)
def test_each_usual_mistake_is_named_with_its_equation(
    name: str, answer: str, equation: str, mistake: str
) -> None:
    verdict = check_exercise(name, str(ANSWERS / f"{answer}_{name}.py"))
    assert verdict.failed and verdict.passed == 0  # caught on Mazur's network, the first
    assert verdict.lines[0].startswith(f"{equation} is wrong: ")
    assert f"your numbers are those of a known mistake: {mistake}" in verdict.lines
    table = [line for line in verdict.lines if "← differs" in line]
    assert table  # the student's number beside the oracle's


def test_a_mistake_that_only_random_networks_show_is_caught(tmp_path: Path) -> None:
    # Right on Mazur's network (whose y is fixed), wrong wherever a target is above 0.5.
    answer = tmp_path / "clipped.py"
    answer.write_text(
        "from tests.exercises.right_output_error import output_error as right\n"
        "def output_error(z, a, y):\n"
        "    return right(z, a, [min(t, 0.5) if t != 0.99 else t for t in y])\n"
    )
    verdict = check_exercise("output_error", str(answer))
    assert verdict.failed and verdict.passed >= 1
    assert "random network" in verdict.lines[1]
    assert verdict.lines[-1].startswith("your numbers fit none of the usual mistakes")


@pytest.mark.parametrize("name", ["output_error", "hidden_error", "backward"])
def test_the_stubs_have_the_signatures_and_say_not_written_yet(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stub = ROOT / "exercises" / f"{name}.py"
    right = ANSWERS / f"right_{name}.py"
    spaces: dict[str, object] = {}
    for path in (stub, right):
        spaces[path.name] = {}
        exec(compile(path.read_text(), str(path), "exec"), spaces[path.name])
    stub_params = inspect.signature(spaces[stub.name][name]).parameters  # type: ignore[index]
    right_params = inspect.signature(spaces[right.name][name]).parameters  # type: ignore[index]
    assert list(stub_params) == list(right_params)
    assert main(["exercise", name, str(stub)]) == 1
    out = capsys.readouterr().out
    assert f"{name} is not written yet (it raises NotImplementedError)" in out


def test_numpy_answers_are_welcome(tmp_path: Path) -> None:
    answer = tmp_path / "with_numpy.py"
    answer.write_text(
        "import numpy as np\n"
        "def hidden_error(W_next, delta_next, z, a):\n"
        "    a = np.array(a)\n"
        "    return a * (1 - a) * (np.array(W_next).T @ np.array(delta_next))\n"
    )
    verdict = check_exercise("hidden_error", str(answer))
    assert not verdict.failed and verdict.passed == 31


def test_an_answer_of_the_wrong_shape_is_reported(tmp_path: Path) -> None:
    answer = tmp_path / "pair.py"
    answer.write_text("def backward(W, b, x, y):\n    return 0.5\n")
    verdict = check_exercise("backward", str(answer))
    assert verdict.failed
    assert verdict.lines == [
        "on M. Mazur's 2-2-2 network: backward returned float; expected a pair (dW, db)"
    ]
    answer.write_text("def backward(W, b, x, y):\n    return b, W\n")  # (db, dW) swapped
    verdict = check_exercise("backward", str(answer))
    assert verdict.failed and verdict.lines[0].startswith("BP1 is wrong: ∂C/∂b[2][0]")
    answer.write_text("def hidden_error(W_next, delta_next, z, a):\n    return 1 / 0\n")
    verdict = check_exercise("hidden_error", str(answer))
    assert "hidden_error raised ZeroDivisionError: division by zero" in verdict.lines[0]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["exercise", "bp5", "x.py"], "error: argument name: invalid choice: 'bp5'"),
        (["exercise", "backward", "no/such.py"], "error: no/such.py: no such file"),
        (
            ["exercise", "backward", str(ANSWERS / "right_output_error.py")],
            "error: " + str(ANSWERS / "right_output_error.py") + ": expected a function "
            "backward(W, b, x, y) -> (dW, db); found none",
        ),
        (["exercise", "backward", "x.py", "--networks", "0"], "error: argument --networks"),
    ],
)
def test_bad_input_is_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if "argument" in message:  # argparse's own errors
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
    else:
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert one_line(err).startswith(message), err


def test_the_command_runs_from_a_shell() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "backprop_verify",
            "exercise",
            "hidden_error",
            str(ANSWERS / "no_prime_hidden_error.py"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 1 and "BP2 is wrong" in done.stdout and error_lines(done.stderr) == []
