"""Memory, measured with tracemalloc (NumPy reports its buffers to it): deterministic sizes,
not timings, so they can be asserted."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import vectorized
from backprop_data.mnist import CONFIGS, load_mnist, one_hot
from reference import ContractError
from tests.mnist_data import real_mnist_dir
from vectorized.training import fit
from vectorized.workspace import Workspace


@pytest.mark.parametrize(("batch", "steps"), [(20, 10_000), (1, 500), (128, 500)])
def test_steps_neither_grow_nor_churn(batch: int, steps: int) -> None:
    arch = CONFIGS["small"].arch
    params = vectorized.init_parameters(arch, seed=0)
    rng = np.random.default_rng(0)
    X = rng.random((batch, 784))
    Y = one_hot(rng.integers(0, 10, batch))
    ws = Workspace(arch, batch)
    for _ in range(10):  # warm up NumPy's own caches
        ws.step(params, X, Y, 1e-3)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(steps):
            ws.step(params, X, Y, 1e-3)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (
        after - before < 4096
    )  # nothing accumulates (a batch of the small MNIST config, over 10,000 steps)
    # No temporary anywhere near the size of the input batch (B × 784 floats) or of W[1]
    # (40 × 784): what a step allocates are a few (B × 10) and (B × 1) arrays.
    assert peak - before < max(X.nbytes // 4, 8 * 1024)


def test_a_workspace_refuses_a_larger_batch() -> None:
    ws = Workspace(CONFIGS["small"].arch, 4)
    params = vectorized.init_parameters(CONFIGS["small"].arch, seed=0)
    with pytest.raises(
        ContractError, match=r"X: expected at most 4 rows \(the workspace's batch\); got 5"
    ):
        ws.step(params, np.zeros((5, 784)), np.zeros((5, 10)), 0.1)


@pytest.mark.slow
def test_training_peak_stays_below_twice_the_training_set() -> None:
    where = real_mnist_dir()
    tracemalloc.start()
    try:
        data = load_mnist(where)
        Y = one_hot(data.train_labels)
        arch = CONFIGS["small"].arch
        params = vectorized.init_parameters(arch, seed=0)
        fit(
            arch,
            params,
            data.train_images,
            Y,
            5.0,
            1,
            20,
            seed=0,
            test=(data.test_images, data.test_labels),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    network = sum(w.nbytes for w in params.W) + sum(b.nbytes for b in params.b)
    assert data.train_images.nbytes == 60000 * 784 * 8
    assert peak <= 2 * data.train_images.nbytes + network
