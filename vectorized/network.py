"""Forward pass, cost, backward pass and one SGD step: the reference's loops as matrix products."""

from __future__ import annotations

import numpy as np

from reference.contract import Architecture, check_learning_rate
from vectorized.activations import phi, phi_prime
from vectorized.arrays import FloatArray, Gradients, Parameters
from vectorized.losses import losses, output_delta
from vectorized.regularization import l2_term, with_l2_gradient
from vectorized.validation import check_batch, check_data, check_parameters


def forward_pass(
    arch: Architecture, params: Parameters, X: object
) -> tuple[list[FloatArray], list[FloatArray]]:
    """Every Z[l] and A[l] for the batch X (checked; see feed_forward)."""
    dtype = check_parameters(arch, params)
    return feed_forward(arch, params, check_batch("X", X, arch.sizes[0], dtype))


def feed_forward(
    arch: Architecture, params: Parameters, X: FloatArray
) -> tuple[list[FloatArray], list[FloatArray]]:
    """Z[l] = A[l-1] @ W[l]ᵀ + b[l], A[l] = φ_l(Z[l]); A[0] = X (one row per sample).

    Returns (Z, A) indexed by layer; Z[0] is X itself (the input has no weighted input).
    Unchecked: for callers whose parameters and batch are already checked.
    """
    Z: list[FloatArray] = [X]
    A: list[FloatArray] = [X]
    for l in range(1, arch.L + 1):
        Z_l = A[l - 1] @ params.W[l - 1].T
        if arch.bias != "off":
            Z_l += params.b[l - 1]
        Z.append(Z_l)
        A.append(phi(arch.activations[l - 1], Z_l))
    return Z, A


def forward(arch: Architecture, params: Parameters, X: object) -> FloatArray:
    """Network outputs A[L], shape (N, n_L), for the batch X of shape (N, n_0)."""
    dtype = check_parameters(arch, params)
    return feed_forward(arch, params, check_batch("X", X, arch.sizes[0], dtype))[1][arch.L]


def reduce_cost(arch: Architecture, per_sample: FloatArray) -> float:
    """C = Σ_n ℓ_n (sum) or (1/N) Σ_n ℓ_n (mean)."""
    total = float(per_sample.sum())
    return total / per_sample.shape[0] if arch.reduction == "mean" else total


def cost(arch: Architecture, params: Parameters, X: object, Y: object) -> float:
    """C = Σ_n ℓ(A[L]_n, Y_n), divided by N for the mean reduction, + (λ/2)·Σ‖W‖² (L2)."""
    dtype = check_parameters(arch, params)
    Xa, Ya = check_data(arch, X, Y, dtype)
    Z, A = feed_forward(arch, params, Xa)
    return reduce_cost(arch, losses(arch.loss, Z[arch.L], A[arch.L], Ya)) + l2_term(arch, params)


def backward_arrays(
    arch: Architecture, params: Parameters, X: FloatArray, Y: FloatArray
) -> Gradients:
    """BP1–BP4 on checked arrays: Δ[l-1] = (Δ[l] @ W[l]) * φ'(Z[l-1]), ∂C/∂W[l] = Δ[l]ᵀ @ A[l-1]
    (+ λ·W[l] for L2)."""
    L = arch.L
    Z, A = feed_forward(arch, params, X)
    C = reduce_cost(arch, losses(arch.loss, Z[L], A[L], Y)) + l2_term(arch, params)
    Delta = output_delta(arch.activations[L - 1], arch.loss, Z[L], A[L], Y)
    if arch.reduction == "mean":
        Delta = Delta / X.shape[0]  # the 1/N of the cost, applied once to Δ[L]
    dW: list[FloatArray] = [Delta] * L  # placeholders, every entry is overwritten below
    db: list[FloatArray] = [Delta] * L
    for l in range(L, 0, -1):
        dW[l - 1] = Delta.T @ A[l - 1]
        db[l - 1] = Delta.sum(axis=0) if arch.bias != "off" else np.zeros(arch.sizes[l], X.dtype)
        if l > 1:
            Delta = (Delta @ params.W[l - 1]) * phi_prime(
                arch.activations[l - 2], Z[l - 1], A[l - 1]
            )
    return Gradients(with_l2_gradient(arch, params, dW), db, C)


def backward(arch: Architecture, params: Parameters, X: object, Y: object) -> Gradients:
    """∂C/∂W[l] = Δ[l]ᵀ @ A[l-1] (BP4), ∂C/∂b[l] = Σ_n Δ[l] (BP3); zeros for b when bias is off."""
    dtype = check_parameters(arch, params)
    Xa, Ya = check_data(arch, X, Y, dtype)
    return backward_arrays(arch, params, Xa, Ya)


def apply_update(
    arch: Architecture, params: Parameters, grads: Gradients, learning_rate: float
) -> Parameters:
    """W[l] ← W[l] − η ∂C/∂W[l]; b[l] ← b[l] − η ∂C/∂b[l] if bias is 'on'. Returns new arrays."""
    eta = params.dtype.type(learning_rate)
    W = [W_l - eta * g for W_l, g in zip(params.W, grads.W, strict=True)]
    if arch.bias == "on":
        b = [b_l - eta * g for b_l, g in zip(params.b, grads.b, strict=True)]
    else:
        b = [b_l.copy() for b_l in params.b]
    return Parameters(W, b)


def sgd_step(
    arch: Architecture, params: Parameters, X: object, Y: object, learning_rate: float
) -> Parameters:
    """One gradient-descent step on the batch: θ ← θ − η ∂C/∂θ. Returns new parameters."""
    eta = check_learning_rate(learning_rate)
    return apply_update(arch, params, backward(arch, params, X, Y), eta)
