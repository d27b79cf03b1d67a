"""Activations φ and derivatives φ' on whole layers: arrays of shape (N, n_l)."""

from __future__ import annotations

import numpy as np

from vectorized.arrays import FloatArray


def sigmoid(Z: FloatArray) -> FloatArray:
    """σ(Z) = 1/(1 + e^{-Z}) through e^{-|Z|}, as in reference.activations.sigmoid."""
    E = np.exp(-np.abs(Z))
    out: FloatArray = np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E))
    return out


def softmax(Z: FloatArray) -> FloatArray:
    """A = e^{Z − m} / Σ_k e^{Z_k − m} row by row, m the row maximum."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    out: FloatArray = E / E.sum(axis=1, keepdims=True)
    return out


def phi(name: str, Z: FloatArray) -> FloatArray:
    """A[l] = φ_l(Z[l])."""
    if name == "sigmoid":
        return sigmoid(Z)
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(Z, 0.0)
    if name == "softmax":
        return softmax(Z)
    return Z  # identity (A[l] is Z[l] itself; neither is changed in place afterwards)


def phi_prime(name: str, Z: FloatArray, A: FloatArray) -> FloatArray:
    """φ_l'(Z[l]) element-wise, from A = φ_l(Z) where that is the usual form; ReLU'(0) = 0."""
    if name == "sigmoid":
        return A * (1.0 - A)
    if name == "tanh":
        return 1.0 - A * A
    if name == "relu":
        return (Z > 0).astype(Z.dtype)
    return np.ones_like(Z)  # identity
