"""Buggy on purpose: a per-sample trainer (1-D NumPy vectors, a tanh hidden layer, a linear
output, the sum of squared errors halved) that adds the L2 term inside its loop over the
samples, so that the batch's cost holds (λ/2)·Σ‖W‖² N times and its gradient N·λ·W."""

from __future__ import annotations

from typing import Any

import numpy as np

import vectorized
from backprop_verify import Capabilities

CAPABILITIES = Capabilities(
    hidden=("tanh",),
    output=("identity",),
    losses=("half_squared_error",),
    reductions=("sum",),
    biases=("on",),
    min_depth=2,
    max_depth=2,
    max_width=5,
    max_batch=5,
    l2=True,
)


def predict(W1: Any, b1: Any, W2: Any, b2: Any, x: Any) -> tuple[Any, Any]:
    h = np.tanh(W1 @ x + b1)
    return h, W2 @ h + b2


def loss_and_grads(params: Any, X: Any, T: Any, lam: float) -> tuple[float, list[Any], list[Any]]:
    W1, W2 = params.W
    b1, b2 = params.b
    loss = 0.0
    dW1, dW2 = np.zeros_like(W1), np.zeros_like(W2)
    db1, db2 = np.zeros_like(b1), np.zeros_like(b2)
    for x, t in zip(X, T, strict=True):
        h, y = predict(W1, b1, W2, b2, x)
        loss += 0.5 * np.sum((y - t) ** 2) + 0.5 * lam * (np.sum(W1**2) + np.sum(W2**2))
        e = y - t
        dW2 += np.outer(e, h) + lam * W2
        db2 += e
        dh = (W2.T @ e) * (1 - h**2)
        dW1 += np.outer(dh, x) + lam * W1
        db1 += dh
    return float(loss), [dW1, dW2], [db1, db2]


def forward(arch: Any, params: Any, X: Any) -> Any:
    W1, W2 = params.W
    b1, b2 = params.b
    return np.stack([predict(W1, b1, W2, b2, x)[1] for x in X])


def cost(arch: Any, params: Any, X: Any, Y: Any) -> float:
    return loss_and_grads(params, X, Y, arch.l2)[0]


def backward(arch: Any, params: Any, X: Any, Y: Any) -> Any:
    loss, dW, db = loss_and_grads(params, X, Y, arch.l2)
    return vectorized.Gradients(dW, db, loss)
