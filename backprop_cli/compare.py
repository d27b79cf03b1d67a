"""Run both implementations on a set of networks and report their largest differences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import reference
from backprop_data.examples import random_data
from vectorized.arrays import to_arrays
from vectorized.network import backward, forward

# (architecture, batch size): the seed networks and a few others, every loss once.
NETWORKS = (
    (
        reference.Architecture(
            (2, 2, 2), ("sigmoid", "sigmoid"), "half_squared_error", "sum", "frozen"
        ),
        1,
    ),
    (reference.Architecture((3, 4, 1), ("sigmoid", "sigmoid"), "sum_of_squares", "sum", "off"), 4),
    (
        reference.Architecture(
            (4, 5, 5, 2), ("relu", "relu", "sigmoid"), "half_squared_error", "sum"
        ),
        8,
    ),
    (
        reference.Architecture(
            (9, 6, 6, 1), ("relu", "relu", "sigmoid"), "binary_cross_entropy", "mean", "off"
        ),
        32,
    ),
    (
        reference.Architecture((5, 8, 4), ("tanh", "softmax"), "categorical_cross_entropy", "mean"),
        16,
    ),
    (
        reference.Architecture(
            (6, 3, 3, 3, 2), ("identity", "tanh", "relu", "identity"), "sum_of_squares", "mean"
        ),
        5,
    ),
    (
        reference.Architecture((784, 40, 10), ("sigmoid", "sigmoid"), "half_squared_error", "mean"),
        4,
    ),
)


@dataclass
class Difference:
    """Largest |reference − vectorized| over outputs, cost, ∂C/∂W and ∂C/∂b."""

    arch: reference.Architecture
    batch: int
    outputs: float
    cost: float
    W: float
    b: float


def _largest(a: object, b: object) -> float:
    return float(
        np.max(
            np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)), initial=0.0
        )
    )


def compare(arch: reference.Architecture, N: int, seed: int = 0) -> Difference:
    """Both implementations on one network, one batch, float64."""
    params = reference.init_parameters(arch, seed)
    X, Y = random_data(arch, N, seed)
    g_ref = reference.backward(arch, params, X, Y)
    pv = to_arrays(params)
    g_vec = backward(arch, pv, X, Y)
    out = _largest(reference.forward(arch, params, X), forward(arch, pv, X))
    return Difference(
        arch,
        N,
        out,
        abs(g_ref.cost - g_vec.cost),
        max(_largest(w, v) for w, v in zip(g_ref.W, g_vec.W, strict=True)),
        max(_largest(w, v) for w, v in zip(g_ref.b, g_vec.b, strict=True)),
    )


def table(rows: list[Difference]) -> str:
    """The differences as a fixed-width text table."""
    lines = [f"{'network':<70} {'N':>3} {'outputs':>9} {'cost':>9} {'dC/dW':>9} {'dC/db':>9}"]
    for r in rows:
        lines.append(
            f"{r.arch.describe():<70} {r.batch:>3} "
            f"{r.outputs:>9.1e} {r.cost:>9.1e} {r.W:>9.1e} {r.b:>9.1e}"
        )
    return "\n".join(lines)
