"""Per-sample loss ℓ(a[L], y) and the output error δ[L] = ∂ℓ/∂z[L]."""

from __future__ import annotations

import math

from reference.activations import log_sum_exp, phi_prime


def loss(name: str, z: list[float], a: list[float], y: list[float]) -> float:
    """ℓ for one sample; cross-entropies are computed from the logits z, so never log(0).

    half_squared_error ½Σ_j (y_j − a_j)²; sum_of_squares Σ_j (y_j − a_j)²;
    binary_cross_entropy −Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)]
        = Σ_j [max(z_j, 0) − y_j z_j + log(1 + e^{−|z_j|})]  (a = σ(z));
    categorical_cross_entropy −Σ_j y_j log a_j = Σ_j y_j (log Σ_k e^{z_k} − z_j)  (a = softmax(z)).
    """
    total = 0.0
    if name == "binary_cross_entropy":
        for z_j, y_j in zip(z, y, strict=True):
            total += max(z_j, 0.0) - y_j * z_j + math.log1p(math.exp(-abs(z_j)))
        return total
    if name == "categorical_cross_entropy":
        lse = log_sum_exp(z)
        for z_j, y_j in zip(z, y, strict=True):
            total += y_j * (lse - z_j)
        return total
    for a_j, y_j in zip(a, y, strict=True):
        r = y_j - a_j
        total += r * r
    return 0.5 * total if name == "half_squared_error" else total


def loss_gradient(name: str, a: list[float], y: list[float]) -> list[float]:
    """∂ℓ/∂a[L][j] for the squared losses: (a_j − y_j), or 2(a_j − y_j) for sum_of_squares."""
    factor = 1.0 if name == "half_squared_error" else 2.0
    return [factor * (a_j - y_j) for a_j, y_j in zip(a, y, strict=True)]


def output_delta(
    activation: str, name: str, z: list[float], a: list[float], y: list[float]
) -> list[float]:
    """δ[L][j] = Σ_k ∂ℓ/∂a[L][k] · ∂a[L][k]/∂z[L][j] (BP1).

    sigmoid + binary cross-entropy: δ = a − y; softmax + categorical cross-entropy:
    δ = a·Σ_k y_k − y (= a − y for one-hot y).  Otherwise δ_j = φ_L'(z_j)·∂ℓ/∂a_j, and for
    softmax, whose Jacobian is ∂a_k/∂z_j = a_k(1[k=j] − a_j), δ_j = a_j (g_j − Σ_k g_k a_k).
    """
    if name == "binary_cross_entropy":
        return [a_j - y_j for a_j, y_j in zip(a, y, strict=True)]
    if name == "categorical_cross_entropy":
        y_sum = 0.0
        for y_k in y:
            y_sum += y_k
        return [a_j * y_sum - y_j for a_j, y_j in zip(a, y, strict=True)]
    g = loss_gradient(name, a, y)
    if activation == "softmax":
        g_dot_a = 0.0
        for g_k, a_k in zip(g, a, strict=True):
            g_dot_a += g_k * a_k
        return [a_j * (g_j - g_dot_a) for a_j, g_j in zip(a, g, strict=True)]
    return [phi_prime(activation, z_j, a_j) * g_j for z_j, a_j, g_j in zip(z, a, g, strict=True)]
