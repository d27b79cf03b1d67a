"""Hypothesis strategies: random valid networks, parameters and data (plain lists)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st

import reference
from backprop_verify.capabilities import FULL, Capabilities
from backprop_verify.rounding import ACTIVATION_FACTS


def _accepted(activation: str, loss: str) -> bool:
    try:
        reference.Architecture((1, 1), (activation,), loss)
    except reference.ContractError:
        return False
    return True


# Every activation a hidden layer may have (the contract allows softmax on the output only),
# and every (output activation, loss) pair the contract accepts: read from the contract, so
# a new activation or loss is drawn as soon as it is added there.
HIDDEN = tuple(
    name for name in reference.ACTIVATIONS if ACTIVATION_FACTS[name].max_abs_dphi is not None
)
OUTPUT_PAIRS = tuple(
    (act, loss)
    for act in reference.ACTIVATIONS
    for loss in reference.LOSSES
    if _accepted(act, loss)
)
# From tiny to large enough to saturate σ (|z| of hundreds).
SCALES = (1e-3, 0.3, 1.0, 4.0, 30.0)


@dataclass
class Case:
    """One network with its parameters and a batch (X, Y), all plain Python floats."""

    arch: reference.Architecture
    params: reference.Parameters
    X: list[list[float]]
    Y: list[list[float]]

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return (
            f"Case({self.arch!r},\n  W={self.params.W!r},\n  b={self.params.b!r},\n"
            f"  X={self.X!r},\n  Y={self.Y!r})"
        )


def targets(rng: random.Random, loss: str, N: int, n: int) -> list[list[float]]:
    """Targets that fit the loss: reals, probabilities in [0, 1], or one-hot / soft labels."""
    if loss == "binary_cross_entropy":
        return [[rng.choice((0.0, 1.0, rng.random())) for _ in range(n)] for _ in range(N)]
    if loss == "categorical_cross_entropy":
        rows = []
        for _ in range(N):
            if rng.random() < 0.5:
                row = [0.0] * n
                row[rng.randrange(n)] = 1.0
            else:
                w = [rng.random() + 1e-3 for _ in range(n)]
                row = [v / sum(w) for v in w]
            rows.append(row)
        return rows
    return [[rng.uniform(-1.0, 1.0) for _ in range(n)] for _ in range(N)]


@st.composite
def cases(
    draw: st.DrawFn,
    max_depth: int = 4,
    max_width: int = 8,
    max_batch: int = 16,
    scales: tuple[float, ...] = SCALES,
    input_scales: tuple[float, ...] = (1e-3, 1.0, 10.0),
    caps: Capabilities = FULL,
    losses: tuple[str, ...] | None = None,
    reductions: tuple[str, ...] | None = None,
    biases: tuple[str, ...] | None = None,
    relu_at_zero: bool | None = None,
    need: str | None = None,
) -> Case:
    """A network, parameters and a batch inside ``caps`` (by default the whole contract:
    depth 1–4, widths 1–8, every valid activation/loss/reduction/bias, batch 1–16).

    ``losses``, ``reductions``, ``biases`` narrow the declared ones further; ``need`` is an
    activation that must appear in the network (for the special cases that are about it);
    ``relu_at_zero`` forces (or forbids) a ReLU node whose z is exactly 0.
    """
    low, high = caps.depths
    pairs = [(act, loss) for act, loss in caps.pairs if losses is None or loss in losses]
    if need is not None and all(act != need for act, _ in pairs):
        low = max(low, 2)  # ``need`` can only be a hidden layer's activation
    L = draw(st.integers(low, min(high, max_depth)))
    sizes = tuple(
        draw(
            st.lists(st.integers(1, min(max_width, caps.max_width)), min_size=L + 1, max_size=L + 1)
        )
    )
    pairs = [(act, loss) for act, loss in caps.pairs if losses is None or loss in losses]
    hidden = [draw(st.sampled_from(caps.hidden)) for _ in range(L - 1)]
    if need is not None and need not in hidden:
        output_pairs = [pair for pair in pairs if pair[0] == need]
        if output_pairs and (L == 1 or need not in caps.hidden or draw(st.booleans())):
            pairs = output_pairs
        else:
            hidden[draw(st.integers(0, len(hidden) - 1))] = need
    out_act, loss = draw(st.sampled_from(pairs))
    arch = reference.Architecture(
        sizes,
        (*hidden, out_act),
        loss,
        draw(st.sampled_from(reductions or caps.reductions)),
        draw(st.sampled_from(biases or caps.biases)),
    )
    N = draw(st.integers(1, min(max_batch, caps.max_batch)))
    scale = draw(st.sampled_from(scales))
    x_scale = draw(st.sampled_from(input_scales))
    at_zero = draw(st.booleans()) if relu_at_zero is None else relu_at_zero
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    W = [
        [[scale * rng.uniform(-1, 1) for _ in range(sizes[l - 1])] for _ in range(sizes[l])]
        for l in range(1, L + 1)
    ]
    b = [
        [scale * rng.uniform(-1, 1) if arch.bias != "off" else 0.0 for _ in range(sizes[l])]
        for l in range(1, L + 1)
    ]
    if at_zero:
        # Node 0 of every ReLU layer gets z = 0 exactly, for every sample, in any
        # summation order: its weights and bias are zero.
        for l, act in enumerate(arch.activations, start=1):
            if act == "relu":
                W[l - 1][0] = [0.0] * sizes[l - 1]
                b[l - 1][0] = 0.0
    X = [[x_scale * rng.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(N)]
    Y = targets(rng, loss, N, sizes[-1])
    return Case(arch, reference.Parameters(W, b), X, Y)
