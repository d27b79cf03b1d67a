"""Per-sample losses ℓ and the output error Δ[L] = ∂ℓ/∂Z[L] for a batch as rows, one table
entry per loss of the contract, as in reference.losses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reference.contract import ContractError
from vectorized.activations import activation
from vectorized.arrays import FloatArray


def _binary_cross_entropy(Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """Σ_j [max(z_j, 0) − y_j z_j + log(1 + e^{−|z_j|})] per row, from the logits."""
    T = np.maximum(Z, 0.0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
    out: FloatArray = T.sum(axis=1)
    return out


def _categorical_cross_entropy(Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """Σ_j y_j (log Σ_k e^{z_k} − z_j) per row, from the logits."""
    m = Z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    out: FloatArray = (Y * (lse - Z)).sum(axis=1)
    return out


def _huber(Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """Σ_j ½r_j² where |r_j| ≤ 1, |r_j| − ½ beyond, r = A − Y, per row."""
    R = np.abs(A - Y)
    out: FloatArray = np.where(R <= 1.0, 0.5 * R * R, R - 0.5).sum(axis=1)
    return out


def chain(activation_name: str, Z: FloatArray, A: FloatArray, G: FloatArray) -> FloatArray:
    """Δ[L] from G = ∂ℓ/∂A[L] (BP1): φ'(Z)·G, or through softmax's Jacobian
    A·(G − Σ_k G_k A_k) row by row."""
    prime = activation(activation_name).phi_prime
    if prime is None:
        out: FloatArray = A * (G - (G * A).sum(axis=1, keepdims=True))
        return out
    return prime(Z, A) * G


@dataclass(frozen=True)
class Loss:
    """ℓ_n for every row, ∂ℓ/∂A row by row, and ``shortcut``: Δ[L] from (A, Y) where the
    declared output activation cancels φ' (as in reference.losses)."""

    values: Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
    slope: Callable[[FloatArray, FloatArray], FloatArray]
    shortcut: Callable[[FloatArray, FloatArray], FloatArray] | None = None


def _squares(factor: float) -> Callable[[FloatArray, FloatArray, FloatArray], FloatArray]:
    """factor·Σ_j (a_j − y_j)² per row."""

    def values(Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
        R = A - Y
        out: FloatArray = factor * (R * R).sum(axis=1)
        return out

    return values


TABLE = {
    "half_squared_error": Loss(_squares(0.5), lambda A, Y: A - Y),
    "sum_of_squares": Loss(_squares(1.0), lambda A, Y: 2.0 * (A - Y)),
    "binary_cross_entropy": Loss(
        _binary_cross_entropy, lambda A, Y: (A - Y) / (A * (1.0 - A)), lambda A, Y: A - Y
    ),
    "categorical_cross_entropy": Loss(
        _categorical_cross_entropy,
        lambda A, Y: -Y / A,
        lambda A, Y: A * Y.sum(axis=1, keepdims=True) - Y,
    ),
    "huber": Loss(_huber, lambda A, Y: np.clip(A - Y, -1.0, 1.0)),
}


def loss_entry(loss_name: str) -> Loss:
    """The table's entry for ``loss_name``; an unknown name is an error, never a default."""
    try:
        return TABLE[loss_name]
    except KeyError:
        raise ContractError(
            f"loss: expected one of {', '.join(TABLE)}; got {loss_name!r}"
        ) from None


def losses(loss_name: str, Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """ℓ_n for every sample n (the formulas of reference.losses)."""
    return loss_entry(loss_name).values(Z, A, Y)


def output_delta(
    activation_name: str, loss_name: str, Z: FloatArray, A: FloatArray, Y: FloatArray
) -> FloatArray:
    """Δ[L] = ∂ℓ/∂Z[L] row by row (BP1): the shortcut where the loss declares one, else
    the chain rule through G = ∂ℓ/∂A."""
    entry = loss_entry(loss_name)
    if entry.shortcut is not None:
        return entry.shortcut(A, Y)
    return chain(activation_name, Z, A, entry.slope(A, Y))
