"""A deep regressor in the shape of scikit-learn's ``MLPRegressor`` internals (written anew
here): ``coefs_`` of shape (n_in, n_out) and ``intercepts_``, one activation shared by every
hidden layer, an identity output with the squared loss ``((y - p)**2).mean() / 2``, and the
L2 penalty ``alpha`` added as (alpha/2)·Σ‖W‖²/n_samples, with ``alpha·W/n_samples`` in
each weight gradient. Correct.

``.mean()`` runs over every entry, so with more than one output it would be a mean over
the outputs too: the code declares its single output. The checker's λ is ``alpha /
n_samples`` (reference.regularization, the "sklearn" convention)."""

from __future__ import annotations

from typing import Any

import numpy as np

import vectorized
from backprop_verify import Capabilities
from reference.regularization import CONVENTIONS

CAPABILITIES = Capabilities(
    hidden=("tanh", "sigmoid", "relu"),
    hidden_shared=True,
    output=("identity",),
    losses=("half_squared_error",),
    reductions=("mean",),
    biases=("on",),
    min_depth=1,
    max_depth=4,
    max_width=6,
    max_batch=6,
    weights="in_out",
    output_width=1,
    l2=True,
)

ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "relu": lambda x: np.maximum(x, 0),
}


def _tanh_derivative(Z: Any, delta: Any) -> None:
    delta *= 1 - Z**2


def _logistic_derivative(Z: Any, delta: Any) -> None:
    delta *= Z * (1 - Z)


def _relu_derivative(Z: Any, delta: Any) -> None:
    delta[Z == 0] = 0


DERIVATIVES = {"tanh": _tanh_derivative, "sigmoid": _logistic_derivative, "relu": _relu_derivative}


class Regressor:
    def __init__(self, coefs: list[Any], intercepts: list[Any], activation: str, alpha: float):
        self.coefs_, self.intercepts_ = coefs, intercepts
        self.activation, self.alpha = activation, alpha
        self.n_layers_ = len(coefs) + 1

    def _forward_pass(self, activations: list[Any]) -> list[Any]:
        hidden = ACTIVATIONS[self.activation]
        for i in range(self.n_layers_ - 1):
            activations[i + 1] = activations[i] @ self.coefs_[i] + self.intercepts_[i]
            if i + 1 != self.n_layers_ - 1:
                activations[i + 1] = hidden(activations[i + 1])
        return activations

    def predict(self, X: Any) -> Any:
        return self._forward_pass([X] + [None] * (self.n_layers_ - 1))[-1]

    def _backprop(self, X: Any, y: Any) -> tuple[float, list[Any], list[Any]]:
        n_samples = X.shape[0]
        activations = self._forward_pass([X] + [None] * (self.n_layers_ - 1))
        loss = ((y - activations[-1]) ** 2).mean() / 2
        values = sum(np.dot(s.ravel(), s.ravel()) for s in self.coefs_)
        loss += (0.5 * self.alpha) * values / n_samples
        last = self.n_layers_ - 2
        deltas: list[Any] = [None] * (self.n_layers_ - 1)
        coef_grads: list[Any] = [None] * last + [None]
        intercept_grads: list[Any] = [None] * last + [None]
        deltas[last] = activations[-1] - y
        coef_grads[last] = (
            activations[last].T @ deltas[last] + self.alpha * self.coefs_[last]
        ) / n_samples
        intercept_grads[last] = deltas[last].mean(axis=0)
        for i in range(self.n_layers_ - 2, 0, -1):
            deltas[i - 1] = deltas[i] @ self.coefs_[i].T
            DERIVATIVES[self.activation](activations[i], deltas[i - 1])
            coef_grads[i - 1] = (
                activations[i - 1].T @ deltas[i - 1] + self.alpha * self.coefs_[i - 1]
            ) / n_samples
            intercept_grads[i - 1] = deltas[i - 1].mean(axis=0)
        return float(loss), coef_grads, intercept_grads


def _model(arch: Any, params: Any, n_samples: int) -> Regressor:
    alpha = CONVENTIONS["sklearn"].from_lambda(arch.l2, n_samples)
    hidden = arch.activations[0] if arch.L > 1 else "tanh"
    return Regressor(list(params.W), list(params.b), hidden, alpha)


def forward(arch: Any, params: Any, X: Any) -> Any:
    return _model(arch, params, len(X)).predict(X)


def cost(arch: Any, params: Any, X: Any, Y: Any) -> float:
    return _model(arch, params, len(X))._backprop(X, Y)[0]


def backward(arch: Any, params: Any, X: Any, Y: Any) -> Any:
    loss, coef_grads, intercept_grads = _model(arch, params, len(X))._backprop(X, Y)
    return vectorized.Gradients(coef_grads, intercept_grads, loss)
