"""Mini-batch training: the small MNIST network's result, the reference on an MNIST subset, the trainer."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import reference
import vectorized
from backprop_cli.vectorized_cli import main
from backprop_data.mnist import CONFIGS, load_mnist, one_hot
from backprop_data.persist import load
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import error_bound, step_bound
from reference import ContractError
from reference.training import train as reference_train
from tests.mnist_data import fake_mnist, real_mnist_dir
from vectorized.training import accuracy, epoch_orders, fit


def _accuracies(out: str) -> list[float]:
    return [float(v) for v in re.findall(r"test accuracy ([0-9.]+) %", out)]


@pytest.mark.slow
def test_small_network_reaches_95_percent_within_3_epochs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved, curves = tmp_path / "small.npz", tmp_path / "curves.png"
    argv = [
        "mnist",
        "--data",
        str(real_mnist_dir()),
        "--save",
        str(saved),
        "--plot",
        str(curves),
    ]
    assert main(argv) == 0
    acc = _accuracies(capsys.readouterr().out)
    assert curves.read_bytes()[:4] == b"\x89PNG"
    assert (
        len(acc) == 3 and acc[-1] >= 95.0
    )  # "A small and simple neural network in Python": 95 % in a few epochs
    arch, params = load(saved, expected=CONFIGS["small"].arch)
    m = load_mnist(real_mnist_dir())
    assert round(100 * accuracy(arch, params, m.test_images, m.test_labels), 2) == acc[-1]


@pytest.mark.slow
def test_softmax_cross_entropy_reaches_97_percent(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "mnist",
                "--config",
                "softmax",
                "--data",
                str(real_mnist_dir()),
                "--dtype",
                "float32",
            ]
        )
        == 0
    )
    acc = _accuracies(capsys.readouterr().out)
    assert len(acc) == 5 and acc[-1] >= 97.0


@pytest.mark.slow
def test_reference_follows_the_vectorized_trainer_on_mnist() -> None:
    """200 images, batches of 20 in the same order: the two trainers' parameters stay within
    the rounding bound propagated through all ten steps."""
    m = load_mnist(real_mnist_dir())
    cfg = CONFIGS["small"]
    X, Y = m.train_images[:200], one_hot(m.train_labels[:200])
    order = epoch_orders(200, 1, seed=1)[0]
    start = reference.init_parameters(cfg.arch, seed=2)
    mine = vectorized.to_arrays(start)
    fit(
        cfg.arch,
        mine,
        X,
        Y,
        cfg.learning_rate,
        1,
        cfg.batch_size,
        seed=0,
        orders=[order],
    )
    Xl, Yl = X.tolist(), Y.tolist()
    p, eW, eb = start, None, None
    for k in range(0, 200, cfg.batch_size):
        rows = order[k : k + cfg.batch_size].tolist()
        Xb, Yb = [Xl[n] for n in rows], [Yl[n] for n in rows]
        bound = error_bound(cfg.arch, p, Xb, Yb, "float64", eW, eb)
        grads = reference.backward(cfg.arch, p, Xb, Yb)
        eW, eb = step_bound(cfg.arch, p, grads, bound, cfg.learning_rate, "float64", eW, eb)
        p = reference.network.apply_update(cfg.arch, p, grads, cfg.learning_rate)
    theirs, _ = reference_train(
        cfg.arch, start, Xl, Yl, cfg.learning_rate, 10, cfg.batch_size, order.tolist()
    )
    assert theirs == p  # the reference trainer is exactly these steps
    got = vectorized.to_lists(mine)
    assert_close("W after one epoch", got.W, p.W, eW, "float64")
    assert_close("b after one epoch", got.b, p.b, eb, "float64")


def test_fit_shuffles_from_its_seed_and_reports_each_epoch(tmp_path: Path) -> None:
    m = load_mnist(fake_mnist(tmp_path, n_train=50, n_test=20), verify=False)
    arch = reference.Architecture(
        (784, 8, 10), ("relu", "softmax"), "categorical_cross_entropy", "mean"
    )
    Y = one_hot(m.train_labels)
    runs = []
    for seed in (0, 0, 1):
        p = vectorized.init_parameters(arch, 3)
        h = fit(
            arch,
            p,
            m.train_images,
            Y,
            0.1,
            2,
            16,
            seed,
            test=(m.test_images, m.test_labels),
        )
        runs.append(vectorized.to_lists(p))
        assert len(h.train_cost) == len(h.test_accuracy) == len(h.seconds) == 2
    assert runs[0] == runs[1] and runs[0] != runs[2]
    assert epoch_orders(5, 2, 0)[0].tolist() != epoch_orders(5, 2, 0)[1].tolist()


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_fit_follows_the_reference_batch_by_batch(tmp_path: Path, l2: float) -> None:
    m = load_mnist(fake_mnist(tmp_path, n_train=10, n_test=2), verify=False)
    arch = reference.Architecture(
        (784, 5, 10), ("tanh", "sigmoid"), "sum_of_squares", "sum", "frozen", l2
    )
    Y = one_hot(m.train_labels)
    order = np.arange(10)[::-1].copy()
    start = reference.init_parameters(arch, 0)
    mine = vectorized.to_arrays(start)
    fit(arch, mine, m.train_images, Y, 0.01, 1, 4, 0, orders=[order])
    p, eW, eb = start, None, None
    for k in range(0, 10, 4):
        rows = order[k : k + 4]
        Xb, Yb = m.train_images[rows].tolist(), Y[rows].tolist()
        bound = error_bound(arch, p, Xb, Yb, "float64", eW, eb)
        grads = reference.backward(arch, p, Xb, Yb)
        eW, eb = step_bound(arch, p, grads, bound, 0.01, "float64", eW, eb)
        p = reference.network.apply_update(arch, p, grads, 0.01)
    got = vectorized.to_lists(mine)
    assert_close("W", got.W, p.W, eW, "float64")  # batches of 4, 4 and the last 2
    assert_close("b", got.b, p.b, eb, "float64")


def test_fit_refuses_bad_settings(tmp_path: Path) -> None:
    m = load_mnist(fake_mnist(tmp_path, n_train=6, n_test=2), verify=False)
    arch = CONFIGS["small"].arch
    p = vectorized.init_parameters(arch, 0)
    Y = one_hot(m.train_labels)
    with pytest.raises(ContractError, match=r"epochs: expected a whole number >= 1; got 0"):
        fit(arch, p, m.train_images, Y, 1.0, 0, 20, 0)
    with pytest.raises(ContractError, match=r"batch_size: expected a whole number >= 1; got '4'"):
        fit(arch, p, m.train_images, Y, 1.0, 1, "4", 0)  # type: ignore[arg-type]
    with pytest.raises(ContractError, match=r"orders: expected 1 index arrays of length 6"):
        fit(arch, p, m.train_images, Y, 1.0, 1, 20, 0, orders=[np.arange(5)])
    with pytest.raises(ContractError, match=r"orders\[0\]: expected a permutation of 0..5"):
        fit(arch, p, m.train_images, Y, 1.0, 1, 20, 0, orders=[np.array([0, 1, 2, 3, 4, 9])])
    with pytest.raises(ContractError, match=r"learning_rate"):
        fit(arch, p, m.train_images, Y, -1.0, 1, 20, 0)


def test_train_mnist_command_on_small_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_mnist(tmp_path, n_train=40, n_test=10)
    argv = [
        "mnist",
        "--data",
        str(tmp_path),
        "--epochs",
        "2",
        "--batch",
        "8",
        "--lr",
        "1",
        "--plot",
        str(tmp_path / "c.png"),
    ]
    assert main(argv) == 2  # the fake files are not the canonical ones
    assert "MD5" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["mnist", "--data", str(tmp_path), "--epochs", "0"])
    assert "--epochs: expected a whole number >= 1; got '0'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["mnist", "--data", str(tmp_path), "--l2", "-0.5"])
    assert "--l2: expected a finite number >= 0; got '-0.5'" in capsys.readouterr().err
