"""Hypothesis strategies: random valid networks, parameters and data (plain lists)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st

import reference
from backprop_verify.capabilities import Capabilities

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


def targets(rng: random.Random, loss: str, N: int, n: int, form: str = "any") -> list[list[float]]:
    """Targets of the kind the loss declares: reals, probabilities in [0, 1] (hard or soft),
    or distributions (one-hot or soft labels); hard ones only unless ``form`` is "any"."""
    kind, soft = reference.LOSSES[loss].targets, form == "any"
    if kind == "probability":
        if not soft:
            return [[rng.choice((0.0, 1.0)) for _ in range(n)] for _ in range(N)]
        return [[rng.choice((0.0, 1.0, rng.random())) for _ in range(n)] for _ in range(N)]
    if kind == "distribution":
        rows = []
        for _ in range(N):
            if not soft or rng.random() < 0.5:
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
    caps: Capabilities | None = None,
    losses: tuple[str, ...] | None = None,
    reductions: tuple[str, ...] | None = None,
    biases: tuple[str, ...] | None = None,
    at_kink: bool | None = None,
    need: str | None = None,
) -> Case:
    """A network, parameters and a batch inside ``caps`` (by default the whole contract:
    depth 1–4, widths 1–8, every valid activation/loss/reduction/bias, batch 1–16).

    ``losses``, ``reductions``, ``biases`` narrow the declared ones further; ``need`` is an
    activation that must appear in the network (for the special cases that are about it);
    ``at_kink`` forces (or forbids) a node whose z sits exactly on its activation's kink.
    """
    caps = Capabilities() if caps is None else caps
    low, high = caps.depths
    high = min(high, max_depth)
    pairs = [(act, loss) for act, loss in caps.pairs if losses is None or loss in losses]
    pattern = caps.hidden_pattern
    if need is not None and all(act != need for act, _ in pairs):
        # ``need`` can only be a hidden layer's activation: deep enough to hold it
        low = max(low, pattern.index(need) + 2 if need in pattern else 2)
    L = draw(st.integers(low, max(low, high)))
    sizes = caps.sizes(L, lambda a, b: draw(st.integers(a, b)), max_width)
    hidden = list(caps.hidden_layers(L, lambda names: draw(st.sampled_from(names))))
    if need is not None and need not in hidden:
        output_pairs = [pair for pair in pairs if pair[0] == need]
        hideable = L > 1 and need in caps.hidden and not pattern
        if output_pairs and (not hideable or draw(st.booleans())):
            pairs = output_pairs
        elif hideable and caps.hidden_shared:
            hidden = [need] * (L - 1)
        elif hideable:
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
    on_kink = draw(st.booleans()) if at_kink is None else at_kink
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    W = [
        [[scale * rng.uniform(-1, 1) for _ in range(sizes[l - 1])] for _ in range(sizes[l])]
        for l in range(1, L + 1)
    ]
    b = [
        [scale * rng.uniform(-1, 1) if arch.bias != "off" else 0.0 for _ in range(sizes[l])]
        for l in range(1, L + 1)
    ]
    if on_kink:
        # Node 0 of every layer whose φ' jumps gets z exactly at its first kink, for every
        # sample, in any summation order: its weights are zero and its bias is the kink
        # (without biases, only a kink at 0 can be reached).
        for l, act in enumerate(arch.activations, start=1):
            kinks = reference.ACTIVATIONS[act].kinks
            if kinks and (arch.bias != "off" or kinks[0] == 0.0):
                W[l - 1][0] = [0.0] * sizes[l - 1]
                b[l - 1][0] = kinks[0]
    X = [[x_scale * rng.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(N)]
    Y = targets(rng, loss, N, sizes[-1], caps.targets)
    return Case(arch, reference.Parameters(W, b), X, Y)
