"""A batch network in the other textbook shape: rows, ``X @ W`` with W of shape
(n_in, n_out), ReLU hidden layers, a softmax output with cross-entropy averaged over the
batch, and an in-place update. ``build(bug)`` plants one mistake."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_verify import Capabilities, shapes

CAPABILITIES = Capabilities(
    hidden=("relu",),
    output=("softmax",),
    losses=("categorical_cross_entropy",),
    reductions=("mean",),
    biases=("on",),
    min_depth=2,
    max_depth=3,
    max_width=6,
    max_batch=6,
    weights="in_out",
)


def softmax(z: Any) -> Any:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def build(bug: str = "") -> shapes.Checked:
    """The four functions the checker calls, with ``bug`` planted (none by default)."""

    def layers(W: list[Any], b: list[Any], X: Any) -> tuple[list[Any], list[Any]]:
        A, Z = [X], []
        for k, (w, v) in enumerate(zip(W, b, strict=True)):
            z = A[-1] @ w + v
            Z.append(z)
            A.append(softmax(z) if k == len(W) - 1 else np.maximum(z, 0.0))
        return Z, A

    def forward(arch: Any, W: list[Any], b: list[Any], X: Any) -> Any:
        return layers(W, b, X)[1][-1]

    def cost(arch: Any, W: list[Any], b: list[Any], X: Any, Y: Any) -> float:
        if bug == "log_of_probability":  # the textbook formula, from the probabilities
            return float(-(Y * np.log(layers(W, b, X)[1][-1])).sum() / X.shape[0])
        Z = layers(W, b, X)[0][-1]
        m = Z.max(axis=1, keepdims=True)
        log_p = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
        total = float(-(Y * log_p).sum())
        return total if bug == "cost_summed" else total / X.shape[0]

    def relu_prime(z: Any) -> Any:
        return (z >= 0).astype(z.dtype) if bug == "relu_prime_at_zero" else (z > 0).astype(z.dtype)

    def output_delta(A: Any, Y: Any) -> Any:
        if bug == "softmax_diagonal":
            return (-Y / A) * A * (1.0 - A)
        return A - Y

    def gradients(arch: Any, W: list[Any], b: list[Any], X: Any, Y: Any) -> Any:
        Z, A = layers(W, b, X)
        N = 1 if bug == "sum_not_mean" else X.shape[0]
        delta = output_delta(A[-1], Y) / N
        dW, db = [None] * len(W), [None] * len(W)
        for k in range(len(W) - 1, -1, -1):
            dW[k] = delta.T @ A[k] if bug == "transpose" else A[k].T @ delta
            db[k] = delta.sum(axis=1) if bug == "bias_wrong_axis" else delta.sum(axis=0)
            if k > 0:
                back = delta @ W[k] if bug == "bp2_untransposed" else delta @ W[k].T
                delta = back * relu_prime(Z[k - 1])
        return dW, db

    def update(arch: Any, W: list[Any], b: list[Any], X: Any, Y: Any, eta: float) -> None:
        if bug != "stale_weights":
            dW, db = gradients(arch, W, b, X, Y)
            for k in range(len(W)):
                W[k] -= eta * dW[k]
                b[k] -= eta * db[k]
            return
        Z, A = layers(W, b, X)
        delta = (A[-1] - Y) / X.shape[0]
        for k in range(len(W) - 1, -1, -1):
            W[k] -= eta * (A[k].T @ delta)
            b[k] -= eta * delta.sum(axis=0)
            if k > 0:
                delta = (delta @ W[k].T) * relu_prime(Z[k - 1])  # W[k] already updated

    return shapes.row_batches(forward, gradients, cost, update)


forward, cost, backward, sgd_step = build()
