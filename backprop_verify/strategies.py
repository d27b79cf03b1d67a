"""Hypothesis strategies: random valid networks, parameters and data (plain lists)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st

import reference
from backprop_verify.capabilities import Capabilities, whole_contract

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
    depth 1–4, widths 1–8, every valid activation/loss/reduction/bias, L2 λ in L2_STRENGTHS,
    batch 1–16).

    ``losses``, ``reductions``, ``biases`` narrow the declared ones further; ``need`` is an
    activation that must appear in the network (for the special cases that are about it);
    ``at_kink`` forces (or forbids) a node whose z sits exactly on its activation's kink.
    """
    caps = whole_contract() if caps is None else caps
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
        draw(st.sampled_from(L2_STRENGTHS if caps.l2 else (0.0,))),
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


def uniform_parameters(
    rng: random.Random, arch: reference.Architecture
) -> tuple[list[list[list[float]]], list[list[float]]]:
    """W and b uniform in [−1, 1] (b zeros when bias is off), drawn from ``rng``."""
    sizes = arch.sizes
    W = [
        [[rng.uniform(-1, 1) for _ in range(sizes[l - 1])] for _ in range(sizes[l])]
        for l in range(1, arch.L + 1)
    ]
    b = [
        [rng.uniform(-1, 1) if arch.bias != "off" else 0.0 for _ in range(sizes[l])]
        for l in range(1, arch.L + 1)
    ]
    return W, b


# The λ drawn when L2 is declared: none, weak and strong (λ·W is then as large as ∂C₀/∂W).
L2_STRENGTHS = (0.0, 0.1, 1.0)

# |z| past which e^{|z|} overflows, for each dtype (e^{709.8} and e^{88.7} are the largest).
OVERFLOW = {"float64": 800.0, "float32": 100.0}


# The kinds of extreme case: small shapes (and L2 on, when declared), z past exp's
# overflow, z exactly on a kink.
EXTREMES = ("shape", "overflow", "kink")


def extremes(caps: Capabilities, dtype: str = "float64") -> list[tuple[str, str, Case]]:
    """The cases published code breaks on, built the same way on every run: depth 1, one
    node per layer, L2 with λ = 1 when declared, every saturating or output-only activation
    with z past exp's overflow for ``dtype`` (±), every kinked activation with z exactly on
    its kink. Each lies inside
    ``caps``; one that cannot is left out. Each comes as (kind, what it is, the case)."""
    rng = random.Random(0)
    low, high = caps.depths
    out: list[tuple[str, str, Case]] = []

    def first(names: tuple[str, ...]) -> str:
        return names[0]

    def build(
        kind: str,
        what: str,
        L: int,
        width: int,
        special: str | None,
        z: tuple[float, ...],
        l2: float = 0.0,
    ) -> None:
        hidden = list(caps.hidden_layers(L, first))
        pairs = list(caps.pairs)
        layer = L  # the layer whose nodes get the special z
        if special is not None and any(act == special for act, _ in pairs):
            pairs = [pair for pair in pairs if pair[0] == special]
        elif special is not None and special in hidden:
            layer = hidden.index(special) + 1
        elif special is not None and L > 1 and special in caps.hidden and not caps.hidden_pattern:
            hidden = [special] * (L - 1) if caps.hidden_shared else [special, *hidden[1:]]
            layer = 1
        elif special is not None:
            return
        out_act, loss = pairs[0]
        h_low, h_high = caps.hidden_widths
        n_out = caps.output_width or max(width, len(z) if layer == L else 1)
        sizes = (
            min(2, caps.max_width),
            *[
                max(h_low, min(h_high, max(width, len(z)) if l == layer else width))
                for l in range(1, L)
            ],
            n_out,
        )
        arch = reference.Architecture(
            sizes, (*hidden, out_act), loss, caps.reductions[0], caps.biases[0], l2
        )
        if not caps.covers(arch):
            return
        W, b = uniform_parameters(rng, arch)
        if z and arch.bias == "off" and layer != 1:
            return  # without biases only the first layer's z can be set exactly
        N = min(2, caps.max_batch)
        X = [[rng.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(N)]
        for j, z_j in enumerate(z[: sizes[layer]]):
            if arch.bias != "off":
                W[layer - 1][j] = [0.0] * sizes[layer - 1]
                b[layer - 1][j] = z_j
            else:  # z = w·x with x_0 = 1 exactly
                W[layer - 1][j] = [z_j] + [0.0] * (sizes[0] - 1)
                for x in X:
                    x[0] = 1.0
        Y = targets(rng, loss, N, sizes[-1], caps.targets)
        out.append((kind, what, Case(arch, reference.Parameters(W, b), X, Y)))

    if low == 1:
        build("shape", "depth 1", 1, 2, None, ())
    build("shape", "one node per layer", max(low, min(high, 3)), 1, None, ())
    if caps.l2:
        build("shape", "L2 with λ = 1", max(low, min(high, 2)), 2, None, (), l2=1.0)
    big, two = OVERFLOW[dtype], max(low, min(high, 2))
    for name, declared in reference.ACTIVATIONS.items():
        if declared.saturates or declared.output_only:
            build("overflow", f"{name} past exp's overflow", two, 2, name, (big, -big))
        if declared.kinks:
            build("kink", f"{name} exactly at its kink", two, 2, name, declared.kinks[:1])
    return out
