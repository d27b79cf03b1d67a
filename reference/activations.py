"""Activations φ and their derivatives φ', one node at a time (softmax: one layer at a time)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from reference.contract import ContractError


def sigmoid(z: float) -> float:
    """σ(z) = 1 / (1 + e^{-z}), evaluated through e^{-|z|} so that no finite z overflows."""
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0.0 else e / (1.0 + e)


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


# One entry per activation name of the contract; φ' is written with a = φ(z) where that is
# the usual form, and ReLU'(0) = 0.
TABLE = {
    "identity": Activation(_each(lambda z: z), lambda z, a: 1.0, "1"),
    "sigmoid": Activation(_each(sigmoid), lambda z, a: a * (1.0 - a), "a(1 − a)"),
    "tanh": Activation(_each(math.tanh), lambda z, a: 1.0 - a * a, "1 − a²"),
    "relu": Activation(
        _each(lambda z: z if z > 0.0 else 0.0),
        lambda z, a: 1.0 if z > 0.0 else 0.0,
        "1 if z > 0, else 0",
    ),
    "softmax": Activation(softmax, None),
}


def activation(name: str) -> Activation:
    """The table's entry for ``name``; an unknown name is an error, never a default."""
    try:
        return TABLE[name]
    except KeyError:
        raise ContractError(
            f"activation: expected one of {', '.join(TABLE)}; got {name!r}"
        ) from None


def phi(name: str, z: list[float]) -> list[float]:
    """a[l] = φ_l(z[l]) for one layer."""
    return activation(name).phi(z)


def phi_prime(name: str, z: float, a: float) -> float:
    """φ_l'(z[l][j]) for an element-wise activation."""
    prime = activation(name).phi_prime
    if prime is None:
        raise ContractError(f"activation {name}: φ' is not element-wise (output layer only)")
    return prime(z, a)


def log_sum_exp(z: list[float]) -> float:
    """log Σ_k e^{z_k} = m + log Σ_k e^{z_k - m}, m = max_k z_k."""
    m = max(z)
    total = 0.0
    for z_k in z:
        total += math.exp(z_k - m)
    return m + math.log(total)
