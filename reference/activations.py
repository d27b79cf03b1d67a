"""Activations φ and their derivatives φ', one node at a time (softmax: one layer at a time)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from reference.contract import LEAKY_SLOPE, ContractError


def sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^{-z}), evaluated through e^{-|z|} so that no finite z overflows."""
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0.0 else e / (1.0 + e)


def softplus(z: float) -> float:
    """log(1 + e^z) = max(z, 0) + log(1 + e^{−|z|}), so that no finite z overflows."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def softmax(z: list[float]) -> list[float]:
    """a[L][j] = e^{z_j - m} / Σ_k e^{z_k - m} with m = max_k z_k, so no exponent overflows."""
    m = max(z)
    e = [math.exp(z_j - m) for z_j in z]
    total = 0.0
    for e_j in e:
        total += e_j
    return [e_j / total for e_j in e]


def _each(f: Callable[[float], float]) -> Callable[[list[float]], list[float]]:
    """An element-wise φ applied node by node: a[l][j] = φ(z[l][j])."""
    return lambda z: [f(z_j) for z_j in z]


@dataclass(frozen=True)
class Activation:
    """φ_l on a layer's z[l], and φ_l'(z, a) node by node (None: softmax, whose Jacobian
    is not diagonal and which BP1 handles on the output layer)."""

    phi: Callable[[list[float]], list[float]]
    phi_prime: Callable[[float, float], float] | None
    prime_text: str = ""  # φ' as the traces write it, in terms of z and a = φ(z)


# One entry per activation declared in the contract; φ' is written with a = φ(z) where
# that is the usual form, and at a kink it is the slope from below (ReLU'(0) = 0).
TABLE = {
    "identity": Activation(_each(lambda z: z), lambda z, a: 1.0, "1"),
    "sigmoid": Activation(_each(sigmoid), lambda z, a: a * (1.0 - a), "a(1 − a)"),
    "tanh": Activation(_each(math.tanh), lambda z, a: 1.0 - a * a, "1 − a²"),
    "relu": Activation(
        _each(lambda z: z if z > 0.0 else 0.0),
        lambda z, a: 1.0 if z > 0.0 else 0.0,
        "1 if z > 0, else 0",
    ),
    "leaky_relu": Activation(
        _each(lambda z: z if z > 0.0 else LEAKY_SLOPE * z),
        lambda z, a: 1.0 if z > 0.0 else LEAKY_SLOPE,
        f"1 if z > 0, else {LEAKY_SLOPE}",
    ),
    # softplus' = σ(z) = 1 − e^{−a}: from a, accurate for every z (−expm1(−a) ≈ a ≈ e^z far
    # below 0, 1 far above).
    "softplus": Activation(_each(softplus), lambda z, a: -math.expm1(-a), "1 − e^{−a}"),
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


def phi(activation_name: str, z: list[float]) -> list[float]:
    """a[l] = φ_l(z[l]) for one layer (2)."""
    return activation(activation_name).phi(z)


def phi_prime(activation_name: str, z: float, a: float) -> float:
    """φ_l'(z[l][j]) for an element-wise activation."""
    prime = activation(activation_name).phi_prime
    if prime is None:
        raise ContractError(
            f"activation {activation_name}: φ' is not element-wise (output layer only)"
        )
    return prime(z, a)


def log_sum_exp(z: list[float]) -> float:
    """log Σ_k e^{z_k} = m + log Σ_k e^{z_k - m}, m = max_k z_k."""
    m = max(z)
    total = 0.0
    for z_k in z:
        total += math.exp(z_k - m)
    return m + math.log(total)
