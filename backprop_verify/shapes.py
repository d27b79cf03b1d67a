"""Wrap a backprop written the textbook ways in the four functions the checker calls.

The checker calls ``forward(arch, params, X)``, ``cost(arch, params, X, Y)``,
``backward(arch, params, X, Y)`` and ``sgd_step(arch, params, X, Y, learning_rate)`` with
``params.W``, ``params.b`` as lists of arrays, one per layer. Published code is rarely
shaped like that; each helper here takes the functions as you wrote them and returns
those four:

* ``column_vectors``: one sample at a time as a column (n, 1), weights (n_l, n_{l-1}),
  biases (n_l, 1), a per-sample gradient (the shape of M. Nielsen's ``network.py``);
* ``row_batches``: a batch as rows, ``X @ W`` with W of shape (n_{l-1}, n_l), biases of
  shape (n_l,), the batch's gradient at once (declare ``weights="in_out"``).

Either takes ``update`` for code that changes its weights in place (``W -= η·dW`` or
``W += ∂`` written as gradient descent); the helper hands it copies. Your functions
receive the network's architecture too, as their first argument, so that they can read
its sizes; most ignore it. Biases your code does not have are zeros; frozen biases still
report their true gradient; nothing may change the arrays it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

import reference
import vectorized

Arrays = list[Any]


class Checked(NamedTuple):
    """The four functions the checker calls."""

    forward: Callable[..., Any]
    cost: Callable[..., float]
    backward: Callable[..., vectorized.Gradients]
    sgd_step: Callable[..., vectorized.Parameters]


def _reduce(arch: reference.Architecture, total: Any, N: int) -> Any:
    return total / N if arch.reduction == "mean" else total


def _descend(
    arch: reference.Architecture,
    params: vectorized.Parameters,
    grads: vectorized.Gradients,
    learning_rate: float,
) -> vectorized.Parameters:
    W = [w - learning_rate * g for w, g in zip(params.W, grads.W, strict=True)]
    b = (
        [v - learning_rate * g for v, g in zip(params.b, grads.b, strict=True)]
        if arch.bias == "on"
        else [v.copy() for v in params.b]
    )
    return vectorized.Parameters(W, b)


def column_vectors(
    feedforward: Callable[[reference.Architecture, Arrays, Arrays, Any], Any],
    backprop: Callable[[reference.Architecture, Arrays, Arrays, Any, Any], tuple[Arrays, Arrays]],
    loss: Callable[[reference.Architecture, Any, Any], float],
    update: Callable[[reference.Architecture, Arrays, Arrays, Any, Any, float], None] | None = None,
) -> Checked:
    """From per-sample code on column vectors.

    ``feedforward(arch, weights, biases, x)`` → the output column for one sample x of shape
    (n_0, 1); ``backprop(arch, weights, biases, x, y)`` → (∂ℓ/∂W list, ∂ℓ/∂b list of
    columns) for that sample's loss; ``loss(arch, a, y)`` → ℓ of the output column a.
    The batch's cost and gradient are the sum or mean of the samples'. ``update(arch,
    weights, biases, X, Y, η)``, if given, performs your own step in place (X, Y as lists
    of columns).
    """

    def columns(params: vectorized.Parameters) -> tuple[Arrays, Arrays]:
        return [w.copy() for w in params.W], [v.reshape(-1, 1).copy() for v in params.b]

    def samples(X: Any) -> list[Any]:
        return [np.asarray(x).reshape(-1, 1) for x in np.asarray(X)]

    def forward(arch: reference.Architecture, params: vectorized.Parameters, X: Any) -> Any:
        W, b = columns(params)
        return np.stack([np.ravel(feedforward(arch, W, b, x)) for x in samples(X)])

    def cost(arch: reference.Architecture, params: vectorized.Parameters, X: Any, Y: Any) -> float:
        W, b = columns(params)
        pairs = zip(samples(X), samples(Y), strict=True)
        total = sum(float(loss(arch, feedforward(arch, W, b, x), y)) for x, y in pairs)
        return float(_reduce(arch, total, len(X)))

    def backward(
        arch: reference.Architecture, params: vectorized.Parameters, X: Any, Y: Any
    ) -> vectorized.Gradients:
        W, b = columns(params)
        dW = [np.zeros_like(w) for w in W]
        db = [np.zeros_like(v) for v in b]
        for x, y in zip(samples(X), samples(Y), strict=True):
            gW, gb = backprop(arch, W, b, x, y)
            dW = [s + g for s, g in zip(dW, gW, strict=True)]
            db = [s + g for s, g in zip(db, gb, strict=True)]
        N = len(X)
        grads_b = [np.ravel(_reduce(arch, g, N)) for g in db]
        if arch.bias == "off":
            grads_b = [np.zeros_like(g) for g in grads_b]
        return vectorized.Gradients(
            [_reduce(arch, g, N) for g in dW], grads_b, cost(arch, params, X, Y)
        )

    def sgd_step(
        arch: reference.Architecture,
        params: vectorized.Parameters,
        X: Any,
        Y: Any,
        learning_rate: float,
    ) -> vectorized.Parameters:
        if update is None:
            return _descend(arch, params, backward(arch, params, X, Y), learning_rate)
        W, b = columns(params)
        update(arch, W, b, samples(X), samples(Y), learning_rate)
        return vectorized.Parameters(W, [np.ravel(v) for v in b])

    return Checked(forward, cost, backward, sgd_step)


def row_batches(
    forward_rows: Callable[[reference.Architecture, Arrays, Arrays, Any], Any],
    gradients: Callable[[reference.Architecture, Arrays, Arrays, Any, Any], tuple[Arrays, Arrays]],
    cost_rows: Callable[[reference.Architecture, Arrays, Arrays, Any, Any], float],
    update: Callable[[reference.Architecture, Arrays, Arrays, Any, Any, float], None] | None = None,
) -> Checked:
    """From batch code on rows with ``X @ W`` (W of shape (n_{l-1}, n_l)).

    ``forward_rows(arch, W, b, X)`` → outputs (N, n_L); ``gradients(arch, W, b, X, Y)`` →
    (∂C/∂W list, ∂C/∂b list) of the batch cost; ``cost_rows(arch, W, b, X, Y)`` → C.
    ``update(arch, W, b, X, Y, η)``, if given, performs your own step in place.
    Declare ``CAPABILITIES = Capabilities(..., weights="in_out")``.
    """

    def copies(params: vectorized.Parameters) -> tuple[Arrays, Arrays]:
        return [w.copy() for w in params.W], [v.copy() for v in params.b]

    def forward(arch: reference.Architecture, params: vectorized.Parameters, X: Any) -> Any:
        W, b = copies(params)
        return forward_rows(arch, W, b, np.asarray(X))

    def cost(arch: reference.Architecture, params: vectorized.Parameters, X: Any, Y: Any) -> float:
        W, b = copies(params)
        return float(cost_rows(arch, W, b, np.asarray(X), np.asarray(Y)))

    def backward(
        arch: reference.Architecture, params: vectorized.Parameters, X: Any, Y: Any
    ) -> vectorized.Gradients:
        W, b = copies(params)
        dW, db = gradients(arch, W, b, np.asarray(X), np.asarray(Y))
        if arch.bias == "off":
            db = [np.zeros_like(v) for v in params.b]
        return vectorized.Gradients(list(dW), list(db), cost(arch, params, X, Y))

    def sgd_step(
        arch: reference.Architecture,
        params: vectorized.Parameters,
        X: Any,
        Y: Any,
        learning_rate: float,
    ) -> vectorized.Parameters:
        if update is None:
            return _descend(arch, params, backward(arch, params, X, Y), learning_rate)
        W, b = copies(params)
        update(arch, W, b, np.asarray(X), np.asarray(Y), learning_rate)
        return vectorized.Parameters(W, b)

    return Checked(forward, cost, backward, sgd_step)
