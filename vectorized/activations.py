"""Activations φ and derivatives φ' on whole layers (arrays of shape (N, n_l)), one table
entry per activation of the contract, as in reference.activations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from reference.contract import LEAKY_SLOPE, ContractError
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


def softplus(Z: FloatArray) -> FloatArray:
    """log(1 + e^Z) = max(Z, 0) + log(1 + e^{−|Z|}), as in reference.activations.softplus."""
    out: FloatArray = np.maximum(Z, 0.0) + np.log1p(np.exp(-np.abs(Z)))
    return out


def _relu(Z: FloatArray) -> FloatArray:
    out: FloatArray = np.maximum(Z, 0.0)
    return out


def _leaky_relu(Z: FloatArray) -> FloatArray:
    out: FloatArray = np.where(Z > 0, Z, LEAKY_SLOPE * Z)
    return out


def _tanh(Z: FloatArray) -> FloatArray:
    out: FloatArray = np.tanh(Z)
    return out


@dataclass(frozen=True)
class Activation:
    """φ_l on Z[l], and φ_l'(Z, A) element-wise (None: softmax, handled by BP1)."""

    phi: Callable[[FloatArray], FloatArray]
    phi_prime: Callable[[FloatArray, FloatArray], FloatArray] | None


TABLE = {
    # identity: A[l] is Z[l] itself; neither is changed in place afterwards.
    "identity": Activation(lambda Z: Z, lambda Z, A: np.ones_like(Z)),
    "sigmoid": Activation(sigmoid, lambda Z, A: A * (1.0 - A)),
    "tanh": Activation(_tanh, lambda Z, A: 1.0 - A * A),
    "relu": Activation(_relu, lambda Z, A: (Z > 0).astype(Z.dtype)),  # ReLU'(0) = 0
    "leaky_relu": Activation(
        _leaky_relu, lambda Z, A: np.where(Z > 0, 1.0, LEAKY_SLOPE).astype(Z.dtype)
    ),
    "softplus": Activation(softplus, lambda Z, A: -np.expm1(-A)),  # σ(z) = 1 − e^{−a}
    "softmax": Activation(softmax, None),
}


def activation(activation_name: str) -> Activation:
    """The table's entry for ``activation_name``; an unknown name is an error, never a
    default."""
    try:
        return TABLE[activation_name]
    except KeyError:
        raise ContractError(
            f"activation: expected one of {', '.join(TABLE)}; got {activation_name!r}"
        ) from None


def phi(activation_name: str, Z: FloatArray) -> FloatArray:
    """A[l] = φ_l(Z[l]) (2)."""
    return activation(activation_name).phi(Z)


def phi_prime(activation_name: str, Z: FloatArray, A: FloatArray) -> FloatArray:
    """φ_l'(Z[l]) element-wise, from A = φ_l(Z) where that is the usual form."""
    prime = activation(activation_name).phi_prime
    if prime is None:
        raise ContractError(
            f"activation {activation_name}: φ' is not element-wise (output layer only)"
        )
    return prime(Z, A)
