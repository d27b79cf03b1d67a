"""A two-layer classifier in the shape of the CS231n assignments: parameters in a dictionary
(W1 of shape (D, H), b1, W2, b2), ``loss(X, y)`` with *integer* class labels, returning the
mean softmax cross-entropy and a dictionary of gradients. Correct.

The checker hands this module integer labels of shape (N,), because it declares
``targets="labels"``; the four functions below only translate the parameter lists."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_verify import Capabilities

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
)


class TwoLayerNet:
    """affine - relu - affine - softmax, as in the published assignment."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.params = params

    def loss(self, X: Any, y: Any = None) -> Any:
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        N = X.shape[0]
        hidden = np.maximum(0, X.dot(W1) + b1)
        scores = hidden.dot(W2) + b2
        if y is None:
            return scores
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        probs = np.exp(log_probs)
        loss = -log_probs[np.arange(N), y].sum() / N
        dscores = probs.copy()
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {"W2": hidden.T.dot(dscores), "b2": dscores.sum(axis=0)}
        dhidden = dscores.dot(W2.T)
        dhidden[hidden <= 0] = 0
        grads["W1"] = X.T.dot(dhidden)
        grads["b1"] = dhidden.sum(axis=0)
        return loss, grads


def _net(params: Any) -> TwoLayerNet:
    return TwoLayerNet({"W1": params.W[0], "b1": params.b[0], "W2": params.W[1], "b2": params.b[1]})


def _softmax(scores: Any) -> Any:
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(arch: Any, params: Any, X: Any) -> Any:
    return _softmax(_net(params).loss(X))


def cost(arch: Any, params: Any, X: Any, y: Any) -> float:
    return float(_net(params).loss(X, y)[0])


def backward(arch: Any, params: Any, X: Any, y: Any) -> Any:
    import vectorized

    loss, grads = _net(params).loss(X, y)
    return vectorized.Gradients([grads["W1"], grads["W2"]], [grads["b1"], grads["b2"]], loss)
