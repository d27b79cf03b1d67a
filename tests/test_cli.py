"""The command lines: train, trace, --plot, and bad input as one line with exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import reference
import vectorized
from backprop_cli import matrix_trace
from backprop_cli.reference_cli import main as reference_main
from backprop_cli.vectorized_cli import main as vectorized_main
from tests.mnist_data import real_mnist_dir
from tests.streams import one_line

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
    assert "final outputs" in out
    assert sum(line.startswith("  [") and ", target [" in line for line in out.splitlines()) == 4


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
        "--samples",
        "3",
    ]
    assert MAINS[side](argv) == 0
    out = capsys.readouterr().out
    assert "3-2-2 relu/softmax categorical_cross_entropy (mean, bias on)" in out
    assert "BP1" in out and "BP2" in out and "BP4" in out


def test_vectorized_trace_matches_the_node_by_node_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert vectorized_main(["trace", "mazur"]) == 0
    out = capsys.readouterr().out
    assert "0.35891648" in out and "0.408666186" in out  # Mazur's w5, w6 after one step
    (last,) = [line for line in out.splitlines() if line.startswith("check against")]
    assert last.startswith("check against the node-by-node trace: every entry equal to")
    assert float(last.split(" to ")[1].split()[0]) <= 1e-15


def test_plot_writes_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "xor.png"
    assert vectorized_main(["train", "xor", "--plot", str(target)]) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_says_which_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert vectorized_main(["train", "xor", "--steps", "3", "--plot", str(tmp_path / "x.png")]) == 2
    assert (
        one_line(capsys.readouterr().err).strip()
        == "error: --plot needs matplotlib, the 'plot' extra: pip install -e \".[plot]\""
    )
    assert not (tmp_path / "x.png").exists()


# Bad input of either command line: exit status 2 and exactly this one line on stderr,
# before any work starts.
BOTH = [
    (
        ["train", "nope"],
        "error: example: expected one of mazur, xor, two-hidden, deep-bce; got 'nope'",
    ),
    (
        ["trace", "--sizes", "2,x"],
        "error: argument --sizes: expected whole numbers separated by commas, like 2,3,1; got '2,x'",
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
    (
        ["train", "xor", "--sizes", "2,1"],
        "error: --sizes: describe a network of your own, so they go with --sizes, not with the example 'xor'",
    ),
    (
        ["trace", "mazur", "--samples", "3"],
        "error: --samples: describe a network of your own, so they go with --sizes, not with the example 'mazur'",
    ),
    (
        ["train", "mazur", "--seed", "3"],
        "error: --seed: the example 'mazur' starts from published numbers, so a seed changes nothing; it applies to xor, two-hidden, deep-bce and --sizes",
    ),
    (
        ["train", "xor", "--steps", "0"],
        "error: argument --steps: expected a whole number >= 1; got '0'",
    ),
    (
        ["train", "xor", "--lr", "-1"],
        "error: argument --lr: expected a positive finite number; got '-1'",
    ),
    (
        ["trace", "xor", "--lr", "inf"],
        "error: argument --lr: expected a positive finite number; got 'inf'",
    ),
    (
        ["trace", "xor", "--lr", "nan"],
        "error: argument --lr: expected a positive finite number; got 'nan'",
    ),
    (
        ["trace", "xor", "--lr", "0"],
        "error: argument --lr: expected a positive finite number; got '0'",
    ),
    (
        ["trace", "xor", "--max-nodes", "0"],
        "error: argument --max-nodes: expected a whole number >= 1; got '0'",
    ),
    (
        ["trace", "xor", "--steps", "0"],
        "error: argument --steps: expected a whole number >= 1; got '0'",
    ),
    (
        ["trace", "xor", "--format", "pdf"],
        "error: argument --format: invalid choice: 'pdf' (choose from 'text', 'markdown', "
        "'latex', 'html')",
    ),
    (
        ["trace", "--weights", "no-such-file.json"],
        "error: --weights: 'no-such-file.json' does not exist",
    ),
    (
        ["trace", "mazur", "--weights", "docs/mazur.json"],
        "error: --weights: the file describes the whole network and its data, so it goes "
        "alone; got 'mazur' beside it",
    ),
    (["train", "xor", "--epochs", "7"], "error: unrecognized arguments: --epochs 7"),
    (["train", "xor", "--batch", "0"], "error: unrecognized arguments: --batch 0"),
    (
        ["train", "--sizes", "2,2", "--seed", "-1"],
        "error: argument --seed: expected a whole number >= 0; got '-1'",
    ),
    (
        ["trace", "--sizes", "100000,100000"],
        "error: --sizes: 100000-100000 has 10,000,100,000 parameters, about 1192.",
    ),
    (
        ["train", "--sizes", "2,2", "--activations", "relu,"],
        "error: activations: expected one per layer after the input (1); got 2",
    ),
    (
        ["train", "--sizes", "2,2", "--activations", "swish"],
        "error: activation of layer 1: expected one of identity, sigmoid, tanh, relu, leaky_relu, softplus, softmax; got 'swish'",
    ),
]
# Options only the vectorized command line has.
VECTORIZED = [
    (
        ["train", "xor", "--plot", "x.xyz"],
        "error: --plot: expected a file name ending in .png or .svg or .pdf; got 'x.xyz'",
    ),
    (
        ["train", "xor", "--plot", "/no/such/folder/x.png"],
        "error: --plot: the folder '/no/such/folder' of '/no/such/folder/x.png' does not exist",
    ),
    (
        ["mnist", "--save", "/no/such/folder/net.npz"],
        "error: --save: the folder '/no/such/folder' of '/no/such/folder/net.npz' does not exist",
    ),
    (
        ["mnist", "--save", "net.pkl"],
        "error: --save: expected a file name ending in .npz; got 'net.pkl'",
    ),
    (["mnist", "--batch", "0"], "error: argument --batch: expected a whole number >= 1; got '0'"),
    (["mnist", "--sizes", "2,2"], "error: unrecognized arguments: --sizes 2,2"),
    (["mnist", "--steps", "2"], "error: unrecognized arguments: --steps 2"),
    (
        ["mnist", "--config", "seed"],
        "error: argument --config: invalid choice: 'seed' (choose from 'small', 'softmax')",
    ),
    (
        ["download", "--mirror", "not-a-url"],
        "error: --mirror: expected an http, https or file URL like",
    ),
    (
        ["speedup", "--budget", "0"],
        "error: argument --budget: expected a positive finite number; got '0'",
    ),
    (
        ["speedup", "--budget", "nan"],
        "error: argument --budget: expected a positive finite number; got 'nan'",
    ),
    (
        ["speedup", "--networks", "0-8-2"],
        "error: argument --networks: expected networks n0-n1-n2 of whole numbers >= 1, like 784-40-10; got '0-8-2'",
    ),
    (["speedup", "--networks", "8-8"], "error: argument --networks: expected networks n0-n1-n2"),
    (
        ["speedup", "--batches", "0"],
        "error: argument --batches: expected whole numbers >= 1; got '0'",
    ),
    (["train", "xor", "--config", "softmax"], "error: unrecognized arguments: --config softmax"),
    (["train", "xor", "--dtype", "float32"], "error: unrecognized arguments: --dtype float32"),
]


def _status_and_error(
    main: Any, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse's own refusals
        status = int(exc.code or 0)
    out = capsys.readouterr()
    assert out.out == ""  # no work started
    return status, out.err


@pytest.mark.parametrize(("argv", "message"), BOTH, ids=[" ".join(a) for a, _ in BOTH])
@pytest.mark.parametrize("side", MAINS)
def test_bad_input_is_one_line_and_status_2(
    side: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = _status_and_error(MAINS[side], argv, capsys)
    assert status == 2 and one_line(err).startswith(message), err


@pytest.mark.parametrize(("argv", "message"), VECTORIZED, ids=[" ".join(a) for a, _ in VECTORIZED])
def test_bad_vectorized_options_are_refused_before_work(
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BACKPROP_MNIST_DIR", str(tmp_path / "nothing-here"))
    status, err = _status_and_error(vectorized_main, argv, capsys)
    assert status == 2 and one_line(err).startswith(message), err
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing downloaded


def test_a_diverging_run_stops_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for main in MAINS.values():
        status = main(
            ["train", "--sizes", "2,3,1", "--activations", "identity,identity", "--lr", "1e200"]
        )
        out = capsys.readouterr()
        assert status == 2 and "cost nan" not in out.out
        assert one_line(out.err).startswith("error: training diverged at step ")
        assert "lower the learning rate (η = 1e+200)" in out.err


def test_ctrl_c_is_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("backprop_cli.vectorized_cli.train", interrupted)
    assert vectorized_main(["train", "xor"]) == 130
    err = capsys.readouterr().err
    assert one_line(err).startswith("interrupted")


@pytest.mark.parametrize("package", ["reference", "vectorized"])
@pytest.mark.parametrize("command", ["trace", "train"])
def test_output_that_cannot_encode_the_symbols_gets_ascii(package: str, command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", package, command, "mazur", "--steps", "10"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
        check=False,
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    out = done.stdout.decode("ascii")  # every byte ASCII: the symbols spelled out
    if command == "trace":
        assert ("delta[2][0] = 0.74136507*0.186815602 = 0.138498562" in out) == (
            package == "reference"
        )
        assert "0.35891648" in out and "\\u" not in out
    else:
        assert "eta = 0.5" in out


@pytest.mark.parametrize("package", ["reference", "vectorized"])
def test_no_traceback_from_the_real_command(package: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", package, "train", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert one_line(done.stderr) and "Traceback" not in done.stderr


def test_the_matrix_trace_check_sees_nan(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = matrix_trace.feed_forward

    def poisoned(arch: Any, p: Any, X: Any) -> Any:
        Z, A = real(arch, p, X)
        Z[1] = Z[1].copy()
        Z[1][0, 0] = float("nan")
        return Z, A

    monkeypatch.setattr(matrix_trace, "feed_forward", poisoned)
    assert vectorized_main(["trace", "mazur"]) == 1
    out = capsys.readouterr().out
    assert "check against the node-by-node trace: DISAGREES" in out


def test_a_speedup_sweep_too_large_for_memory_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, err = _status_and_error(
        vectorized_main, ["speedup", "--networks", "8-8-2,200000-200000-2"], capsys
    )
    assert status == 2 and err.startswith("error: --networks: 200000-200000-2 has ")


def test_speedup_without_matplotlib_says_which_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    out = tmp_path / "sweep"
    status, err = _status_and_error(
        vectorized_main, ["speedup", "--networks", "8-8-2", "--out", str(out)], capsys
    )
    assert status == 2 and "needs matplotlib, the 'plot' extra" in err and not out.exists()


def test_a_failed_save_names_the_users_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backprop_data import persist

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(persist.np, "savez", full)
    arch = reference.Architecture((2, 1), ("sigmoid",), "half_squared_error")
    with pytest.raises(OSError) as info:
        persist.save(tmp_path / "net.npz", arch, vectorized.init_parameters(arch, 0))
    assert (
        str(info.value)
        == f"{tmp_path / 'net.npz'}: could not write the network (No space left on device)"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_diverging_mnist_run_exits_non_zero_and_saves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "net.npz"
    argv = ["mnist", "--config", "softmax", "--lr", "1e6", "--epochs", "1", "--save", str(saved)]
    argv += ["--data", str(real_mnist_dir())]
    assert vectorized_main(argv) == 2
    err = capsys.readouterr().err
    assert one_line(err).startswith(
        "error: training diverged in epoch 1: the cost over the training set rose"
    )
    assert not saved.exists()
