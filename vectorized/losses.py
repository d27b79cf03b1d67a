"""Per-sample losses ℓ and the output error Δ[L] = ∂ℓ/∂Z[L], for a batch as rows."""

from __future__ import annotations

import numpy as np

from vectorized.activations import phi_prime
from vectorized.arrays import FloatArray


def losses(name: str, Z: FloatArray, A: FloatArray, Y: FloatArray) -> FloatArray:
    """ℓ_n for every sample n, the formulas of reference.losses.loss (cross-entropy from logits)."""
    if name == "binary_cross_entropy":
        T = np.maximum(Z, 0.0) - Y * Z + np.log1p(np.exp(-np.abs(Z)))
        out: FloatArray = T.sum(axis=1)
        return out
    if name == "categorical_cross_entropy":
        m = Z.max(axis=1, keepdims=True)
        lse = m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
        out = (Y * (lse - Z)).sum(axis=1)
        return out
    R = Y - A
    out = (R * R).sum(axis=1)
    return 0.5 * out if name == "half_squared_error" else out


def output_delta(
    activation: str, name: str, Z: FloatArray, A: FloatArray, Y: FloatArray
) -> FloatArray:
    """Δ[L] = ∂ℓ/∂Z[L] row by row (BP1); the cases of reference.losses.output_delta."""
    if name == "binary_cross_entropy":
        return A - Y
    if name == "categorical_cross_entropy":
        D: FloatArray = A * Y.sum(axis=1, keepdims=True) - Y
        return D
    G = A - Y if name == "half_squared_error" else 2.0 * (A - Y)
    if activation == "softmax":
        out: FloatArray = A * (G - (G * A).sum(axis=1, keepdims=True))
        return out
    return phi_prime(activation, Z, A) * G
