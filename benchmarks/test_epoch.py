"""One epoch of the small MNIST configuration on MNIST: batched (float64, float32), per-sample
(the accumulate-then-update of "A small and simple neural network in Python", looping over the samples of each mini-batch), and the
epoch's floor (the same matrix products alone)."""

from __future__ import annotations

import os
import time
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import reference
import vectorized
from backprop_cli.mnist_cli import fetch_mnist
from backprop_data.idx import IdxError
from backprop_data.mnist import CONFIGS, load_mnist, one_hot
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import one_step_bound
from benchmarks.cases import Config, floor
from benchmarks.load import busy_numpy
from vectorized.arrays import FloatArray, Parameters
from vectorized.threads import blas_limited, blas_threads
from vectorized.training import epoch_orders, run_epoch
from vectorized.workspace import Workspace

SMALL = CONFIGS["small"]
GROUP = "MNIST epoch, 784-40-10 N=20 (MNIST small)"


def mnist_dir() -> Path:
    """The real files by the product's one lookup, downloaded (verified) when missing; a clear
    one-line failure only when that download fails."""
    try:
        return fetch_mnist()
    except IdxError as exc:
        pytest.fail(str(exc), pytrace=False)


@cache
def mnist(dtype: str) -> tuple[FloatArray, FloatArray, np.ndarray]:
    data = load_mnist(mnist_dir(), dtype)
    return (
        data.train_images,
        one_hot(data.train_labels, dtype=dtype),
        epoch_orders(60000, 1, seed=0)[0],
    )


def per_sample_epoch(
    ws: Workspace,
    params: Parameters,
    X: FloatArray,
    Y: FloatArray,
    order: np.ndarray,
    batch: int,
    learning_rate: float,
) -> None:
    """Seed 004's way: for each mini-batch, zero the gradients, accumulate each sample's
    (vectorized within the sample), then apply the mean."""
    sums_W = [np.zeros_like(w) for w in params.W]
    sums_b = [np.zeros_like(b) for b in params.b]
    for k in range(0, order.shape[0], batch):
        rows = order[k : k + batch]
        for g in (*sums_W, *sums_b):
            g.fill(0.0)
        for n in rows:
            ws.cost_and_gradients(params, X[n : n + 1], Y[n : n + 1], cost=False)
            for s, g in zip((*sums_W, *sums_b), (*ws.dW, *ws.db), strict=True):
                s += g
        step_size = learning_rate / rows.shape[0]
        for w, s in zip((*params.W, *params.b), (*sums_W, *sums_b), strict=True):
            w -= step_size * s


def _tag(benchmark: Any, impl: str) -> None:
    benchmark.group = GROUP
    benchmark.extra_info.update(config=GROUP, impl=impl, op="epoch")


def _smoke(benchmark: Any, order: np.ndarray) -> np.ndarray:
    """Untimed (plain pytest): a twentieth of the epoch is enough to show it runs."""
    return order[: order.shape[0] // 20] if benchmark.disabled else order


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_batched_epoch(benchmark: Any, dtype: str) -> None:
    X, Y, order = mnist(dtype)
    params = vectorized.init_parameters(SMALL.arch, seed=0, dtype=dtype)
    ws = Workspace(SMALL.arch, SMALL.batch_size, dtype)
    _tag(benchmark, f"batched-{dtype}")
    order = _smoke(benchmark, order)
    benchmark.pedantic(
        run_epoch,
        (ws, params, X, Y, order, SMALL.batch_size, SMALL.learning_rate),
        rounds=3,
        iterations=1,
    )


def test_per_sample_epoch(benchmark: Any) -> None:
    X, Y, order = mnist("float64")
    # The per-sample way does the same maths: one batch of it equals the reference's step
    # within the rounding bound, as the batched step does.
    start = reference.init_parameters(SMALL.arch, seed=0)
    rows = order[:20]
    eW, eb = one_step_bound(
        SMALL.arch, start, X[rows].tolist(), Y[rows].tolist(), SMALL.learning_rate
    )
    want = reference.sgd_step(
        SMALL.arch, start, X[rows].tolist(), Y[rows].tolist(), SMALL.learning_rate
    )
    for way, ws in (
        (per_sample_epoch, Workspace(SMALL.arch, 1)),
        (run_epoch, Workspace(SMALL.arch, 20)),
    ):
        p = vectorized.to_arrays(start)
        way(ws, p, X, Y, rows, 20, SMALL.learning_rate)
        got = vectorized.to_lists(p)
        assert_close(f"{way.__name__} W", got.W, want.W, eW, "float64")
        assert_close(f"{way.__name__} b", got.b, want.b, eb, "float64")
    params = vectorized.init_parameters(SMALL.arch, seed=0)
    _tag(benchmark, "per-sample-float64")
    order = _smoke(benchmark, order)
    benchmark.pedantic(
        per_sample_epoch,
        (
            Workspace(SMALL.arch, 1),
            params,
            X,
            Y,
            order,
            SMALL.batch_size,
            SMALL.learning_rate,
        ),
        rounds=1,
        iterations=1,
    )


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_epoch_floor(benchmark: Any, dtype: str) -> None:
    """3000 times the matrix products of one step (batch 20): the epoch's floor."""
    step = floor(Config(GROUP, SMALL.arch, SMALL.batch_size), dtype)
    steps = 60000 // SMALL.batch_size // (20 if benchmark.disabled else 1)

    def epoch() -> None:
        for _ in range(steps):
            step()

    _tag(benchmark, f"floor-{dtype}")
    benchmark.pedantic(epoch, rounds=3, iterations=1)


def _epoch_seconds(
    cfg: Any, threads: int, X: FloatArray, Y: FloatArray, order: np.ndarray
) -> float:
    params = vectorized.init_parameters(cfg.arch, seed=0)
    ws = Workspace(cfg.arch, cfg.batch_size)
    start = time.perf_counter()
    with blas_limited(threads):
        run_epoch(ws, params, X, Y, order, cfg.batch_size, cfg.learning_rate)
    return time.perf_counter() - start


def test_epoch_beside_a_busy_numpy_process(benchmark: Any) -> None:
    """The softmax config's epoch alone, then beside another process whose NumPy products
    keep one core busy (one BLAS thread, as a pytest-xdist worker here has): with the
    trainer's thread choice, and with OpenBLAS' default of one thread per core. Each
    ratio is over the quiet epoch with the same thread count."""
    cfg = CONFIGS["softmax"]
    X, Y, order = mnist("float64")
    order = _smoke(benchmark, order)
    chosen = blas_threads(cfg.arch, cfg.batch_size)
    every = os.cpu_count() or 1
    quiet = {t: min(_epoch_seconds(cfg, t, X, Y, order) for _ in range(2)) for t in (chosen, every)}
    with busy_numpy(1):
        beside = {
            t: min(_epoch_seconds(cfg, t, X, Y, order) for _ in range(2)) for t in (chosen, every)
        }
    benchmark.extra_info.update(
        paired=f"softmax MNIST epoch beside a busy NumPy process / alone ({chosen} BLAS thread)",
        ratio=beside[chosen] / quiet[chosen],
        target="≤ 1.5x",
        quiet_s=quiet[chosen],
        beside_s=beside[chosen],
    )
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    benchmark.extra_info["default_threads"] = {
        "threads": every,
        "quiet_s": quiet[every],
        "beside_s": beside[every],
        "ratio": beside[every] / quiet[every],
    }
