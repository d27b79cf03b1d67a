"""What a checked implementation supports, declared once; the cases are drawn inside it.

A module under check may set ``CAPABILITIES = Capabilities(...)``. Without one, it is held
to the whole contract but L2 (which code must say it reads). Every generated case, special
case and per-loss check lies inside the declared space; a check that cannot be drawn there
is reported "not applicable" with its reason, never passed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import reference
from reference.contract import ContractError

# How a module stores W[l]: as the contract, (n_l, n_{l-1}) with row j holding the weights
# into node j (z = W a); or transposed, (n_{l-1}, n_l), as code that computes X @ W does.
LAYOUTS = ("out_in", "in_out")
# What targets a module takes: any the loss allows (one-hot or soft rows, 0/1 or soft
# probabilities); hard ones only (one-hot rows, 0/1); or integer class labels, an array of
# shape (N,) handed to the module as such (CS231n's loss(X, y)), for categorical losses.
TARGET_FORMS = ("any", "hard", "labels")


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
    layer; ``hidden_shared``: one of them for every hidden layer of a network;
    ``hidden_pattern``: the hidden activations by position (layer 1, 2, …), for code that
    fixes them; ``losses``, ``reductions``, ``biases``: from the contract's names; depth
    (layers with weights) from ``min_depth`` to ``max_depth``, widths up to ``max_width``,
    hidden widths from ``min_hidden_width`` to ``max_hidden_width``, ``output_width`` if the
    code has one, batches up to ``max_batch``; ``targets`` the form of Y (TARGET_FORMS);
    ``learning_rates`` its step accepts; ``dtypes`` it computes in; ``weights`` its layout
    of W (see LAYOUTS); ``l2``: it reads ``arch.l2`` and adds the L2 term (λ/2)·Σ‖W‖² to
    its cost, λ·W to its weight gradients (reference.regularization), so that λ > 0 is
    drawn as well as λ = 0.
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
    hidden_shared: bool = False
    hidden_pattern: tuple[str, ...] = ()
    output_width: int | None = None
    min_hidden_width: int = 1
    max_hidden_width: int | None = None  # None: max_width
    targets: str = "any"
    l2: bool = False
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
        self._check_shapes()
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

    def _check_shapes(self) -> None:
        """The fields that say how networks and targets are shaped by the code."""
        if not isinstance(self.hidden_shared, bool):
            raise ContractError(
                f"hidden_shared: expected True or False; got {self.hidden_shared!r}"
            )
        if self.hidden_pattern:
            _names("hidden_pattern", self.hidden_pattern, self.hidden)
        widths = {
            "output_width": self.output_width,
            "min_hidden_width": self.min_hidden_width,
            "max_hidden_width": self.max_hidden_width,
        }
        for what, n in widths.items():
            if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
                raise ContractError(f"{what}: expected a whole number >= 1; got {n!r}")
            if n is not None and n > self.max_width:
                raise ContractError(f"{what}: expected at most max_width {self.max_width}; got {n}")
        if self.min_hidden_width > self.hidden_widths[1]:
            raise ContractError(
                f"min_hidden_width, max_hidden_width: expected min <= max; got "
                f"{self.min_hidden_width} > {self.hidden_widths[1]}"
            )
        if self.min_depth > self.depths[1]:
            raise ContractError(
                f"min_depth {self.min_depth}: the hidden_pattern names "
                f"{len(self.hidden_pattern)} hidden layers, so at most depth {self.depths[1]}"
            )
        if self.targets not in TARGET_FORMS:
            raise ContractError(
                f"targets: expected one of {', '.join(TARGET_FORMS)}; got {self.targets!r}"
            )
        if self.targets == "labels":
            others = [n for n in self.losses if reference.LOSSES[n].targets != "distribution"]
            if others:
                raise ContractError(
                    f"targets labels: class labels stand for one-hot rows, so every loss must "
                    f"take distributions (categorical_cross_entropy); got {', '.join(others)}"
                )

    @property
    def hidden_widths(self) -> tuple[int, int]:
        """The widths a hidden layer can be drawn with."""
        high = self.max_width if self.max_hidden_width is None else self.max_hidden_width
        return (self.min_hidden_width, high)

    @property
    def depths(self) -> tuple[int, int]:
        """The depths that can be drawn: hidden layers only with hidden activations (and no
        more of them than a pattern names)."""
        if not self.hidden:
            return (self.min_depth, 1)
        high = self.max_depth
        if self.hidden_pattern:
            high = min(high, len(self.hidden_pattern) + 1)
        return (self.min_depth, high)

    def hidden_layers(self, L: int, pick: Callable[[tuple[str, ...]], str]) -> tuple[str, ...]:
        """The activations of the L − 1 hidden layers of a network, each chosen by ``pick``
        among the declared ones: by position, shared, or one per layer."""
        if self.hidden_pattern:
            return self.hidden_pattern[: L - 1]
        if self.hidden_shared:
            return (pick(self.hidden),) * (L - 1) if L > 1 else ()
        return tuple(pick(self.hidden) for _ in range(L - 1))

    def sizes(self, L: int, pick: Callable[[int, int], int], limit: int) -> tuple[int, ...]:
        """n_0..n_L inside the declared widths, at most ``limit``, each chosen by ``pick``
        between two bounds."""
        top = min(limit, self.max_width)
        low, high = self.hidden_widths
        low = min(low, top)
        inputs = pick(1, top)
        hidden = [pick(low, max(low, min(high, top))) for _ in range(L - 1)]
        out = self.output_width if self.output_width is not None else pick(1, top)
        return (inputs, *hidden, out)

    def covers(self, arch: reference.Architecture) -> bool:
        """Whether ``arch`` lies inside the declared space."""
        hidden = arch.activations[:-1]
        low, high = self.hidden_widths
        return (
            self.depths[0] <= arch.L <= self.depths[1]
            and max(arch.sizes) <= self.max_width
            and all(low <= n <= high for n in arch.sizes[1:-1])
            and self.output_width in (None, arch.sizes[-1])
            and all(a in self.hidden for a in hidden)
            and (not self.hidden_pattern or hidden == self.hidden_pattern[: arch.L - 1])
            and (not self.hidden_shared or len(set(hidden)) <= 1)
            and (arch.activations[-1], arch.loss) in self.pairs
            and arch.reduction in self.reductions
            and arch.bias in self.biases
            and (self.l2 or not arch.l2)
        )

    def describe(self) -> str:
        """One line of what is declared."""
        hidden = "/".join(self.hidden) or "none"
        if self.hidden_pattern:
            hidden = "by position " + ", ".join(self.hidden_pattern)
        elif self.hidden_shared:
            hidden += " (one for all hidden layers)"
        low, high = self.hidden_widths
        widths = f"width ≤ {self.max_width}"
        if (low, high) != (1, self.max_width):
            widths += f", hidden {low}–{high}"
        if self.output_width is not None:
            widths += f", output {self.output_width}"
        targets = "" if self.targets == "any" else f"; targets {self.targets}"
        targets += "; L2" if self.l2 else ""
        return (
            f"hidden {hidden}; output {'/'.join(self.output)}; losses {'/'.join(self.losses)}; "
            f"{'/'.join(self.reductions)}; bias {'/'.join(self.biases)}; "
            f"depth {self.depths[0]}–{self.depths[1]}, {widths}, "
            f"batch ≤ {self.max_batch}{targets}; W as {self.weights}"
        )


def whole_contract() -> Capabilities:
    """Everything the contract holds, L2 included: what the project's own implementations
    support (a user's module without a declaration is held to all of it but L2)."""
    return Capabilities(l2=True)


def hidden_activations() -> tuple[str, ...]:
    """Every activation the contract allows on a hidden layer (all but the output-only)."""
    return tuple(name for name, d in reference.ACTIVATIONS.items() if not d.output_only)


def _accepted(activation: str, loss: str) -> bool:
    try:
        reference.Architecture((1, 1), (activation,), loss)
    except ContractError:
        return False
    return True
