"""The performance targets, measured in pairs (benchmarks/paired.py): the trainer's step over
the fewest-calls step (benchmarks/fewest_calls.py, the fewest NumPy calls we found for the same
step; 784-40-10, float64, N = 1, 20, 128) and its MNIST epoch over the fewest-calls epoch, with
their targets; float64 over float32 at N = 128. Beside them, for information, each over
its floor (the matrix products alone) and the per-sample way over the batched one. Each
ratio is stored in the benchmark's extra_info, with its target where it has one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import reference
import vectorized
from backprop_cli.fewest_calls import FewestCallsStep
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import one_step_bound
from benchmarks.cases import Config, arrays, floor
from benchmarks.test_epoch import SMALL, mnist, per_sample_epoch
from vectorized.workspace import Workspace, quiet

ARCH = SMALL.arch
TARGETS = {1: "<= 1.2", 20: "<= 1.1", 128: "<= 1.1"}  # the trainer's step / the fewest-calls step's


def checked_fewest_calls(X: np.ndarray, Y: np.ndarray, learning_rate: float) -> FewestCallsStep:
    """A FewestCallsStep for this batch, whose first step has been checked against the reference
    within the one-step rounding bound (backprop_verify/rounding.py): a bound that computed something
    else would be a target for nothing."""
    start = reference.init_parameters(ARCH, seed=0)
    Xl, Yl = X.tolist(), Y.tolist()
    want = reference.sgd_step(ARCH, start, Xl, Yl, learning_rate)
    eW, eb = one_step_bound(ARCH, start, Xl, Yl, learning_rate)
    probe = FewestCallsStep(ARCH, vectorized.to_arrays(start), X, Y, learning_rate)
    probe.step()()
    W, b = probe.parameters()
    assert_close("fewest-calls step W", W, want.W, eW, "float64")
    assert_close("fewest-calls step b", b, want.b, eb, "float64")
    return probe


def _store(benchmark: Any, name: str, measure: Any, target: str) -> None:
    benchmark.group = "paired ratios"
    benchmark.extra_info.update(paired=name, target=target)
    result = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info["ratio"] = result
    assert result > 0


def _trainer_step(config: Config) -> Any:
    """The trainer's step as an epoch runs it: under one error state, unguarded."""
    p, X, Y = arrays(config, "float64")
    ws = Workspace(ARCH, config.batch)
    return lambda: ws.step(p, X, Y, 1e-3, guard=False)


@pytest.mark.parametrize("batch", [1, 20, 128])
def test_step_over_fewest_calls(benchmark: Any, batch: int) -> None:
    from benchmarks.paired import paired_ratio

    config = Config(f"784-40-10 N={batch}", ARCH, batch)
    _, X, Y = arrays(config, "float64")
    fewest = checked_fewest_calls(X, Y, 1e-3).step()
    step = _trainer_step(config)
    pairs = 20 if benchmark.disabled else 2000 // max(1, batch // 20)

    def measure() -> float:
        with quiet():
            return paired_ratio(step, fewest, pairs)

    _store(
        benchmark, f"step / fewest-calls step, 784-40-10 N={batch} float64", measure, TARGETS[batch]
    )


@pytest.mark.parametrize("batch", [1, 20, 128])
def test_step_over_floor(benchmark: Any, batch: int) -> None:
    from benchmarks.paired import paired_ratio

    config = Config(f"784-40-10 N={batch}", ARCH, batch)
    step = _trainer_step(config)
    pairs = 20 if benchmark.disabled else 2000 // max(1, batch // 20)

    def measure() -> float:
        with quiet():
            return paired_ratio(step, floor(config, "float64"), pairs)

    _store(benchmark, f"step / floor, 784-40-10 N={batch} float64", measure, "")


@pytest.mark.parametrize("batch", [1, 20, 128])
def test_fewest_calls_over_floor(benchmark: Any, batch: int) -> None:
    from benchmarks.paired import paired_ratio

    config = Config(f"784-40-10 N={batch}", ARCH, batch)
    _, X, Y = arrays(config, "float64")
    run = checked_fewest_calls(X, Y, 1e-3).step()
    pairs = 20 if benchmark.disabled else 2000 // max(1, batch // 20)
    _store(
        benchmark,
        f"fewest-calls step / floor, 784-40-10 N={batch} float64",
        lambda: paired_ratio(run, floor(config, "float64"), pairs),
        "",
    )


