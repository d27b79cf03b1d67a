"""Per-sample loss ℓ(a[L], y), its slope ∂ℓ/∂a[L], and the output error δ[L] = ∂ℓ/∂z[L]
(BP1), one table entry per loss declared in the contract."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from reference.activations import activation, log_sum_exp
from reference.contract import ContractError
from reference.typeset import fac, num

Vector = list[float]
Shown = Callable[[Vector, Vector, Vector, int], str]  # (z, a, y, j) → an evaluated form


def _total(terms: Vector) -> float:
    """ℓ = Σ_j ℓ_j, summed in order."""
    total = 0.0
    for t in terms:
        total += t
    return total


def _each_output(
    term: Callable[[float, float, float], float],
) -> Callable[[Vector, Vector, Vector], Vector]:
    """ℓ_j for each output j, from a term of (z_j, a_j, y_j)."""
    return lambda z, a, y: [term(*t) for t in zip(z, a, y, strict=True)]


def _each_slope(
    slope: Callable[[float, float], float],
) -> Callable[[Vector, Vector], Vector]:
    """∂ℓ/∂a_j for each output j, from a slope of (a_j, y_j)."""
    return lambda a, y: [slope(a_j, y_j) for a_j, y_j in zip(a, y, strict=True)]


def _binary_term(z: float, a: float, y: float) -> float:
    """−y log a − (1 − y) log(1 − a) = max(z, 0) − y z + log(1 + e^{−|z|}) for a = σ(z):
    from the logit, so never log(0)."""
    return max(z, 0.0) - y * z + math.log1p(math.exp(-abs(z)))


def _categorical_terms(z: Vector, a: Vector, y: Vector) -> Vector:
    """−y_j log a_j = y_j (log Σ_k e^{z_k} − z_j) for a = softmax(z)."""
    lse = log_sum_exp(z)
    return [y_j * (lse - z_j) for z_j, y_j in zip(z, y, strict=True)]


def _huber_term(a: float, y: float) -> float:
    """½r² for |r| ≤ 1, |r| − ½ beyond (r = a − y): quadratic near 0, linear in the tails."""
    r = a - y
    return 0.5 * r * r if abs(r) <= 1.0 else abs(r) - 0.5


def _divide(p: float, q: float) -> float:
    """p/q as IEEE arithmetic gives it: ±∞ for a non-zero p over 0, NaN for 0/0."""
    if q != 0.0:
        return p / q
    return math.copysign(math.inf, p) * math.copysign(1.0, q) if p != 0.0 else math.nan


def _residual(z: Vector, a: Vector, y: Vector, j: int) -> str:
    return f"{num(a[j])} − {fac(y[j])}"


@dataclass(frozen=True)
class Loss:
    """ℓ_j per output and ∂ℓ/∂a per output, with the forms the traces print; ``shortcut``
    is δ[L] = ∂ℓ/∂z[L] from (a, y) where the declared output activation cancels φ'."""

    terms: Callable[[Vector, Vector, Vector], Vector]  # ℓ_j for (z, a, y): ℓ = Σ_j ℓ_j
    slope: Callable[[Vector, Vector], Vector]  # ∂ℓ/∂a_j for (a, y)
    term_text: str  # ℓ_j as the traces write it
    slope_text: str  # ∂ℓ/∂a_j as the traces write it: a formula in a and y alone
    term_shown: Shown  # ℓ_j with its numbers
    slope_shown: Shown  # ∂ℓ/∂a_j with its numbers
    shortcut: Callable[[Vector, Vector], Vector] | None = None
    shortcut_text: str = ""  # a formula in a and y alone
    shortcut_shown: Shown | None = None


