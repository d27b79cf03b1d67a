"""L2 weight decay: C = C₀ + (λ/2)·Σ_l Σ_j Σ_i W[l][j][i]² (L2), where C₀ is the sum or the
mean of the per-sample losses, so that ∂C/∂W[l][j][i] = ∂C₀/∂W[l][j][i] + λ·W[l][j][i]
(BP4 + L2) and ∂C/∂b[l][j] = ∂C₀/∂b[l][j]: biases are not regularized.

The term belongs to the batch's cost and is added once, after the sum or the mean over the
samples. Published code writes the same term in other units; ``CONVENTIONS`` names the
usual ones and converts their hyperparameter to the λ of the contract and back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reference.contract import Architecture, ContractError, Matrix, Parameters, check_whole


def l2_term(arch: Architecture, params: Parameters) -> float:
    """(λ/2)·Σ_l Σ_j Σ_i W[l][j][i]² (L2); exactly 0 when λ = 0."""
    if not arch.l2:
        return 0.0
    squares = 0.0
    for W_l in params.W:
        for W_lj in W_l:
            for w in W_lj:
                squares += w * w
    return 0.5 * arch.l2 * squares


def with_l2_gradient(arch: Architecture, params: Parameters, dW: list[Matrix]) -> list[Matrix]:
    """∂C/∂W[l][j][i] = ∂C₀/∂W[l][j][i] + λ·W[l][j][i] (BP4 + L2); ``dW`` itself when λ = 0."""
    if not arch.l2:
        return dW
    lam = arch.l2
    return [
        [
            [g + lam * w for g, w in zip(g_j, W_j, strict=True)]
            for g_j, W_j in zip(g_l, W_l, strict=True)
        ]
        for g_l, W_l in zip(dW, params.W, strict=True)
    ]


@dataclass(frozen=True)
class L2Convention:
    """How one published style writes the L2 term: its hyperparameter is ``per_lambda(n)·λ``,
    where n is the count the style divides by (the training set's or the batch's size)."""

    written: str  # the term as that code writes it
    source: str  # where it is written so
    per_lambda: Callable[[int], float]

    def to_lambda(self, value: float, n: int = 1) -> float:
        """The contract's λ for this style's hyperparameter ``value``."""
        return value / self.per_lambda(check_whole("n", n))

    def from_lambda(self, lam: float, n: int = 1) -> float:
        """This style's hyperparameter for the contract's λ."""
        return lam * self.per_lambda(check_whole("n", n))


CONVENTIONS: dict[str, L2Convention] = {
    "contract": L2Convention("(λ/2)·Σ‖W‖², once per batch", "this project", lambda n: 1.0),
    "nielsen": L2Convention(
        "(λ/2n)·Σw², n the training set's size",
        "M. Nielsen, Neural Networks and Deep Learning, ch. 3 (network2.py)",
        lambda n: float(n),
    ),
    "cs231n": L2Convention(
        "reg·ΣW², gradient 2·reg·W",
        "Stanford CS231n, assignment 1 (linear classifiers)",
        lambda n: 0.5,
    ),
    "cs231n_half": L2Convention(
        "0.5·reg·ΣW², gradient reg·W", "Stanford CS231n, assignment 2 (fc_net.py)", lambda n: 1.0
    ),
    "sklearn": L2Convention(
        "(alpha/2)·ΣW²/n, n the batch's size",
        "scikit-learn, MLPClassifier and MLPRegressor (alpha)",
        lambda n: float(n),
    ),
}


def convention(name: str) -> L2Convention:
    """The named L2 convention; an unknown name fails with the known ones."""
    if name not in CONVENTIONS:
        raise ContractError(f"convention: expected one of {', '.join(CONVENTIONS)}; got {name!r}")
    return CONVENTIONS[name]
