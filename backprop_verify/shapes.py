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


ORDERS = ("W, b", "b, W")


def _check_order(order: str) -> str:
    if order not in ORDERS:
        raise reference.ContractError(
            f"returns: expected {' or '.join(repr(o) for o in ORDERS)}; got {order!r}"
        )
    return order


class ShapeError(reference.ContractError):
    """What the wrapped code returned is not shaped as its parameters are: its gradient is
    wrong, and this says how in one line (the checker reports it as a wrong gradient)."""


def _gradient_pair(
    what: str,
    pair: Any,
    W: Arrays,
    b: Arrays,
    order: str,
    bias_shapes: Callable[[Any], set[tuple[int, ...]]],
    batch: int | None = None,
) -> tuple[Arrays, Arrays]:
    """The (∂W, ∂b) lists a function returned, in ``order``, each ∂b reshaped as its b; a
    swapped pair, or a gradient not shaped like its parameter (``bias_shapes`` says which
    shapes a bias gradient may take), is a ShapeError that names it. ``batch`` is N, for
    code whose bias gradient is the batch's."""
    try:
        first, second = pair
    except (TypeError, ValueError):
        raise ShapeError(
            f"{what}: expected a pair of lists ({order}); got {type(pair).__name__}"
        ) from None
    gW, gb = (first, second) if order == "W, b" else (second, first)
    if len(gW) != len(W) or len(gb) != len(b):
        raise ShapeError(
            f"{what}: expected {len(W)} layers of ∂W and of ∂b; got {len(gW)} and {len(gb)}"
        )
    want_W = [np.shape(w) for w in W]
    if [np.shape(g) for g in gW] != want_W and [np.shape(g) for g in gb] == want_W:
        other = ORDERS[1 - ORDERS.index(order)]
        nielsen = " (M. Nielsen's order)" if other == "b, W" else ""
        raise ShapeError(
            f"{what}: returned ({other}){nielsen}, not ({order}): pass returns={other!r}"
        )
    for l, (g, w) in enumerate(zip(gW, W, strict=True)):
        if np.shape(g) != np.shape(w):
            transposed = np.shape(g)[::-1] == np.shape(w)
            raise ShapeError(
                f"{what}: ∂W[{l + 1}] has shape {np.shape(g)}; expected {np.shape(w)}, the "
                f"shape of W[{l + 1}] as your code holds it"
                + ("; it is a transpose (∂C/∂W = δ aᵀ, or Aᵀ Δ for rows)" if transposed else "")
            )
    for l, (g, v) in enumerate(zip(gb, b, strict=True)):
        if np.shape(g) not in bias_shapes(v):
            axis = batch is not None and np.shape(g) == (batch,) != np.shape(v)
            raise ShapeError(
                f"{what}: ∂b[{l + 1}] has shape {np.shape(g)}; expected {np.shape(v)}, the "
                f"shape of b[{l + 1}] as your code holds it"
                + (
                    "; the bias gradient summed over the wrong axis: over the nodes of each "
                    "sample, not over the samples (Δ.sum(axis=0))"
                    if axis
                    else ""
                )
            )
    return list(gW), [np.reshape(g, np.shape(v)) for g, v in zip(gb, b, strict=True)]


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


def _copies(params: vectorized.Parameters) -> tuple[Arrays, Arrays]:
    """Copies of W and b for code that may change what it is given."""
    return [w.copy() for w in params.W], [v.copy() for v in params.b]


def _batch_forward_and_cost(
    forward_fn: Callable[[reference.Architecture, Arrays, Arrays, Any], Any],
    cost_fn: Callable[[reference.Architecture, Arrays, Arrays, Any, Any], float],
) -> tuple[Callable[..., Any], Callable[..., float]]:
    """The checker's forward and cost from batch code that takes W and b as lists."""

    def forward(arch: reference.Architecture, params: vectorized.Parameters, X: Any) -> Any:
        W, b = _copies(params)
        return forward_fn(arch, W, b, np.asarray(X))

    def cost(arch: reference.Architecture, params: vectorized.Parameters, X: Any, Y: Any) -> float:
        W, b = _copies(params)
        return float(cost_fn(arch, W, b, np.asarray(X), np.asarray(Y)))

    return forward, cost


def _batch_step(
    update: Callable[[reference.Architecture, Arrays, Arrays, Any, Any, float], None] | None,
    backward: Callable[..., vectorized.Gradients],
) -> Callable[..., vectorized.Parameters]:
    """The checker's sgd_step: your in-place ``update`` on copies, or without one, plain
    descent along ``backward``'s gradient."""

    def sgd_step(
        arch: reference.Architecture,
        params: vectorized.Parameters,
        X: Any,
        Y: Any,
        learning_rate: float,
    ) -> vectorized.Parameters:
        if update is None:
            return _descend(arch, params, backward(arch, params, X, Y), learning_rate)
        W, b = _copies(params)
        update(arch, W, b, np.asarray(X), np.asarray(Y), learning_rate)
        return vectorized.Parameters(W, b)

    return sgd_step


def _column_or_flat(v: Any) -> set[tuple[int, ...]]:
    """A bias column (n, 1) may have its gradient as a column or flat."""
    return {np.shape(v), (np.size(v),)}


def _flat_or_row(v: Any) -> set[tuple[int, ...]]:
    """A bias of shape (n,) may have its gradient flat or as one row (1, n)."""
    return {np.shape(v), (1, np.size(v))}


