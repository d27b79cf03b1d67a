"""Per-sample losses ℓ and the output error Δ[L] = ∂ℓ/∂Z[L] for a batch as rows, one table
entry per loss of the contract, as in reference.losses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reference.contract import ContractError
from vectorized.activations import activation
from vectorized.arrays import FloatArray

Delta = Callable[[str, FloatArray, FloatArray, FloatArray], FloatArray]


def _squares(Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """Σ_j (y_j − a_j)² per row."""
    R = Y - A
    out: FloatArray = (R * R).sum(axis=1)
    return out


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


def _chain(factor: float) -> Delta:
    """Δ[L] for a squared loss, G = factor·(A − Y): φ'(Z)·G, or through softmax's Jacobian
    A·(G − Σ_k G_k A_k) row by row."""

    def delta(act: str, Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
        G = factor * (A - Y)
        prime = activation(act).phi_prime
        if prime is None:  # softmax
            out: FloatArray = A * (G - (G * A).sum(axis=1, keepdims=True))
            return out
        return prime(Z, A) * G

    return delta


def _sigmoid_shortcut(act: str, Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """Sigmoid + binary cross-entropy: Δ = A − Y."""
    out: FloatArray = A - Y
    return out


def _softmax_shortcut(act: str, Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """Softmax + categorical cross-entropy: Δ = A·Σ_k Y_k − Y, row by row."""
    out: FloatArray = A * Y.sum(axis=1, keepdims=True) - Y
    return out


@dataclass(frozen=True)
class Loss:
    """ℓ_n for every row, and Δ[L](φ_L's name, Z, A, Y) from BP1."""

    values: Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
    delta: Delta


TABLE = {
    "half_squared_error": Loss(lambda Z, A, Y: 0.5 * _squares(Z, A, Y), _chain(1.0)),
    "sum_of_squares": Loss(_squares, _chain(2.0)),
    "binary_cross_entropy": Loss(_binary_cross_entropy, _sigmoid_shortcut),
    "categorical_cross_entropy": Loss(_categorical_cross_entropy, _softmax_shortcut),
}


def loss_entry(name: str) -> Loss:
    """The table's entry for ``name``; an unknown name is an error, never a default."""
    try:
        return TABLE[name]
    except KeyError:
        raise ContractError(f"loss: expected one of {', '.join(TABLE)}; got {name!r}") from None


def losses(name: str, Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """ℓ_n for every sample n (the formulas of reference.losses)."""
    return loss_entry(name).values(Z, A, Y)


def output_delta(act: str, name: str, Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """Δ[L] = ∂ℓ/∂Z[L] row by row (BP1)."""
    return loss_entry(name).delta(act, Z, A, Y)
