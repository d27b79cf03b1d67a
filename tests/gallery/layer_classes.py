"""A deep network written as one class per layer, each with ``forward`` and ``backward``
that cache their inputs, and one activation shared by every hidden layer, chosen when the
network is built (the shape of many tutorials). Sum of squares, summed over the batch.
Correct."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_verify import Capabilities

CAPABILITIES = Capabilities(
    hidden=("tanh", "sigmoid"),
    hidden_shared=True,
    output=("identity",),
    losses=("sum_of_squares",),
    reductions=("sum",),
    biases=("on",),
    min_depth=2,
    max_depth=4,
    min_hidden_width=2,
    max_hidden_width=5,
    output_width=1,
    max_width=6,
    max_batch=8,
)


class Dense:
    def __init__(self, W: Any, b: Any) -> None:
        self.W, self.b = W, b

    def forward(self, x: Any) -> Any:
        self.x = x
        return x @ self.W.T + self.b

    def backward(self, grad: Any) -> Any:
        self.dW = grad.T @ self.x
        self.db = grad.sum(axis=0)
        return grad @ self.W


class Tanh:
    def forward(self, z: Any) -> Any:
        self.out = np.tanh(z)
        return self.out

    def backward(self, grad: Any) -> Any:
        return grad * (1 - self.out**2)


class Sigmoid:
    def forward(self, z: Any) -> Any:
        self.out = np.where(
            z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z)))
        )
        return self.out

    def backward(self, grad: Any) -> Any:
        return grad * self.out * (1 - self.out)


class Network:
    def __init__(self, weights: list[Any], biases: list[Any], activation: str) -> None:
        act = {"tanh": Tanh, "sigmoid": Sigmoid}[activation]
        self.layers: list[Any] = []
        for k, (W, b) in enumerate(zip(weights, biases)):
            self.layers.append(Dense(W, b))
            if k < len(weights) - 1:
                self.layers.append(act())

    def forward(self, X: Any) -> Any:
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def backward(self, grad: Any) -> None:
        for layer in reversed(self.layers):
            grad = layer.backward(grad)


def _network(arch: Any, params: Any) -> Network:
    return Network(params.W, params.b, arch.activations[0])


def forward(arch: Any, params: Any, X: Any) -> Any:
    return _network(arch, params).forward(X)


def cost(arch: Any, params: Any, X: Any, Y: Any) -> float:
    return float(((_network(arch, params).forward(X) - Y) ** 2).sum())


def backward(arch: Any, params: Any, X: Any, Y: Any) -> Any:
    import vectorized

    net = _network(arch, params)
    out = net.forward(X)
    net.backward(2 * (out - Y))
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    return vectorized.Gradients(
        [d.dW for d in dense], [d.db for d in dense], float(((out - Y) ** 2).sum())
    )