def column_vectors(
    feedforward: Callable[[reference.Architecture, Arrays, Arrays, Any], Any],
    backprop: Callable[[reference.Architecture, Arrays, Arrays, Any, Any], tuple[Arrays, Arrays]],
    loss: Callable[[reference.Architecture, Any, Any], float],
    update: Callable[[reference.Architecture, Arrays, Arrays, Any, Any, float], None] | None = None,
    returns: str = "W, b",
) -> Checked:
    """From per-sample code on column vectors.

    ``feedforward(arch, weights, biases, x)`` → the output column for one sample x of shape
    (n_0, 1); ``backprop(arch, weights, biases, x, y)`` → (∂ℓ/∂W list, ∂ℓ/∂b list of
    columns) for that sample's loss; ``loss(arch, a, y)`` → ℓ of the output column a.
    The batch's cost and gradient are the sum or mean of the samples'. ``update(arch,
    weights, biases, X, Y, η)``, if given, performs your own step in place (X, Y as lists
    of columns).
    """
    order = _check_order(returns)

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
            gW, gb = _gradient_pair(
                "backprop", backprop(arch, W, b, x, y), W, b, order, _column_or_flat
            )
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
    returns: str = "W, b",
) -> Checked:
    """From batch code on rows with ``X @ W`` (W of shape (n_{l-1}, n_l)).

    ``forward_rows(arch, W, b, X)`` → outputs (N, n_L); ``gradients(arch, W, b, X, Y)`` →
    (∂C/∂W list, ∂C/∂b list) of the batch cost (``returns="b, W"`` for the other order),
    each shaped like its parameter; ``cost_rows(arch, W, b, X, Y)`` → C.
    ``update(arch, W, b, X, Y, η)``, if given, performs your own step in place.
    Declare ``CAPABILITIES = Capabilities(..., weights="in_out")``.
    """
    order = _check_order(returns)
    forward, cost = _batch_forward_and_cost(forward_rows, cost_rows)

    def backward(
        arch: reference.Architecture, params: vectorized.Parameters, X: Any, Y: Any
    ) -> vectorized.Gradients:
        W, b = _copies(params)
        pair = gradients(arch, W, b, np.asarray(X), np.asarray(Y))
        dW, db = _gradient_pair("gradients", pair, W, b, order, _flat_or_row, len(X))
        if arch.bias == "off":
            db = [np.zeros_like(v) for v in params.b]
        return vectorized.Gradients(list(dW), list(db), cost(arch, params, X, Y))

    return Checked(forward, cost, backward, _batch_step(update, backward))


class _Recording(np.ndarray):
    """An array that keeps what in-place ``-=`` took from it and ``+=`` added to it."""

    taken: Any = None  # None on views and results derived from it: they record nothing

    def __array_finalize__(self, obj: Any) -> None:
        self.taken = None

    def __isub__(self, other: Any) -> Any:  # type: ignore[misc]
        if self.taken is not None:
            self.taken += np.asarray(other)
        return super().__isub__(other)

    def __iadd__(self, other: Any) -> Any:  # type: ignore[misc]
        if self.taken is not None:
            self.taken -= np.asarray(other)
        return super().__iadd__(other)


def _recording(arrays: Arrays) -> list[_Recording]:
    out = []
    for v in arrays:
        r = np.array(v, dtype=np.float64, copy=True).view(_Recording)
        r.taken = np.zeros(r.shape)
        out.append(r)
    return out


def in_place(
    forward_fn: Callable[[reference.Architecture, Arrays, Arrays, Any], Any],
    cost_fn: Callable[[reference.Architecture, Arrays, Arrays, Any, Any], float],
    update: Callable[[reference.Architecture, Arrays, Arrays, Any, Any, float], None],
) -> Checked:
    """From code whose only gradient is its update: ``update(arch, W, b, X, Y, η)`` changes
    W and b in place with ``-=`` (or ``+=`` of minus the gradient), as a trainer's step does.

    ∂C/∂W is read exactly: ``update`` runs with η = 1 on arrays that record what each
    ``-=`` takes (and each ``+=`` adds), and 1·g = g with no rounding; a parameter changed
    any other way (``W[...] = …``, ``np.subtract(W, …, out=W)``) is refused, since what it
    took cannot be seen. ``forward_fn(arch, W, b, X)`` and ``cost_fn(arch, W, b, X, Y)``
    take the weights as your code holds them (declare ``weights="in_out"`` for ``X @ W``).
    A frozen bias is never updated, so its gradient cannot be read: declare ``biases``
    without "frozen".
    """
    forward, cost = _batch_forward_and_cost(forward_fn, cost_fn)

    def backward(
        arch: reference.Architecture, params: vectorized.Parameters, X: Any, Y: Any
    ) -> vectorized.Gradients:
        W, b = _recording(params.W), _recording(params.b)
        update(arch, W, b, np.asarray(X), np.asarray(Y), 1.0)
        for name, moved, before in (("W", W, params.W), ("b", b, params.b)):
            for l, (r, v) in enumerate(zip(moved, before, strict=True)):
                if not np.array_equal(np.asarray(r), v - r.taken, equal_nan=True):
                    raise reference.ContractError(
                        f"update: {name}[{l + 1}] changed other than by -= or +=, so what it "
                        "took cannot be read as a gradient; write W -= η·dW, or give backward"
                    )
        dW = [np.asarray(r.taken) for r in W]
        db = [np.asarray(r.taken) for r in b]
        if arch.bias == "off":  # no biases: their gradient is zeros
            db = [np.zeros_like(v) for v in params.b]
        return vectorized.Gradients(dW, db, cost(arch, params, X, Y))

    return Checked(forward, cost, backward, _batch_step(update, backward))
