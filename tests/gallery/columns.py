"""A per-sample network in the textbook shape: column vectors, a list of (weights, biases),
sigmoid on every layer, half squared error averaged over the batch (the shape of
M. Nielsen's ``network.py``, written anew here). ``build(bug)`` plants one mistake."""

from __future__ import annotations

from typing import Any

import numpy as np

from backprop_verify import Capabilities, shapes

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
)


def sigmoid(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z: Any) -> Any:
    return sigmoid(z) * (1.0 - sigmoid(z))


def build(bug: str = "") -> shapes.Checked:
    """The four functions the checker calls, with ``bug`` planted (none by default)."""

    def feedforward(arch: Any, weights: list[Any], biases: list[Any], a: Any) -> Any:
        for w, b in zip(weights, biases, strict=True):
            a = sigmoid(w @ a + b)
        return a

    def loss(arch: Any, a: Any, y: Any) -> float:
        squares = float(np.sum((a - y) ** 2))
        return squares if bug == "cost_sum_grad_mean" else 0.5 * squares

    def backprop(arch: Any, weights: list[Any], biases: list[Any], x: Any, y: Any) -> Any:
        activation, activations, zs = x, [x], []
        for w, b in zip(weights, biases, strict=True):
            z = w @ activation + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        nabla_w = [np.zeros_like(w) for w in weights]
        nabla_b = [np.zeros_like(b) for b in biases]
        error = activations[-1] - y
        if bug == "cost_sum_grad_mean":
            error = error / y.shape[0]  # "averaged over the outputs", unlike the cost
        if bug == "output_delta_hidden_z":
            delta = error * sigmoid_prime(zs[-2])
        elif bug == "prime_of_a":
            delta = error * sigmoid_prime(activations[-1])
        else:
            delta = error * sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = delta @ activations[-2].T
        for layer in range(2, len(weights) + 1):
            z = zs[-layer]
            sp = sigmoid_prime(activations[-layer]) if bug == "prime_of_a" else sigmoid_prime(z)
            delta = weights[-layer + 1].T @ delta
            if bug != "bp2_no_prime":
                delta = delta * sp
            nabla_b[-layer] = delta
            nabla_w[-layer] = delta @ activations[-layer - 1].T
        return nabla_w, nabla_b

    return shapes.column_vectors(feedforward, backprop, loss)


forward, cost, backward, sgd_step = build()
