"""What the benchmarks time: configurations, their data, the floor, and an agreement check."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

import reference
import vectorized
from backprop_cli.baselines import floor_step
from backprop_data.examples import random_data
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import error_bound
from vectorized.workspace import Workspace


@dataclass(frozen=True)
class Config:
    """A network and a batch size; ``reference_rounds`` caps the slow loop's repetitions."""

    name: str
    arch: reference.Architecture
    batch: int
    reference_rounds: int = 0  # 0: let pytest-benchmark decide

    @property
    def parameters(self) -> int:
        """Weights and biases."""
        s = self.arch.sizes
        return sum(s[l] * s[l - 1] + s[l] for l in range(1, len(s)))


SIG2 = ("sigmoid", "sigmoid")
SEED_CONFIGS = (
    Config(
        "2-2-2 N=1 (Mazur)",
        reference.Architecture((2, 2, 2), SIG2, "half_squared_error", "sum", "frozen"),
        1,
    ),
    Config(
        "3-4-1 N=4 (XOR)",
        reference.Architecture((3, 4, 1), SIG2, "sum_of_squares", "sum", "off"),
        4,
    ),
    Config(
        "9-6-6-1 N=32 (deep-bce)",
        reference.Architecture(
            (9, 6, 6, 1), ("relu", "relu", "sigmoid"), "binary_cross_entropy", "mean", "off"
        ),
        32,
    ),
    Config(
        "784-40-10 N=1 (MNIST small)",
        reference.Architecture((784, 40, 10), SIG2, "half_squared_error"),
        1,
        20,
    ),
    Config(
        "784-40-10 N=20 (MNIST small)",
        reference.Architecture((784, 40, 10), SIG2, "half_squared_error"),
        20,
        3,
    ),
    Config(
        "784-40-10 N=128 (MNIST small)",
        reference.Architecture((784, 40, 10), SIG2, "half_squared_error"),
        128,
        1,
    ),
)
# A sweep of widths and batch sizes: 64 inputs, one hidden layer of width h, 10 outputs.
SWEEP_CONFIGS = tuple(
    Config(
        f"64-{h}-10 N={n} (sweep)",
        reference.Architecture((64, h, 10), ("tanh", "softmax"), "categorical_cross_entropy"),
        n,
        3 if h * n >= 256 * 16 else 0,
    )
    for h, n in ((16, 1), (16, 64), (256, 1), (256, 64))
)
CONFIGS = SEED_CONFIGS + SWEEP_CONFIGS


@cache
def lists(config: Config) -> tuple[reference.Parameters, list[list[float]], list[list[float]]]:
    """Seeded parameters and a batch, as the reference takes them."""
    X, Y = random_data(config.arch, config.batch, seed=1)
    return reference.init_parameters(config.arch, seed=0), X, Y


def arrays(config: Config, dtype: Any) -> tuple[vectorized.Parameters, np.ndarray, np.ndarray]:
    """The same parameters and batch as arrays of ``dtype`` (fresh copies)."""
    p, X, Y = lists(config)
    return vectorized.to_arrays(p, dtype), np.array(X, dtype=dtype), np.array(Y, dtype=dtype)


@cache
def check_agreement(config: Config) -> bool:
    """Before anything is timed: the vectorized gradients (public API and the trainer's
    workspace, float64) equal the reference's within the rounding bound of backprop_verify/rounding.py."""
    p, X, Y = lists(config)
    bound = error_bound(config.arch, p, X, Y, "float64")
    want = reference.backward(config.arch, p, X, Y)
    pv, Xa, Ya = arrays(config, np.float64)
    api = vectorized.backward(config.arch, pv, Xa, Ya)
    ws = Workspace(config.arch, config.batch)
    ws.cost_and_gradients(pv, Xa, Ya)
    for name, got in (("vectorized", api.W), ("workspace", ws.dW)):
        assert_close(
            f"{config.name}: {name} dC/dW", [g.tolist() for g in got], want.W, bound.W, "float64"
        )
    return True


def floor(config: Config, dtype: Any) -> Callable[[], None]:
    """The floor of this configuration's step (backprop_cli.baselines.floor_step)."""
    pv, X, _ = arrays(config, dtype)
    return floor_step(config.arch, pv.W, X)


def sample_order(n: int, seed: int = 0) -> list[int]:
    """A fixed shuffled order of n samples."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order
