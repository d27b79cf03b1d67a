"""Per-sample loss ℓ(a[L], y) and the output error δ[L] = ∂ℓ/∂z[L] (BP1), one table entry
per loss of the contract."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from reference.activations import activation, log_sum_exp
from reference.contract import ContractError

Vector = list[float]


def _squares(z: Vector, a: Vector, y: Vector) -> float:
    """Σ_j (y_j − a_j)²."""
    total = 0.0
    for a_j, y_j in zip(a, y, strict=True):
        r = y_j - a_j
        total += r * r
    return total


def _binary_cross_entropy(z: Vector, a: Vector, y: Vector) -> float:
    """−Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)]
    = Σ_j [max(z_j, 0) − y_j z_j + log(1 + e^{−|z_j|})] for a = σ(z): from the logits,
    so never log(0)."""
    total = 0.0
    for z_j, y_j in zip(z, y, strict=True):
        total += max(z_j, 0.0) - y_j * z_j + math.log1p(math.exp(-abs(z_j)))
    return total


def _categorical_cross_entropy(z: Vector, a: Vector, y: Vector) -> float:
    """−Σ_j y_j log a_j = Σ_j y_j (log Σ_k e^{z_k} − z_j) for a = softmax(z)."""
    lse = log_sum_exp(z)
    total = 0.0
    for z_j, y_j in zip(z, y, strict=True):
        total += y_j * (lse - z_j)
    return total


def _chain(factor: float) -> Callable[[str, Vector, Vector, Vector], Vector]:
    """δ[L][j] = Σ_k ∂ℓ/∂a[L][k] · ∂a[L][k]/∂z[L][j] for a squared loss, ∂ℓ/∂a = factor·(a − y).

    Element-wise φ: δ_j = φ'(z_j)·g_j. Softmax, whose Jacobian is ∂a_k/∂z_j =
    a_k(1[k=j] − a_j): δ_j = a_j (g_j − Σ_k g_k a_k).
    """

    def delta(act: str, z: Vector, a: Vector, y: Vector) -> Vector:
        g = [factor * (a_j - y_j) for a_j, y_j in zip(a, y, strict=True)]
        prime = activation(act).phi_prime
        if prime is None:  # softmax
            g_dot_a = 0.0
            for g_k, a_k in zip(g, a, strict=True):
                g_dot_a += g_k * a_k
            return [a_j * (g_j - g_dot_a) for a_j, g_j in zip(a, g, strict=True)]
        return [prime(z_j, a_j) * g_j for z_j, a_j, g_j in zip(z, a, g, strict=True)]

    return delta


def _sigmoid_shortcut(act: str, z: Vector, a: Vector, y: Vector) -> Vector:
    """Sigmoid + binary cross-entropy: δ = a − y."""
    return [a_j - y_j for a_j, y_j in zip(a, y, strict=True)]


def _softmax_shortcut(act: str, z: Vector, a: Vector, y: Vector) -> Vector:
    """Softmax + categorical cross-entropy: δ = a·Σ_k y_k − y (= a − y for one-hot y)."""
    y_sum = 0.0
    for y_k in y:
        y_sum += y_k
    return [a_j * y_sum - y_j for a_j, y_j in zip(a, y, strict=True)]


@dataclass(frozen=True)
class Loss:
    """ℓ(z, a, y) for one sample, and δ[L](φ_L's name, z, a, y) from BP1."""

    value: Callable[[Vector, Vector, Vector], float]
    delta: Callable[[str, Vector, Vector, Vector], Vector]
    terms: Callable[[Vector, Vector, Vector], Vector]  # ℓ_j, one per output: ℓ = Σ_j ℓ_j
    term_text: str  # ℓ_j as the traces write it
    slope_text: str  # ∂ℓ/∂a_j for the squared losses, "" where BP1 goes through the logits


def _each_output(
    term: Callable[[float, float, float], float],
) -> Callable[[Vector, Vector, Vector], Vector]:
    return lambda z, a, y: [term(*t) for t in zip(z, a, y, strict=True)]


def _log_terms(z: Vector, a: Vector, y: Vector) -> Vector:
    lse = log_sum_exp(z)
    return [y_j * (lse - z_j) for z_j, y_j in zip(z, y, strict=True)]


TABLE = {
    "half_squared_error": Loss(
        lambda z, a, y: 0.5 * _squares(z, a, y),
        _chain(1.0),
        _each_output(lambda z, a, y: 0.5 * (a - y) ** 2),
        "½(a − y)²",
        "a − y",
    ),
    "sum_of_squares": Loss(
        _squares, _chain(2.0), _each_output(lambda z, a, y: (a - y) ** 2), "(a − y)²", "2(a − y)"
    ),
    "binary_cross_entropy": Loss(
        _binary_cross_entropy,
        _sigmoid_shortcut,
        _each_output(lambda z, a, y: _binary_cross_entropy([z], [a], [y])),
        "−y log a − (1 − y) log(1 − a), from z",
        "",
    ),
    "categorical_cross_entropy": Loss(
        _categorical_cross_entropy,
        _softmax_shortcut,
        _log_terms,
        "−y log a = y (log Σ_k e^{z_k} − z), from z",
        "",
    ),
}


def loss_entry(name: str) -> Loss:
    """The table's entry for ``name``; an unknown name is an error, never a default."""
    try:
        return TABLE[name]
    except KeyError:
        raise ContractError(f"loss: expected one of {', '.join(TABLE)}; got {name!r}") from None


def loss(name: str, z: Vector, a: Vector, y: Vector) -> float:
    """ℓ for one sample (half_squared_error ½Σ(y−a)², sum_of_squares Σ(y−a)², and the
    cross-entropies from the logits z)."""
    return loss_entry(name).value(z, a, y)


def loss_terms(name: str, z: Vector, a: Vector, y: Vector) -> Vector:
    """ℓ_j for each output j, whose sum is the sample's loss ℓ (3)."""
    return loss_entry(name).terms(z, a, y)


def output_delta(act: str, name: str, z: Vector, a: Vector, y: Vector) -> Vector:
    """δ[L][j] = ∂ℓ/∂z[L][j] (BP1) for output activation ``act`` and loss ``name``."""
    return loss_entry(name).delta(act, z, a, y)
