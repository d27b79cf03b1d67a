"""Loop vs vectorized: the full gradient (forward + backward) and one SGD step, per configuration.

One benchmark group per configuration, so pytest-benchmark's table shows the ratios; the
speedup summary at the end of ``pytest --benchmark-only`` collects them (benchmarks/conftest.py).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

import reference
import vectorized
from backprop_cli.baselines import fast_step, maths_step
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import one_step_bound
from benchmarks.cases import CONFIGS, Config, arrays, check_agreement, floor, lists
from vectorized.workspace import Workspace

IDS = [c.name for c in CONFIGS]
LEARNING_RATE = 1e-3


def _tag(benchmark: Any, config: Config, impl: str, op: str) -> None:
    benchmark.group = config.name
    benchmark.extra_info.update(
        config=config.name, impl=impl, op=op, parameters=config.parameters, batch=config.batch
    )


def _run(benchmark: Any, config: Config, fn: Any, slow: bool) -> None:
    if slow and config.reference_rounds:
        benchmark.pedantic(fn, rounds=config.reference_rounds, iterations=1, warmup_rounds=0)
    else:
        benchmark(fn)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
@pytest.mark.parametrize("op", ["gradient", "step"])
def test_reference(benchmark: Any, config: Config, op: str) -> None:
    assert check_agreement(config)
    _tag(benchmark, config, "reference", op)
    p, X, Y = lists(config)
    if op == "gradient":
        _run(benchmark, config, lambda: reference.backward(config.arch, p, X, Y), slow=True)
    else:
        _run(
            benchmark,
            config,
            lambda: reference.sgd_step(config.arch, p, X, Y, LEARNING_RATE),
            slow=True,
        )


@cache
def loops_agree(config: Config) -> bool:
    """Before they are timed: one step of each loop baseline equals the reference's step
    within the one-step rounding bound."""
    p, X, Y = lists(config)
    want = reference.sgd_step(config.arch, p, X, Y, LEARNING_RATE)
    eW, eb = one_step_bound(config.arch, p, X, Y, LEARNING_RATE)
    for name, step in (("fast loop", fast_step), ("reference maths", maths_step)):
        got = step(config.arch, p, X, Y, LEARNING_RATE)
        assert_close(f"{name} W", got.W, want.W, eW, "float64")
        assert_close(f"{name} b", got.b, want.b, eb, "float64")
    return True


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
@pytest.mark.parametrize("impl", ["reference-maths", "fast-loop"])
def test_loop_baselines(benchmark: Any, config: Config, impl: str) -> None:
    """The reference's loops without its input checks, and the fastest loop we wrote
    (benchmarks/fast_loop.py): what vectorization is measured against."""
    assert loops_agree(config)
    _tag(benchmark, config, impl, "step")
    p, X, Y = lists(config)
    step = maths_step if impl == "reference-maths" else fast_step
    _run(benchmark, config, lambda: step(config.arch, p, X, Y, LEARNING_RATE), slow=True)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
@pytest.mark.parametrize("op", ["gradient", "step"])
def test_vectorized_api(benchmark: Any, config: Config, op: str) -> None:
    """The public functions: checked input, fresh arrays (float64)."""
    assert check_agreement(config)
    _tag(benchmark, config, "vectorized", op)
    p, X, Y = arrays(config, np.float64)
    if op == "gradient":
        benchmark(vectorized.backward, config.arch, p, X, Y)
    else:
        benchmark(vectorized.sgd_step, config.arch, p, X, Y, LEARNING_RATE)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("op", ["gradient", "step"])
def test_workspace(benchmark: Any, config: Config, dtype: str, op: str) -> None:
    """The trainer's step: preallocated buffers, parameters updated in place."""
    assert check_agreement(config)
    _tag(benchmark, config, f"workspace-{dtype}", op)
    p, X, Y = arrays(config, dtype)
    ws = Workspace(config.arch, config.batch, dtype)
    if op == "gradient":
        benchmark(ws.cost_and_gradients, p, X, Y)
    else:
        benchmark(ws.step, p, X, Y, LEARNING_RATE)


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_floor(benchmark: Any, config: Config, dtype: str) -> None:
    """The matrix products of one step alone: what no implementation can beat."""
    assert check_agreement(config)
    _tag(benchmark, config, f"floor-{dtype}", "step")
    benchmark(floor(config, dtype))
