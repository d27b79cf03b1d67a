"""The command lines: train, trace, --plot, and bad input as one line with exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reference.__main__ import main as reference_main
from vectorized.cli import main as vectorized_main

MAINS = {"reference": reference_main, "vectorized": vectorized_main}


@pytest.mark.parametrize("side", MAINS)
def test_train_prints_the_falling_cost_and_final_outputs(
    side: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert MAINS[side](["train", "xor"]) == 0
    out = capsys.readouterr().out
    costs = [
        float(line.split()[-1]) for line in out.splitlines() if line.strip().startswith("step")
    ]
    assert len(costs) == 10 and costs[-1] < costs[0]
    assert "final outputs:" in out and out.count("->") == 4


@pytest.mark.parametrize("side", MAINS)
def test_trace_of_any_small_architecture(side: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "trace",
        "--sizes",
        "3,2,2",
        "--activations",
        "relu,softmax",
        "--loss",
        "categorical_cross_entropy",
        "--batch",
        "3",
    ]
    assert MAINS[side](argv) == 0
    out = capsys.readouterr().out
    assert "3-2-2 relu/softmax categorical_cross_entropy (mean, bias on)" in out
    assert "BP1" in out and "BP2" in out and "BP4" in out


def test_trace_limits_output_for_large_networks(capsys: pytest.CaptureFixture[str]) -> None:
    assert reference_main(["trace", "--sizes", "30,20,10", "--max-nodes", "3", "--batch", "5"]) == 0
    out = capsys.readouterr().out
    assert "… 17 more nodes in layer 1" in out and "… 3 more samples" in out
    assert len(out.splitlines()) < 150


def test_vectorized_trace_matches_the_node_by_node_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert vectorized_main(["trace", "mazur"]) == 0
    out = capsys.readouterr().out
    assert "0.35891648" in out and "0.408666186" in out  # Mazur's w5, w6 after one step
    last = out.splitlines()[-1]
    assert last.startswith("check against the node-by-node trace: every entry equals")
    assert float(last.split(" to ")[1].split()[0]) <= 1e-15


def test_plot_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib", reason="the plot extra is installed in CI")
    target = tmp_path / "xor.png"
    assert vectorized_main(["train", "xor", "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reference_plot_points_to_the_vectorized_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert reference_main(["train", "xor", "--plot", "x.png"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("error: --plot: the oracle imports only the standard library")
        and err.count("\n") == 1
    )
    assert "python -m vectorized train xor --plot x.png" in err


def test_plot_without_matplotlib_says_which_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert vectorized_main(["train", "xor", "--steps", "3", "--plot", str(tmp_path / "x.png")]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "error: --plot needs matplotlib, the 'plot' extra: pip install -e \".[plot]\""
    )
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["train", "nope"],
            "error: example: expected one of mazur, xor, two-hidden, deep-bce; got 'nope'",
        ),
        (
            ["trace", "--sizes", "2,x"],
            "error: argument --sizes: expected whole numbers separated by commas",
        ),
        (
            ["train", "--sizes", "2,2", "--loss", "categorical_cross_entropy"],
            "error: loss categorical_cross_entropy: expected a softmax output layer; got 'sigmoid'",
        ),
        (
            ["train", "--sizes", "2,0,1"],
            "error: sizes: expected whole numbers >= 1; got 0 at position 1",
        ),
        (
            ["train"],
            "error: expected an example (mazur, xor, two-hidden, deep-bce) or --sizes; got neither",
        ),
        (["train", "xor", "--sizes", "2,1"], "error: give an example name or --sizes, not both"),
        (["train", "xor", "--steps", "0"], "error: --steps: expected a whole number >= 1; got 0"),
        (
            ["train", "xor", "--lr", "-1"],
            "error: learning_rate: expected a positive finite number; got -1.0",
        ),
    ],
)
@pytest.mark.parametrize("side", MAINS)
def test_bad_input_is_one_line_and_status_2(
    side: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) if argv[1:2] == ["--sizes"] and "x" in argv[-1] else _NoExit():
        status = MAINS[side](argv)
        assert status == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


class _NoExit:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return False


@pytest.mark.parametrize("package", ["reference", "vectorized"])
def test_no_traceback_from_the_real_command(package: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", package, "train", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
