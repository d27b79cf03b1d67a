"""A diverging run stops at its first non-finite step, with the parameters of before it."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import reference
import vectorized
from backprop_data.mnist import load_mnist, one_hot
from backprop_verify.comparison import flat
from reference.contract import DivergenceError
from reference.training import train as reference_train
from tests.mnist_data import fake_mnist
from vectorized.training import fit
from vectorized.training import train as vectorized_train

# Identity layers and a huge learning rate: the weights grow by ~1e200 a step, so the
# second or third step overflows.
ARCH = reference.Architecture((2, 3, 1), ("identity", "identity"), "half_squared_error")
X, Y = [[0.5, -1.0], [1.0, 2.0]], [[0.3], [-0.2]]


def _first_non_finite_step(params: reference.Parameters, eta: float) -> int:
    """The first step whose gradient is not finite, found with reference.backward and
    sgd_step alone (no trainer)."""
    for step in range(50):
        grads = reference.backward(ARCH, params, X, Y)
        values = [*flat(grads.W), *flat(grads.b), grads.cost]
        if not all(np.isfinite(values)):
            return step
        params = reference.sgd_step(ARCH, params, X, Y, eta)
    raise AssertionError("the run did not diverge within 50 steps")


def test_both_trainers_stop_at_the_same_step_with_the_parameters_before_it() -> None:
    start = reference.init_parameters(ARCH, seed=0)
    seen: dict[str, list[float]] = {"reference": [], "vectorized": []}
    messages = []
    for name, train, params in (
        ("reference", reference_train, start),
        ("vectorized", vectorized_train, vectorized.to_arrays(start)),
    ):
        with pytest.raises(DivergenceError) as info, warnings.catch_warnings():
            warnings.simplefilter("error")
            train(ARCH, params, X, Y, 1e200, 50, on_step=lambda s, c, n=name: seen[n].append(c))
        messages.append(str(info.value))
    assert seen["reference"] == pytest.approx(seen["vectorized"], rel=1e-12)
    step = len(seen["reference"])
    assert step == _first_non_finite_step(start, 1e200)
    for text in messages:
        assert text.startswith(f"training diverged at step {step}")
        assert text.endswith("lower the learning rate (η = 1e+200)")


def test_fit_leaves_the_parameters_of_the_last_finite_step(tmp_path: Path) -> None:
    m = load_mnist(fake_mnist(tmp_path, n_train=40, n_test=10), verify=False)
    arch = reference.Architecture((784, 5, 10), ("identity", "identity"), "sum_of_squares", "sum")
    Yt = one_hot(m.train_labels)
    params = vectorized.init_parameters(arch, seed=1)
    snapshots: list[vectorized.Parameters] = []
    with pytest.raises(DivergenceError) as info:
        fit(
            arch,
            params,
            m.train_images,
            Yt,
            1e120,
            3,
            8,
            0,
            on_step=lambda done, total: snapshots.append(params.copy()),
        )
    assert str(info.value).startswith("training diverged at epoch 1, step ")
    assert "lower the learning rate (η = 1e+120)" in str(info.value)
    last = snapshots[-1] if snapshots else None
    assert last is not None
    for w, v in zip(params.W, last.W, strict=True):
        assert np.array_equal(w, v) and np.isfinite(w).all()


def test_train_without_a_callback_returns_every_cost() -> None:
    start = reference.init_parameters(ARCH, seed=0)
    params, costs = vectorized_train(ARCH, vectorized.to_arrays(start), X, Y, 0.01, 5)
    want, want_costs = reference_train(ARCH, start, X, Y, 0.01, 5)
    assert costs == pytest.approx(want_costs, rel=1e-12)
    assert flat(vectorized.to_lists(params).W) == pytest.approx(flat(want.W), rel=1e-12)
