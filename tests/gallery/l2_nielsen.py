"""A network in the shape of M. Nielsen's ``network2.py`` (written anew here): a class with
per-sample column vectors, sigmoid layers, the quadratic cost averaged over the mini-batch
and L2 regularization written his way, (λ/2n)·Σw² with n the training set's size, folded
into ``update_mini_batch`` as weight decay (1 − ηλ/n)·w. Correct.

The checker's λ (``arch.l2``) is this code's ``lmbda / n``; the checked batch stands for
the training set, so n is its size and lmbda = n·λ (reference.regularization)."""

from __future__ import annotations

from typing import Any

import numpy as np

import vectorized
from backprop_verify import Capabilities
from reference.regularization import CONVENTIONS

CAPABILITIES = Capabilities(
    hidden=("sigmoid",),
    output=("sigmoid",),
    losses=("half_squared_error",),
    reductions=("mean",),
    biases=("on",),
    min_depth=2,
    max_depth=3,
    max_width=6,
    max_batch=6,
    dtypes=("float64",),
    l2=True,
)


def sigmoid(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z: Any) -> Any:
    return sigmoid(z) * (1 - sigmoid(z))


class Network:
    def __init__(self, weights: list[Any], biases: list[Any]) -> None:
        self.weights = [w.copy() for w in weights]
        self.biases = [b.reshape(-1, 1).copy() for b in biases]

    def feedforward(self, a: Any) -> Any:
        for b, w in zip(self.biases, self.weights, strict=True):
            a = sigmoid(np.dot(w, a) + b)
        return a

    def total_cost(self, data: list[tuple[Any, Any]], lmbda: float) -> float:
        cost = 0.0
        for x, y in data:
            a = self.feedforward(x)
            cost += 0.5 * np.linalg.norm(a - y) ** 2 / len(data)
        cost += 0.5 * (lmbda / len(data)) * sum(np.linalg.norm(w) ** 2 for w in self.weights)
        return float(cost)

    def gradient(self, mini_batch: list[tuple[Any, Any]], lmbda: float, n: int) -> Any:
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b, strict=True)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w, strict=True)]
        m = len(mini_batch)
        grad_w = [(lmbda / n) * w + nw / m for w, nw in zip(self.weights, nabla_w, strict=True)]
        return grad_w, [nb / m for nb in nabla_b]

    def update_mini_batch(
        self, mini_batch: list[tuple[Any, Any]], eta: float, lmbda: float, n: int
    ) -> None:
        grad_w, grad_b = self.gradient(mini_batch, lmbda, n)
        self.weights = [w - eta * gw for w, gw in zip(self.weights, grad_w, strict=True)]
        self.biases = [b - eta * gb for b, gb in zip(self.biases, grad_b, strict=True)]

    def backprop(self, x: Any, y: Any) -> tuple[list[Any], list[Any]]:
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation, activations, zs = x, [x], []
        for b, w in zip(self.biases, self.weights, strict=True):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = (activations[-1] - y) * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for layer in range(2, len(self.weights) + 1):
            delta = np.dot(self.weights[-layer + 1].transpose(), delta) * sigmoid_prime(zs[-layer])
            nabla_b[-layer] = delta
            nabla_w[-layer] = np.dot(delta, activations[-layer - 1].transpose())
        return nabla_b, nabla_w


def _data(X: Any, Y: Any) -> list[tuple[Any, Any]]:
    return [(x.reshape(-1, 1), y.reshape(-1, 1)) for x, y in zip(X, Y, strict=True)]


def _lmbda(arch: Any, n: int) -> float:
    return CONVENTIONS["nielsen"].from_lambda(arch.l2, n)


def forward(arch: Any, params: Any, X: Any) -> Any:
    net = Network(params.W, params.b)
    return np.stack([net.feedforward(x.reshape(-1, 1)).ravel() for x in X])


def cost(arch: Any, params: Any, X: Any, Y: Any) -> float:
    return Network(params.W, params.b).total_cost(_data(X, Y), _lmbda(arch, len(X)))


def backward(arch: Any, params: Any, X: Any, Y: Any) -> Any:
    net, data = Network(params.W, params.b), _data(X, Y)
    grad_w, grad_b = net.gradient(data, _lmbda(arch, len(X)), len(X))
    return vectorized.Gradients(grad_w, [g.ravel() for g in grad_b], cost(arch, params, X, Y))


def sgd_step(arch: Any, params: Any, X: Any, Y: Any, learning_rate: float) -> Any:
    net = Network(params.W, params.b)
    net.update_mini_batch(_data(X, Y), learning_rate, _lmbda(arch, len(X)), len(X))
    return vectorized.Parameters(net.weights, [b.ravel() for b in net.biases])
