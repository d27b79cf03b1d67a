"""A network in pure Python lists, one sample at a time, in the shape of the "from scratch"
tutorials: weights as lists of rows, ``math.exp`` in the sigmoid, half squared error summed
over the batch. Its maths is right, but ``1 / (1 + math.exp(-z))`` raises OverflowError
once z is below about −709: numerically fragile, on every run, whatever the seed."""

from __future__ import annotations

import math
from typing import Any

from backprop_verify import Capabilities

CAPABILITIES = Capabilities(
    hidden=("sigmoid",),
    output=("sigmoid",),
    losses=("half_squared_error",),
    reductions=("sum",),
    biases=("on",),
    min_depth=2,
    max_depth=2,
    max_width=5,
    max_batch=6,
    dtypes=("float64",),
)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _layers(W: list[Any], b: list[Any], x: list[float]) -> list[list[float]]:
    activations = [x]
    for rows, biases in zip(W, b):
        a = activations[-1]
        activations.append(
            [sigmoid(sum(w * v for w, v in zip(row, a)) + bias) for row, bias in zip(rows, biases)]
        )
    return activations


def _lists(params: Any) -> tuple[list[Any], list[Any]]:
    return [w.tolist() for w in params.W], [v.tolist() for v in params.b]


def forward(arch: Any, params: Any, X: Any) -> Any:
    W, b = _lists(params)
    return [_layers(W, b, x)[-1] for x in X.tolist()]


def cost(arch: Any, params: Any, X: Any, Y: Any) -> float:
    W, b = _lists(params)
    total = 0.0
    for x, y in zip(X.tolist(), Y.tolist()):
        out = _layers(W, b, x)[-1]
        total += 0.5 * sum((o - t) ** 2 for o, t in zip(out, y))
    return total


def backward(arch: Any, params: Any, X: Any, Y: Any) -> Any:
    import numpy as np

    import vectorized

    W, b = _lists(params)
    dW = [[[0.0] * len(row) for row in rows] for rows in W]
    db = [[0.0] * len(v) for v in b]
    for x, y in zip(X.tolist(), Y.tolist()):
        acts = _layers(W, b, x)
        delta = [(o - t) * o * (1 - o) for o, t in zip(acts[-1], y)]
        for layer in range(len(W) - 1, -1, -1):
            for j, d in enumerate(delta):
                db[layer][j] += d
                for i, a in enumerate(acts[layer]):
                    dW[layer][j][i] += d * a
            if layer > 0:
                a = acts[layer]
                delta = [
                    sum(W[layer][j][i] * delta[j] for j in range(len(delta))) * a[i] * (1 - a[i])
                    for i in range(len(a))
                ]
    return vectorized.Gradients(
        [np.array(g) for g in dW], [np.array(g) for g in db], cost(arch, params, X, Y)
    )
