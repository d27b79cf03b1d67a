"""Buggy on purpose: a from-scratch classifier in the shape of the NumPy tutorials (weights
as (n_in, n_out) matrices in a list, tanh hidden layers, softmax, and cross-entropy as
log Σ e^z − y·z) whose softmax and log-sum-exp do not subtract max z before ``np.exp``:
past z ≈ 709, e^z is ∞ and ∞/∞ is NaN. Right wherever it is finite."""

from __future__ import annotations

from typing import Any

import numpy as np

import vectorized
from backprop_verify import Capabilities

CAPABILITIES = Capabilities(
    hidden=("tanh",),
    output=("softmax",),
    losses=("categorical_cross_entropy",),
    reductions=("mean",),
    biases=("on",),
    min_depth=1,
    max_depth=3,
    max_width=5,
    max_batch=5,
    weights="in_out",
)


def softmax(z: Any) -> Any:
    exp_z = np.exp(z)
    return exp_z / exp_z.sum(axis=1, keepdims=True)


def forward_layers(weights: list[Any], biases: list[Any], X: Any) -> tuple[list[Any], Any]:
    outs = [X]
    for k, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = outs[-1] @ w + b
        outs.append(softmax(z) if k == len(weights) - 1 else np.tanh(z))
    return outs, z


def cross_entropy(z: Any, Y: Any) -> float:
    log_sum = np.log(np.exp(z).sum(axis=1))
    return float((log_sum - (Y * z).sum(axis=1)).mean())


def forward(arch: Any, params: Any, X: Any) -> Any:
    return forward_layers(params.W, params.b, X)[0][-1]


def cost(arch: Any, params: Any, X: Any, Y: Any) -> float:
    return cross_entropy(forward_layers(params.W, params.b, X)[1], Y)


def backward(arch: Any, params: Any, X: Any, Y: Any) -> Any:
    outs, _ = forward_layers(params.W, params.b, X)
    grad = (outs[-1] - Y) / X.shape[0]
    dW: list[Any] = [None] * len(params.W)
    db: list[Any] = [None] * len(params.W)
    for k in range(len(params.W) - 1, -1, -1):
        dW[k] = outs[k].T @ grad
        db[k] = grad.sum(axis=0)
        if k > 0:
            grad = (grad @ params.W[k].T) * (1 - outs[k] ** 2)
    return vectorized.Gradients(dW, db, cost(arch, params, X, Y))
