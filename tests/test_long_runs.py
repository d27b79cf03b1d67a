"""A long run says what it is doing: the reference trainer's estimate of time and memory
before it starts, progress through its steps, and outputs of wide layers elided to the
terminal's width."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from backprop_cli.mnist_cli import batch_warning, learning_warning
from backprop_cli.options import forecast
from backprop_cli.progress import Progress, Settings, is_progress_line
from backprop_cli.reference_cli import main as reference_main
from backprop_data.examples import custom
from backprop_data.mnist import CONFIGS
from reference import Architecture
from vectorized.training import History

WIDE = Architecture((784, 3, 2), ("sigmoid", "sigmoid"), "half_squared_error")


def test_the_estimate_is_said_before_a_long_run_and_not_before_a_short_one() -> None:
    ex = replace(custom(WIDE, 0, 40), steps=3)
    said = io.StringIO()
    seconds = forecast(ex, said, after=0.0)
    lines = said.getvalue().splitlines()
    assert lines[0].startswith("estimated: about ") and all(len(line) <= 80 for line in lines)
    text = " ".join(line.strip() for line in lines)
    assert "(40 samples a step × 3 steps at " in text and "GiB as Python lists" in text
    quiet = io.StringIO()
    assert forecast(ex, quiet, after=seconds * 1000 + 60) == pytest.approx(seconds, rel=10)
    assert quiet.getvalue() == ""


def test_outputs_of_a_wide_network_fit_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    assert reference_main(["train", "--sizes", "784,3,2", "--samples", "2", "--steps", "1"]) == 0
    out = capsys.readouterr().out
    assert all(len(line) <= 80 for line in out.splitlines()), max(out.splitlines(), key=len)
    assert "… (778 more) …" in out


def test_a_slow_step_is_shown_as_seconds_each() -> None:
    now = [0.0]
    stream = io.StringIO()
    bar = Progress(
        4, "training", stream, after=0.0, given=Settings("lines", 0.0), clock=lambda: now[0]
    )
    now[0] = 30.0
    bar.update(1)
    line = stream.getvalue().strip()
    assert line == "training: 1/4 (25 %), 30.0 s each" and is_progress_line(line)


def test_a_batch_far_from_the_configs_at_its_eta_is_warned_of_before_training() -> None:
    small = CONFIGS["small"]  # η 5 chosen for batch 20
    said = batch_warning(small, 5.0, 1)
    assert said is not None and said.startswith(
        "warning: η = 5 was chosen for batch 20; with batch 1"
    )
    assert "try --lr 0.25" in said
    assert batch_warning(small, 5.0, 80) is not None and "fewer" in str(
        batch_warning(small, 5.0, 80)
    )
    assert batch_warning(small, 5.0, 10) is None and batch_warning(small, 5.0, 20) is None
    assert batch_warning(small, 0.5, 1) is None  # η chosen by the user for this batch


def test_a_run_at_chance_is_warned_of_and_kept() -> None:
    assert learning_warning(History(test_accuracy=[0.62, 0.098])) == (
        "warning: the test accuracy 9.8 % is near chance (10 % for 10 classes): the network "
        "did not learn (saturated by too large an η?); lower --lr"
    )
    assert learning_warning(History(test_accuracy=[0.91])) is None
    assert learning_warning(History()) is None
