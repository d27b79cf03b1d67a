"""The plain-data contract both implementations share: architecture, parameters, gradients.

Notation (docs/notation.md): layers l = 1..L, a[0] = x, W[l] has shape (n_l, n_{l-1}) and row j
holds the weights *into* node j.  Python lists count from 0, so layer l's matrix is stored
at ``params.W[l - 1]`` and its biases at ``params.b[l - 1]``.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ACTIVATIONS = ("identity", "sigmoid", "tanh", "relu", "softmax")
LOSSES = (
    "half_squared_error",
    "sum_of_squares",
    "binary_cross_entropy",
    "categorical_cross_entropy",
)
REDUCTIONS = ("sum", "mean")
BIAS_MODES = ("on", "off", "frozen")

Matrix = list[list[float]]


class ContractError(ValueError):
    """Raised at the public boundary when an input does not fit the contract."""


class DivergenceError(ArithmeticError):
    """Raised by a trainer when a step's cost or gradient is not finite; the step is not taken."""


def _choice(what: str, given: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(given, str) or given not in allowed:
        raise ContractError(f"{what}: expected one of {', '.join(allowed)}; got {given!r}")
    return given


@dataclass(frozen=True)
class Architecture:
    """Layer sizes n_0..n_L, one activation φ_l per layer l = 1..L, loss, reduction, bias mode.

    ``bias`` is ``"on"`` (trained), ``"frozen"`` (used in the forward pass, never updated)
    or ``"off"`` (not used; ``b`` must then be all zeros).
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    reduction: str = "mean"
    bias: str = "on"

    def __post_init__(self) -> None:
        if isinstance(self.sizes, (str, bytes)) or not isinstance(self.sizes, Iterable):
            raise ContractError(f"sizes: expected a sequence of whole numbers; got {self.sizes!r}")
        if isinstance(self.activations, (str, bytes)) or not isinstance(self.activations, Iterable):
            raise ContractError(
                f"activations: expected a sequence of names; got {self.activations!r}"
            )
        sizes = tuple(self.sizes)
        activations = tuple(self.activations)
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "activations", activations)
        if len(sizes) < 2:
            raise ContractError(
                f"sizes: expected at least two layers (input and output); got {list(sizes)}"
            )
        for k, n in enumerate(sizes):
            if not isinstance(n, numbers.Integral) or isinstance(n, bool) or n < 1:
                raise ContractError(
                    f"sizes: expected whole numbers >= 1; got {n!r} at position {k}"
                )
        sizes = tuple(int(n) for n in sizes)
        object.__setattr__(self, "sizes", sizes)
        if len(activations) != len(sizes) - 1:
            raise ContractError(
                f"activations: expected one per layer after the input "
                f"({len(sizes) - 1}); got {len(activations)}"
            )
        for l, name in enumerate(activations, start=1):
            _choice(f"activation of layer {l}", name, ACTIVATIONS)
            if name == "softmax" and l != len(activations):
                raise ContractError(
                    f"activation of layer {l}: softmax is allowed on the output layer "
                    f"only (layer {len(activations)}); got it on hidden layer {l}"
                )
        _choice("loss", self.loss, LOSSES)
        _choice("reduction", self.reduction, REDUCTIONS)
        _choice("bias", self.bias, BIAS_MODES)
        out = activations[-1]
        if self.loss == "categorical_cross_entropy" and out != "softmax":
            raise ContractError(
                f"loss categorical_cross_entropy: expected a softmax output layer; got {out!r}"
            )
        if self.loss == "binary_cross_entropy" and out != "sigmoid":
            raise ContractError(
                "loss binary_cross_entropy: expected outputs in (0, 1) from a sigmoid "
                f"output layer; got {out!r}"
            )

    @property
    def L(self) -> int:
        """Number of layers with weights, L."""
        return len(self.sizes) - 1

    def describe(self) -> str:
        """One line: ``2-2-2 sigmoid/sigmoid half_squared_error (mean, bias on)``."""
        shape = "-".join(str(n) for n in self.sizes)
        return (
            f"{shape} {'/'.join(self.activations)} {self.loss} ({self.reduction}, bias {self.bias})"
        )


@dataclass
class Parameters:
    """W[l-1][j][i] = W[l][j][i] and b[l-1][j] = b[l][j], as nested lists of floats."""

    W: list[Matrix]
    b: list[list[float]]


@dataclass
class Gradients:
    """∂C/∂W[l][j][i] and ∂C/∂b[l][j] (stored like Parameters) and the cost C they belong to."""

    W: list[Matrix]
    b: list[list[float]]
    cost: float = field(default=0.0)


def check_architecture(arch: object) -> Architecture:
    """An Architecture (built, so already checked)."""
    if not isinstance(arch, Architecture):
        raise ContractError(f"arch: expected reference.Architecture; got {type(arch).__name__}")
    return arch


def init_parameters(arch: Architecture, seed: int, scale: float = 1.0) -> Parameters:
    """W[l][j][i] ~ N(0, scale²/n_{l-1}), b[l][j] = 0, drawn from ``random.Random(seed)``."""
    check_architecture(arch)
    rng = random.Random(check_whole("seed", seed, minimum=0))
    scale = check_positive("scale", scale)
    W: list[Matrix] = []
    b: list[list[float]] = []
    for l in range(1, arch.L + 1):
        n_prev, n_l = arch.sizes[l - 1], arch.sizes[l]
        sd = scale / math.sqrt(n_prev)
        W.append([[rng.gauss(0.0, sd) for _ in range(n_prev)] for _ in range(n_l)])
        b.append([0.0] * n_l)
    return Parameters(W, b)


def check_whole(what: str, value: object, minimum: int = 1) -> int:
    """A whole number >= ``minimum`` (NumPy integers too; booleans and strings refused)."""
    if (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool)
        and int(value) >= minimum
    ):
        return int(value)
    raise ContractError(f"{what}: expected a whole number >= {minimum}; got {value!r}")


def check_positive(what: str, value: object) -> float:
    """A positive finite real number (NumPy scalars too; booleans and strings refused)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        v = float(value)
        if math.isfinite(v) and v > 0:
            return v
    raise ContractError(f"{what}: expected a positive finite number; got {value!r}")


def check_learning_rate(learning_rate: object) -> float:
    """Learning rate η: a positive finite number."""
    return check_positive("learning_rate", learning_rate)


def check_target_range(arch: Architecture, low: float, high: float) -> None:
    """Cross-entropy targets are probabilities: every y in [0, 1]."""
    if arch.loss in ("binary_cross_entropy", "categorical_cross_entropy") and (
        low < 0.0 or high > 1.0
    ):
        raise ContractError(
            f"Y: {arch.loss} expects targets in [0, 1]; got values in [{low!r}, {high!r}]"
        )


def batches(order: Sequence[int], batch_size: int) -> list[list[int]]:
    """Which samples form each step's batch: consecutive slices of ``order`` of
    ``batch_size`` samples (the last may be shorter); shared by both trainers."""
    batch_size = check_whole("batch_size", batch_size)
    return [list(order[k : k + batch_size]) for k in range(0, len(order), batch_size)]
