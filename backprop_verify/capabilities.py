"""What a checked implementation supports, declared once; the cases are drawn inside it.

A module under check may set ``CAPABILITIES = Capabilities(...)``. Without one, it is held
to the whole contract. Every generated case, special case and per-loss check lies inside
the declared space; a check that cannot be drawn there is reported "not applicable" with
its reason, never passed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import reference
from reference.contract import ContractError

# How a module stores W[l]: as the contract, (n_l, n_{l-1}) with row j holding the weights
# into node j (z = W a); or transposed, (n_{l-1}, n_l), as code that computes X @ W does.
LAYOUTS = ("out_in", "in_out")


def _names(what: str, given: object, allowed: Iterable[str]) -> tuple[str, ...]:
    allowed = tuple(allowed)
    if isinstance(given, str) or not isinstance(given, (tuple, list)):
        raise ContractError(
            f"{what}: expected a tuple of names from {', '.join(allowed)}; got {given!r}"
        )
    for name in given:
        if name not in allowed:
            raise ContractError(f"{what}: expected names from {', '.join(allowed)}; got {name!r}")
    return tuple(given)


@dataclass(frozen=True)
class Capabilities:
    """The part of the contract an implementation supports.

    ``hidden`` and ``output``: activations it supports on hidden layers and on the output
    layer; ``losses``, ``reductions``, ``biases``: from the contract's names; depth (layers
    with weights) from ``min_depth`` to ``max_depth``, widths up to ``max_width``, batches
    up to ``max_batch``; ``learning_rates`` its step accepts; ``dtypes`` it computes in;
    ``weights`` its layout of W (see LAYOUTS).
    """

    hidden: tuple[str, ...] = field(default_factory=lambda: hidden_activations())
    output: tuple[str, ...] = field(default_factory=lambda: tuple(reference.ACTIVATIONS))
    losses: tuple[str, ...] = field(default_factory=lambda: tuple(reference.LOSSES))
    reductions: tuple[str, ...] = reference.REDUCTIONS
    biases: tuple[str, ...] = reference.BIAS_MODES
    min_depth: int = 1
    max_depth: int = 4
    max_width: int = 8
    max_batch: int = 16
    learning_rates: tuple[float, ...] = (1e-3, 0.1, 1.0)
    dtypes: tuple[str, ...] = ("float64", "float32")
    weights: str = "out_in"
    pairs: tuple[tuple[str, str], ...] = field(init=False)

    def __post_init__(self) -> None:
        _names("hidden", self.hidden, hidden_activations())
        _names("output", self.output, reference.ACTIVATIONS)
        _names("losses", self.losses, reference.LOSSES)
        _names("reductions", self.reductions, reference.REDUCTIONS)
        _names("biases", self.biases, reference.BIAS_MODES)
        _names("dtypes", self.dtypes, ("float64", "float32"))
        for what in ("output", "losses", "reductions", "biases", "dtypes", "learning_rates"):
            if not getattr(self, what):
                raise ContractError(f"{what}: expected at least one; got none")
        limits = (self.min_depth, self.max_depth, self.max_width, self.max_batch)
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in limits):
            raise ContractError(
                "min_depth, max_depth, max_width, max_batch: expected whole numbers >= 1; "
                f"got {limits}"
            )
        if self.min_depth > self.max_depth:
            raise ContractError(
                "min_depth, max_depth: expected min <= max; "
                f"got {self.min_depth} > {self.max_depth}"
            )
        if self.min_depth > 1 and not self.hidden:
            raise ContractError(
                f"min_depth {self.min_depth}: hidden layers need hidden activations"
            )
        for rate in self.learning_rates:
            if not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= 0:
                raise ContractError(
                    f"learning_rates: expected positive finite numbers; got {rate!r}"
                )
        if self.weights not in LAYOUTS:
            raise ContractError(
                f"weights: expected one of {', '.join(LAYOUTS)}; got {self.weights!r}"
            )
        pairs = tuple(
            (act, loss) for act in self.output for loss in self.losses if _accepted(act, loss)
        )
        if not pairs:
            raise ContractError(
                f"output {self.output} and losses {self.losses}: no pair the contract accepts "
                "(binary cross-entropy needs a sigmoid output, categorical a softmax one)"
            )
        object.__setattr__(self, "pairs", pairs)

    @property
    def depths(self) -> tuple[int, int]:
        """The depths that can be drawn: hidden layers only with hidden activations."""
        return (self.min_depth, self.max_depth if self.hidden else 1)

    def covers(self, arch: reference.Architecture) -> bool:
        """Whether ``arch`` lies inside the declared space."""
        return (
            self.depths[0] <= arch.L <= self.depths[1]
            and max(arch.sizes) <= self.max_width
            and all(a in self.hidden for a in arch.activations[:-1])
            and (arch.activations[-1], arch.loss) in self.pairs
            and arch.reduction in self.reductions
            and arch.bias in self.biases
        )

    def describe(self) -> str:
        """One line of what is declared."""
        hidden = "/".join(self.hidden) or "none"
        return (
            f"hidden {hidden}; output {'/'.join(self.output)}; losses {'/'.join(self.losses)}; "
            f"{'/'.join(self.reductions)}; bias {'/'.join(self.biases)}; "
            f"depth {self.depths[0]}–{self.depths[1]}, width ≤ {self.max_width}, "
            f"batch ≤ {self.max_batch}; W as {self.weights}"
        )


def hidden_activations() -> tuple[str, ...]:
    """Every activation the contract allows on a hidden layer (all but the output-only)."""
    return tuple(name for name, d in reference.ACTIVATIONS.items() if not d.output_only)


def _accepted(activation: str, loss: str) -> bool:
    try:
        reference.Architecture((1, 1), (activation,), loss)
    except ContractError:
        return False
    return True
