"""Buggy on purpose: a two-layer classifier in the shape of the CS231n assignments (a
parameter dictionary, integer labels, mean softmax cross-entropy) whose L2 term loops over
every parameter, 0.5·reg·Σ p² for W1, b1, W2 and b2 alike, so the biases are regularized."""

from __future__ import annotations

from typing import Any

import numpy as np

import vectorized
from backprop_verify import Capabilities
from reference.regularization import CONVENTIONS

CAPABILITIES = Capabilities(
    hidden=("relu",),
    output=("softmax",),
    losses=("categorical_cross_entropy",),
    reductions=("mean",),
    biases=("on",),
    min_depth=2,
    max_depth=2,
    max_width=6,
    max_batch=6,
    weights="in_out",
    targets="labels",
    l2=True,
)


def two_layer_loss(params: dict[str, Any], X: Any, y: Any = None, reg: float = 0.0) -> Any:
    hidden = np.maximum(0, X @ params["W1"] + params["b1"])
    scores = hidden @ params["W2"] + params["b2"]
    if y is None:
        return scores
    N = X.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    dscores /= N
    grads = {"W2": hidden.T @ dscores, "b2": dscores.sum(axis=0)}
    dhidden = dscores @ params["W2"].T
    dhidden[hidden <= 0] = 0
    grads["W1"] = X.T @ dhidden
    grads["b1"] = dhidden.sum(axis=0)
    for name, p in params.items():
        loss += 0.5 * reg * np.sum(p * p)
        grads[name] += reg * p
    return loss, grads


def _params(params: Any) -> dict[str, Any]:
    return {"W1": params.W[0], "b1": params.b[0], "W2": params.W[1], "b2": params.b[1]}


def _reg(arch: Any) -> float:
    return CONVENTIONS["cs231n_half"].from_lambda(arch.l2)


def forward(arch: Any, params: Any, X: Any) -> Any:
    scores = two_layer_loss(_params(params), X)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cost(arch: Any, params: Any, X: Any, y: Any) -> float:
    return float(two_layer_loss(_params(params), X, y, _reg(arch))[0])


def backward(arch: Any, params: Any, X: Any, y: Any) -> Any:
    loss, grads = two_layer_loss(_params(params), X, y, _reg(arch))
    return vectorized.Gradients([grads["W1"], grads["W2"]], [grads["b1"], grads["b2"]], loss)
