"""A network whose layers are written out one by one, as in many tutorials: a sigmoid
hidden layer, then a ReLU hidden layer, then a sigmoid output with binary cross-entropy
over hard 0/1 labels, ``X @ W`` with W of shape (n_in, n_out). The pattern is the code's,
so it declares it by position. Correct."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_verify import Capabilities

CAPABILITIES = Capabilities(
    hidden=("sigmoid", "relu"),
    hidden_pattern=("sigmoid", "relu"),
    output=("sigmoid",),
    losses=("binary_cross_entropy",),
    reductions=("mean",),
    biases=("on",),
    min_depth=3,
    max_depth=3,
    output_width=1,
    max_width=5,
    max_batch=8,
    weights="in_out",
    targets="hard",
)


def sigmoid(z: Any) -> Any:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _forward(params: Any, X: Any) -> tuple[Any, ...]:
    (W1, W2, W3), (b1, b2, b3) = params.W, params.b
    z1 = X @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ W2 + b2
    a2 = np.maximum(z2, 0)
    z3 = a2 @ W3 + b3
    return a1, z2, a2, z3, sigmoid(z3)


def forward(arch: Any, params: Any, X: Any) -> Any:
    return _forward(params, X)[-1]


def cost(arch: Any, params: Any, X: Any, Y: Any) -> float:
    z3 = _forward(params, X)[3]
    # binary cross-entropy from the logit: never log(0)
    return float(
        np.mean(np.sum(np.maximum(z3, 0) - Y * z3 + np.log1p(np.exp(-np.abs(z3))), axis=1))
    )


def backward(arch: Any, params: Any, X: Any, Y: Any) -> Any:
    import vectorized

    _, W2, W3 = params.W
    a1, z2, a2, _, out = _forward(params, X)
    N = X.shape[0]
    d3 = (out - Y) / N
    d2 = (d3 @ W3.T) * (z2 > 0)
    d1 = (d2 @ W2.T) * a1 * (1 - a1)
    grads_W = [X.T @ d1, a1.T @ d2, a2.T @ d3]
    grads_b = [d1.sum(axis=0), d2.sum(axis=0), d3.sum(axis=0)]
    return vectorized.Gradients(grads_W, grads_b, cost(arch, params, X, Y))
