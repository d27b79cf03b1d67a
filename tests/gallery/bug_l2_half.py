"""Buggy on purpose: a ``TwoLayerNet`` class in the shape of the CS231n assignment (its
``params`` dictionary, integer labels, ``loss(X, y, reg)`` returning the loss and the
gradients) whose cost adds reg·Σ W² but whose gradient adds reg·W: the derivative of reg·W²
is 2·reg·W, and the 2 is forgotten."""

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
    max_width=5,
    max_batch=5,
    weights="in_out",
    targets="labels",
    l2=True,
)


class TwoLayerNet:
    def __init__(self, W1: Any, b1: Any, W2: Any, b2: Any) -> None:
        self.params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}

    def scores(self, X: Any) -> Any:
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        self.hidden = np.maximum(0, X.dot(W1) + b1)
        return self.hidden.dot(W2) + b2

    def loss(self, X: Any, y: Any, reg: float) -> tuple[float, dict[str, Any]]:
        scores = self.scores(X)
        N = X.shape[0]
        scores = scores - np.max(scores, axis=1, keepdims=True)
        log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
        probs = np.exp(log_probs)
        W1, W2 = self.params["W1"], self.params["W2"]
        loss = -np.sum(log_probs[np.arange(N), y]) / N
        loss += reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dscores = probs
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {}
        grads["W2"] = self.hidden.T.dot(dscores) + reg * W2
        grads["b2"] = np.sum(dscores, axis=0)
        dhidden = dscores.dot(W2.T)
        dhidden[self.hidden <= 0] = 0
        grads["W1"] = X.T.dot(dhidden) + reg * W1
        grads["b1"] = np.sum(dhidden, axis=0)
        return loss, grads


def _net(params: Any) -> TwoLayerNet:
    return TwoLayerNet(params.W[0], params.b[0], params.W[1], params.b[1])


def _reg(arch: Any) -> float:
    return CONVENTIONS["cs231n"].from_lambda(arch.l2)


def forward(arch: Any, params: Any, X: Any) -> Any:
    scores = _net(params).scores(X)
    e = np.exp(scores - np.max(scores, axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cost(arch: Any, params: Any, X: Any, y: Any) -> float:
    return float(_net(params).loss(X, y, _reg(arch))[0])


def backward(arch: Any, params: Any, X: Any, y: Any) -> Any:
    loss, grads = _net(params).loss(X, y, _reg(arch))
    return vectorized.Gradients([grads["W1"], grads["W2"]], [grads["b1"], grads["b2"]], loss)