def test_float64_over_float32(benchmark: Any) -> None:
    from benchmarks.paired import paired_ratio

    config = Config("784-40-10 N=128", ARCH, 128)
    p64, X64, Y64 = arrays(config, "float64")
    p32, X32, Y32 = arrays(config, "float32")
    w64, w32 = Workspace(ARCH, 128), Workspace(ARCH, 128, "float32")
    pairs = 20 if benchmark.disabled else 1000
    _store(
        benchmark,
        "float64 step / float32 step, 784-40-10 N=128",
        lambda: paired_ratio(
            lambda: w64.step(p64, X64, Y64, 1e-3), lambda: w32.step(p32, X32, Y32, 1e-3), pairs
        ),
        ">= 1.6",
    )


def _epoch_pairs(benchmark: Any) -> tuple[Any, ...]:
    X, Y, order = mnist("float64")
    batches = [order[k : k + 20] for k in range(0, order.shape[0], 20)]
    return X, Y, batches[: 50 if benchmark.disabled else len(batches)]


def _trainer(X: Any, Y: Any, batches: list[Any]) -> Any:
    """The trainer's way with one mini-batch: gather the rows, then the workspace step."""
    params = vectorized.init_parameters(ARCH, seed=0)
    ws = Workspace(ARCH, 20)

    def batched(rows: Any) -> None:
        Xb, Yb = ws.gather(X, Y, rows)
        ws.step(params, Xb, Yb, SMALL.learning_rate, guard=False)

    return batched


def _fewest_calls(X: Any, Y: Any, batches: list[Any]) -> Any:
    """The fewest-calls step's way with one mini-batch (checked on the first one)."""
    fewest = checked_fewest_calls(X[batches[0]], Y[batches[0]], SMALL.learning_rate)
    run = fewest.step()

    def batched(rows: Any) -> None:
        fewest.gather(X, Y, rows)
        run()

    return batched


WAYS = {"batched": _trainer, "fewest-calls step": _fewest_calls}


@pytest.mark.parametrize("way", WAYS)
def test_epoch_over_floor(benchmark: Any, way: str) -> None:
    """Every mini-batch of one epoch (gather + step) timed back to back with the floor of
    one step; the ratio of the totals."""
    X, Y, batches = _epoch_pairs(benchmark)
    batched = WAYS[way](X, Y, batches)
    base = floor(Config("784-40-10 N=20", ARCH, 20), "float64")

    def measure() -> float:
        from benchmarks.paired import time_pair

        spent, spent_floor = 0.0, 0.0
        with quiet():
            for k, rows in enumerate(batches):
                t_step, t_floor = time_pair(lambda r=rows: batched(r), base, b_first=bool(k % 2))
                spent, spent_floor = spent + t_step, spent_floor + t_floor
        return spent / spent_floor

    _store(benchmark, f"{way} epoch / its floor, MNIST 784-40-10 N=20 float64", measure, "")


def test_epoch_over_fewest_calls(benchmark: Any) -> None:
    """Every mini-batch of one epoch, the trainer's way (gather + step) back to back with the
    fewest-calls step's way; the ratio of the totals."""
    X, Y, batches = _epoch_pairs(benchmark)
    trainer, fewest = _trainer(X, Y, batches), _fewest_calls(X, Y, batches)

    def measure() -> float:
        from benchmarks.paired import time_pair

        spent, spent_fewest = 0.0, 0.0
        with quiet():
            for k, rows in enumerate(batches):
                t_a, t_b = time_pair(
                    lambda r=rows: trainer(r), lambda r=rows: fewest(r), bool(k % 2)
                )
                spent, spent_fewest = spent + t_a, spent_fewest + t_b
        return spent / spent_fewest

    _store(benchmark, "epoch / fewest-calls epoch, MNIST 784-40-10 N=20 float64", measure, "<= 1.1")


@pytest.mark.parametrize("way", WAYS)
def test_per_sample_over(benchmark: Any, way: str) -> None:
    """Every mini-batch of one epoch done the per-sample way (benchmarks/test_epoch.py) and
    the batched way, back to back; per-sample time over batched time."""
    X, Y, batches = _epoch_pairs(benchmark)
    batched = WAYS[way](X, Y, batches)
    params = vectorized.init_parameters(ARCH, seed=0)
    ws1 = Workspace(ARCH, 1)

    def measure() -> float:
        from benchmarks.paired import time_pair

        spent_single, spent_batched = 0.0, 0.0
        with quiet():
            for k, rows in enumerate(batches):
                t_single, t_batched = time_pair(
                    lambda r=rows: per_sample_epoch(ws1, params, X, Y, r, 20, SMALL.learning_rate),
                    lambda r=rows: batched(r),
                    b_first=bool(k % 2),
                )
                spent_single, spent_batched = spent_single + t_single, spent_batched + t_batched
        return spent_single / spent_batched

    _store(
        benchmark,
        f"per-sample epoch / {way} epoch, MNIST 784-40-10 N=20 float64",
        measure,
        "",
    )
    assert np.isfinite(params.W[0]).all()