TABLE = {
    "half_squared_error": Loss(
        _each_output(lambda z, a, y: 0.5 * (a - y) ** 2),
        _each_slope(lambda a, y: a - y),
        "½(a − y)²",
        "a − y",
        lambda z, a, y, j: f"½({_residual(z, a, y, j)})²",
        _residual,
    ),
    "sum_of_squares": Loss(
        _each_output(lambda z, a, y: (a - y) ** 2),
        _each_slope(lambda a, y: 2.0 * (a - y)),
        "(a − y)²",
        "2(a − y)",
        lambda z, a, y, j: f"({_residual(z, a, y, j)})²",
        lambda z, a, y, j: f"2·({_residual(z, a, y, j)})",
    ),
    "binary_cross_entropy": Loss(
        _each_output(_binary_term),
        _each_slope(lambda a, y: _divide(a - y, a * (1.0 - a))),
        "−y log a − (1 − y) log(1 − a), from z",
        "(a − y)/(a(1 − a))",
        lambda z, a, y, j: (
            f"{fac(y[j])}·(−log {num(a[j])}) + (1 − {fac(y[j])})·(−log(1 − {num(a[j])}))"
        ),
        lambda z, a, y, j: f"({_residual(z, a, y, j)})/({num(a[j])}·(1 − {num(a[j])}))",
        lambda a, y: [a_j - y_j for a_j, y_j in zip(a, y, strict=True)],
        "a − y",
        _residual,
    ),
    "categorical_cross_entropy": Loss(
        _categorical_terms,
        _each_slope(lambda a, y: _divide(-y, a)),
        "−y log a = y (log Σ_k e^{z_k} − z), from z",
        "−y/a",
        lambda z, a, y, j: f"{fac(y[j])}·(−log {num(a[j])})",
        lambda z, a, y, j: f"−({num(y[j])}/{num(a[j])})",
        lambda a, y: [a_j * _total(y) - y_j for a_j, y_j in zip(a, y, strict=True)],
        "a·Σ_k y_k − y",
        lambda z, a, y, j: f"{num(a[j])}·{fac(_total(y))} − {fac(y[j])}",
    ),
    "huber": Loss(
        _each_output(lambda z, a, y: _huber_term(a, y)),
        _each_slope(lambda a, y: min(max(a - y, -1.0), 1.0)),
        "½(a − y)² if |a − y| ≤ 1, else |a − y| − ½",
        "clip(a − y, −1, 1)",
        lambda z, a, y, j: f"huber({_residual(z, a, y, j)})",
        lambda z, a, y, j: f"clip({_residual(z, a, y, j)}, −1, 1)",
    ),
}


def loss_entry(loss_name: str) -> Loss:
    """The table's entry for ``loss_name``; an unknown name is an error, never a default."""
    try:
        return TABLE[loss_name]
    except KeyError:
        raise ContractError(
            f"loss: expected one of {', '.join(TABLE)}; got {loss_name!r}"
        ) from None


def loss_terms(loss_name: str, z: Vector, a: Vector, y: Vector) -> Vector:
    """ℓ_j for each output j, whose sum is the sample's loss ℓ (3)."""
    return loss_entry(loss_name).terms(z, a, y)


def loss(loss_name: str, z: Vector, a: Vector, y: Vector) -> float:
    """ℓ = Σ_j ℓ_j for one sample (3); the cross-entropies from the logits z."""
    return _total(loss_terms(loss_name, z, a, y))


def chain(activation_name: str, z: Vector, a: Vector, g: Vector) -> Vector:
    """δ[L][j] = Σ_k g_k · ∂a[L][k]/∂z[L][j] with g = ∂ℓ/∂a[L] (BP1): φ'(z_j)·g_j for an
    element-wise φ; through a layer's Jacobian ∂a_k/∂z_j = a_k(1[k=j] − a_j) (softmax):
    a_j (g_j − Σ_k g_k a_k)."""
    prime = activation(activation_name).phi_prime
    if prime is None:
        g_dot_a = 0.0
        for g_k, a_k in zip(g, a, strict=True):
            g_dot_a += g_k * a_k
        return [a_j * (g_j - g_dot_a) for a_j, g_j in zip(a, g, strict=True)]
    return [prime(z_j, a_j) * g_j for z_j, a_j, g_j in zip(z, a, g, strict=True)]


def output_delta(activation_name: str, loss_name: str, z: Vector, a: Vector, y: Vector) -> Vector:
    """δ[L][j] = ∂ℓ/∂z[L][j] (BP1) for output activation ``activation_name`` and loss
    ``loss_name``: the shortcut where the loss declares one, else the chain rule."""
    entry = loss_entry(loss_name)
    if entry.shortcut is not None:
        return entry.shortcut(a, y)
    return chain(activation_name, z, a, entry.slope(a, y))
