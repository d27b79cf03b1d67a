"""A network class whose only gradient is its training step, in the shape of the XOR
tutorials: ``train`` computes ``d_weights`` (minus the gradient of the sum of squares) and
adds it to the weights in place, ``self.weights2 += lr * d_weights2``. Correct.

Wrapped with ``shapes.in_place``: the checker reads the gradient from what ``train``
adds, with the learning rate 1, exactly."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_verify import Capabilities, shapes

CAPABILITIES = Capabilities(
    hidden=("sigmoid",),
    output=("sigmoid",),
    losses=("sum_of_squares",),
    reductions=("sum",),
    biases=("on", "off"),
    min_depth=2,
    max_depth=2,
    max_width=6,
    max_batch=8,
    weights="in_out",
)


def sigmoid(x: Any) -> Any:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(s: Any) -> Any:
    return s * (1 - s)


class NeuralNetwork:
    def __init__(self, weights: list[Any], biases: list[Any]) -> None:
        self.weights1, self.weights2 = weights
        self.bias1, self.bias2 = biases

    def feedforward(self, X: Any) -> Any:
        self.layer1 = sigmoid(X @ self.weights1 + self.bias1)
        self.output = sigmoid(self.layer1 @ self.weights2 + self.bias2)
        return self.output

    def train(self, X: Any, y: Any, lr: float) -> None:
        self.feedforward(X)
        d2 = 2 * (y - self.output) * sigmoid_derivative(self.output)
        d1 = (d2 @ self.weights2.T) * sigmoid_derivative(self.layer1)
        d_weights2 = self.layer1.T @ d2
        d_weights1 = X.T @ d1
        self.weights2 += lr * d_weights2
        self.weights1 += lr * d_weights1
        self.bias2 += lr * d2.sum(axis=0)
        self.bias1 += lr * d1.sum(axis=0)


def _forward(arch: Any, W: list[Any], b: list[Any], X: Any) -> Any:
    return NeuralNetwork(W, b).feedforward(X)


def _cost(arch: Any, W: list[Any], b: list[Any], X: Any, Y: Any) -> float:
    return float(((Y - NeuralNetwork(W, b).feedforward(X)) ** 2).sum())


def _update(arch: Any, W: list[Any], b: list[Any], X: Any, Y: Any, lr: float) -> None:
    net = NeuralNetwork(W, b)
    if arch.bias == "off":
        net.bias1, net.bias2 = np.zeros_like(b[0]), np.zeros_like(b[1])
    net.train(X, Y, lr)


forward, cost, backward, sgd_step = shapes.in_place(_forward, _cost, _update)
