"""L2 weight decay, the reference's loops folded: C = C₀ + (λ/2)·Σ_l ‖W[l]‖² (L2) and
∂C/∂W[l] = ∂C₀/∂W[l] + λ·W[l] (BP4 + L2); biases are not regularized."""

from __future__ import annotations

from reference.contract import Architecture
from vectorized.arrays import FloatArray, Parameters


def l2_term(arch: Architecture, params: Parameters) -> float:
    """(λ/2)·Σ_l Σ W[l]² (L2); exactly 0 when λ = 0."""
    if not arch.l2:
        return 0.0
    return 0.5 * arch.l2 * sum(float((W_l * W_l).sum()) for W_l in params.W)


def with_l2_gradient(
    arch: Architecture, params: Parameters, dW: list[FloatArray]
) -> list[FloatArray]:
    """∂C/∂W[l] = ∂C₀/∂W[l] + λ·W[l] (BP4 + L2); ``dW`` itself when λ = 0."""
    if not arch.l2:
        return dW
    lam = params.dtype.type(arch.l2)
    return [g + lam * W_l for g, W_l in zip(dW, params.W, strict=True)]
