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


@dataclass(frozen=True)
class DeclaredActivation:
    """The facts about an activation φ that every part of the project reads: its formulas
    live in the maths tables (reference, vectorized, the workspace, the rounding bound)."""

    bounded: bool  # φ's range is bounded; an unbounded layer can overflow unseen by Δ
    output_only: bool = False  # φ of a whole layer (no element-wise φ'): output layer only
    kinks: tuple[float, ...] = ()  # the z where φ' jumps (the derivative there: from below)
    saturates: bool = False  # φ' → 0 as |z| grows: the checker draws saturated layers


@dataclass(frozen=True)
class DeclaredLoss:
    """The facts about a per-sample loss ℓ(a, y) that every part of the project reads."""

    targets: str  # "real", "probability" (each y in [0, 1]) or "distribution" (a row of them)
    requires: str | None = None  # the output activation BP1 goes through: δ[L] = ∂ℓ/∂z
    kinks: tuple[float, ...] = ()  # the residuals a − y where ∂ℓ/∂a has a corner
    halved: bool = False  # written with and without ½ in published code: a factor 2 is usual


TARGETS = ("real", "probability", "distribution")
# The leaky ReLU's slope below its kink, which every maths table of it reads.
LEAKY_SLOPE = 0.01

# Each activation and each loss, declared once. Adding one is a row here and one in each
# maths table (docs/extending.md); everything else reads these.
ACTIVATIONS: dict[str, DeclaredActivation] = {
    "identity": DeclaredActivation(bounded=False),
    "sigmoid": DeclaredActivation(bounded=True, saturates=True),
    "tanh": DeclaredActivation(bounded=True, saturates=True),
    "relu": DeclaredActivation(bounded=False, kinks=(0.0,)),
    "leaky_relu": DeclaredActivation(bounded=False, kinks=(0.0,)),
    "softplus": DeclaredActivation(bounded=False),
    "softmax": DeclaredActivation(bounded=True, output_only=True),
}
LOSSES: dict[str, DeclaredLoss] = {
    "half_squared_error": DeclaredLoss("real", halved=True),
    "sum_of_squares": DeclaredLoss("real", halved=True),
    "binary_cross_entropy": DeclaredLoss("probability", requires="sigmoid"),
    "categorical_cross_entropy": DeclaredLoss("distribution", requires="softmax"),
    "huber": DeclaredLoss("real", kinks=(-1.0, 1.0)),
}
REDUCTIONS = ("sum", "mean")
BIAS_MODES = ("on", "off", "frozen")

Matrix = list[list[float]]


class ContractError(ValueError):
    """Raised at the public boundary when an input does not fit the contract."""


class DivergenceError(ArithmeticError):
    """Raised by a trainer when a step's cost or gradient is not finite; the step is not taken."""


def _choice(what: str, given: object, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if not isinstance(given, str) or given not in allowed:
        raise ContractError(f"{what}: expected one of {', '.join(allowed)}; got {given!r}")
    return given


@dataclass(frozen=True)
class Architecture:
    """Layer sizes n_0..n_L, one activation φ_l per layer l = 1..L, loss, reduction, bias mode,
    L2 strength λ.

    ``bias`` is ``"on"`` (trained), ``"frozen"`` (used in the forward pass, never updated)
    or ``"off"`` (not used; ``b`` must then be all zeros). ``l2`` is λ of the weight-decay
    term (λ/2)·Σ_l ‖W[l]‖² added once to the batch's cost, whatever the reduction; biases
    are not regularized (reference.regularization, which also converts the published
    conventions to λ).
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    reduction: str = "mean"
    bias: str = "on"
    l2: float = 0.0

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
            if ACTIVATIONS[name].output_only and l != len(activations):
                raise ContractError(
                    f"activation of layer {l}: {name} is allowed on the output layer "
                    f"only (layer {len(activations)}); got it on hidden layer {l}"
                )
        _choice("loss", self.loss, LOSSES)
        _choice("reduction", self.reduction, REDUCTIONS)
        _choice("bias", self.bias, BIAS_MODES)
        object.__setattr__(self, "l2", check_non_negative("l2", self.l2))
        out, needed = activations[-1], LOSSES[self.loss].requires
        if needed is not None and out != needed:
            raise ContractError(f"loss {self.loss}: expected a {needed} output layer; got {out!r}")

    def __repr__(self) -> str:
        """As built, leaving out λ when it is 0 (the default)."""
        l2 = f", l2={self.l2!r}" if self.l2 else ""
        return (
            f"Architecture(sizes={self.sizes!r}, activations={self.activations!r}, "
            f"loss={self.loss!r}, reduction={self.reduction!r}, bias={self.bias!r}{l2})"
        )

    @property
    def L(self) -> int:
        """Number of layers with weights, L."""
        return len(self.sizes) - 1

    def describe(self) -> str:
        """One line: ``2-2-2 sigmoid/sigmoid half_squared_error (mean, bias on)``, and
        ``, L2 λ=0.01`` inside the brackets when the weights are regularized."""
        shape = "-".join(str(n) for n in self.sizes)
        l2 = f", L2 λ={self.l2:g}" if self.l2 else ""
        return (
            f"{shape} {'/'.join(self.activations)} {self.loss} "
            f"({self.reduction}, bias {self.bias}{l2})"
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


def check_non_negative(what: str, value: object) -> float:
    """A finite real number >= 0 (NumPy scalars too; booleans and strings refused)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        v = float(value)
        if math.isfinite(v) and v >= 0:
            return v
    raise ContractError(f"{what}: expected a finite number >= 0; got {value!r}")


def check_learning_rate(learning_rate: object) -> float:
    """Learning rate η: a positive finite number."""
    return check_positive("learning_rate", learning_rate)


def check_target_range(arch: Architecture, low: float, high: float) -> None:
    """Targets declared as probabilities (the cross-entropies): every y in [0, 1]."""
    if LOSSES[arch.loss].targets != "real" and (low < 0.0 or high > 1.0):
        raise ContractError(
            f"Y: {arch.loss} expects targets in [0, 1]; got values in [{low!r}, {high!r}]"
        )


def check_order(order: object, N: int) -> list[int]:
    """A sample order: at least one whole number, each in 0..N-1 (NumPy integers too)."""
    if isinstance(order, (str, bytes)) or not isinstance(order, Iterable):
        raise ContractError(f"order: expected a sequence of sample indices; got {order!r}")
    items = list(order)
    if not items:
        raise ContractError(f"order: expected at least one index in 0..{N - 1}; got none")
    for k, n in enumerate(items):
        if not isinstance(n, numbers.Integral) or isinstance(n, bool) or not 0 <= int(n) < N:
            raise ContractError(
                f"order: expected sample indices in 0..{N - 1}; got {n!r} at position {k}"
            )
    return [int(n) for n in items]


def batches(order: Sequence[int], batch_size: int) -> list[list[int]]:
    """Which samples form each step's batch: consecutive slices of ``order`` of
    ``batch_size`` samples (the last may be shorter); shared by both trainers."""
    batch_size = check_whole("batch_size", batch_size)
    return [list(order[k : k + batch_size]) for k in range(0, len(order), batch_size)]
