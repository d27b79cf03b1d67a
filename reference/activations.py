"""Activations φ and their derivatives φ', one node at a time (softmax: one layer at a time)."""

from __future__ import annotations

import math


def sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^{-z}), evaluated through e^{-|z|} so that no finite z overflows."""
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0.0 else e / (1.0 + e)


def phi(name: str, z: float) -> float:
    """a[l][j] = φ_l(z[l][j]) for an element-wise activation."""
    if name == "sigmoid":
        return sigmoid(z)
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return z if z > 0.0 else 0.0
    return z  # identity


def phi_prime(name: str, z: float, a: float) -> float:
    """φ_l'(z[l][j]), written with a = φ_l(z) where that is the usual form; ReLU'(0) = 0."""
    if name == "sigmoid":
        return a * (1.0 - a)
    if name == "tanh":
        return 1.0 - a * a
    if name == "relu":
        return 1.0 if z > 0.0 else 0.0
    return 1.0  # identity


def softmax(z: list[float]) -> list[float]:
    """a[L][j] = e^{z_j - m} / Σ_k e^{z_k - m} with m = max_k z_k, so no exponent overflows."""
    m = max(z)
    e = [math.exp(z_j - m) for z_j in z]
    total = 0.0
    for e_j in e:
        total += e_j
    return [e_j / total for e_j in e]


def log_sum_exp(z: list[float]) -> float:
    """log Σ_k e^{z_k} = m + log Σ_k e^{z_k - m}, m = max_k z_k."""
    m = max(z)
    total = 0.0
    for z_k in z:
        total += math.exp(z_k - m)
    return m + math.log(total)
