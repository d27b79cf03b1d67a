"""From "these numbers differ" to "this is the mistake": the usual suspects tested against
a failing module's numbers, and the counterexample's trace, node by node, with the
module's value beside the oracle's and the first disagreement marked with its equation."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import reference
from backprop_verify import floating
from backprop_verify.adapters import Implementation
from backprop_verify.capabilities import Capabilities
from backprop_verify.comparison import flat, shape
from backprop_verify.guard import named
from backprop_verify.rounding import UNDERFLOW, error_bound
from backprop_verify.strategies import Case, targets, uniform_parameters
from backprop_verify.suspects import stale_step, variant_gradients
from reference.regularization import l2_term

# How close a module's numbers must be to a suspect's to say that suspect fits: far wider
# than rounding, far narrower than any two different mistakes.
FIT = {"float64": 1e-7, "float32": 1e-3}
VARIANTS = {
    "prime_of_a": "φ' evaluated at a = φ(z) instead of at z (σ'(a) where a(1 − a) was meant)",
    "prime_at_kink": "φ' at a kink taken from above, ReLU'(0) taken as 1 (the contract, and "
    "most libraries, take the slope below: 0)",
    "softmax_diagonal": "softmax differentiated as if element-wise, a(1 − a), instead of "
    "through its full Jacobian (with cross-entropy δ[L] is simply a − y)",
    "output_delta_hidden_z": "the output error δ[L] built with φ' of a hidden layer's z "
    "(z[L−1]) instead of the output layer's z[L]",
    "bias_wrong_axis": "the bias gradient summed over the wrong axis: over the nodes of each "
    "sample instead of over the samples of each node (∂C/∂b[l] = Σ_n δ[l])",
    "bp2_no_prime": "the hidden error BP2 without φ': δ[l] = Wᵀδ[l+1] where φ'(z[l]) ⊙ Wᵀδ[l+1] "
    "was meant",
    "bp2_untransposed": "W[l+1] not transposed in BP2: δ[l] = φ'(z[l]) ⊙ W[l+1]δ[l+1] where "
    "W[l+1]ᵀδ[l+1] was meant (a square layer hides the shape)",
    "l2_missing": "the L2 term left out of the weight gradient: ∂C/∂W[l] lacks λ·W[l] "
    "(arch.l2 is λ of (λ/2)·Σ‖W‖²)",
    "l2_per_sample": "the L2 term added once per sample: N·λ·W[l] in ∂C/∂W[l] where the "
    "batch's cost holds (λ/2)·Σ‖W‖² once (add it after the sum or the mean over the batch)",
    "l2_twice": "the L2 gradient 2λ·W[l]: the derivative of λ·Σ‖W‖² where the term is "
    "(λ/2)·Σ‖W‖² (CS231n's reg·ΣW² is λ = 2·reg)",
    "l2_half": "the L2 gradient (λ/2)·W[l]: the derivative of reg·Σ‖W‖² taken as reg·W, "
    "the 2 forgotten (CS231n's reg·ΣW² differentiates to 2·reg·W = λ·W)",
    "l2_on_biases": "λ applied to the biases too: ∂C/∂b[l] has λ·b[l], but the L2 term "
    "regularizes the weights only",
}
TRANSPOSE = (
    "a transpose: ∂C/∂W[l] comes out as its transpose (δ[l]ᵀ a[l−1] is (n_l, n_{l−1})); "
    "a square layer hides the shape and transposes the values"
)


def _close(got: list[float], want: list[float], dtype: str) -> bool:
    if len(got) != len(want) or not want:
        return False
    magnitude = max(max(abs(v) for v in want), UNDERFLOW[dtype])
    return all(abs(g - w) <= FIT[dtype] * magnitude for g, w in zip(got, want, strict=True))


def _gradients(g: Any) -> list[float]:
    return flat(g.W) + flat(g.b)


SIGN = "a sign: the gradient has the opposite sign (ascent instead of descent?)"
HALF = "½ squared error in one of cost and gradient, the sum of squares in the other"


def _factor_suspects(arch: reference.Architecture, N: int) -> list[tuple[str, float]]:
    n_out = arch.sizes[-1]
    out = [(SIGN, -1.0)]
    if N > 1 and arch.reduction == "mean":
        out.append(
            (
                "a factor N (the batch size): the gradient summed over the batch, the cost a mean",
                N,
            )
        )
    elif N > 1:
        out.append(("a factor 1/N: the gradient averaged over the batch, the cost summed", 1.0 / N))
    if reference.LOSSES[arch.loss].halved:
        out += [(f"a factor 2: {HALF}", 2.0), (f"a factor 1/2: {HALF}", 0.5)]
    if n_out > 1 and N > 1 and arch.reduction == "mean":
        out.append(
            (
                "a factor N·n_out: the gradient summed over the batch and the outputs, the "
                "cost a mean over both (a mean over every entry, as MSELoss's default)",
                N * n_out,
            )
        )
    if n_out > 1:
        out.append(
            (
                "a factor 1/n_out: the gradient averaged over the outputs, the cost summed",
                1.0 / n_out,
            )
        )
        out.append(
            (
                "a factor n_out: the cost averaged over the outputs, the gradient summed over them",
                float(n_out),
            )
        )
    return out


def shape_suspects(arch: reference.Architecture, N: int, got: Any, want: Any) -> list[str]:
    """What a gradient of the wrong shape says."""
    out = []
    for g, w in zip(got.W, want.W, strict=False):
        if shape(g) != shape(w) and shape(g) == shape([list(c) for c in zip(*w, strict=True)]):
            out.append(TRANSPOSE)
    for g, w in zip(got.b, want.b, strict=False):
        if shape(g) != shape(w) and len(g) == N:
            out.append(VARIANTS["bias_wrong_axis"])
    if not out and (shape(got.W) != shape(want.W) or shape(got.b) != shape(want.b)):
        out.append(
            f"shapes: ∂C/∂W got {shape(got.W)}, expected {shape(want.W)}; "
            f"∂C/∂b got {shape(got.b)}, expected {shape(want.b)}"
        )
    return out


def _cost_factors(arch: reference.Architecture, N: int) -> list[tuple[str, float]]:
    """The usual ways a cost differs from the declared one, as (what, cost / oracle's)."""
    n_out = arch.sizes[-1]
    out = [("a sign: the cost has the opposite sign", -1.0)]
    if N > 1 and arch.reduction == "mean":
        out.append(("a factor N (the batch size): the cost summed over the batch, not averaged", N))
    elif N > 1:
        out.append(("a factor 1/N: the cost averaged over the batch, not summed", 1.0 / N))
    if reference.LOSSES[arch.loss].halved:
        out += [
            (f"a factor 2: the loss without the ½ the declared one has ({HALF})", 2.0),
            (f"a factor 1/2: the loss with a ½ the declared one has not ({HALF})", 0.5),
        ]
    if n_out > 1:
        out += [
            ("a factor 1/n_out: the cost averaged over the outputs, not summed", 1.0 / n_out),
            ("a factor n_out (the outputs): the cost n_out times the declared loss", n_out),
        ]
    return out


def _cost_terms(
    arch: reference.Architecture, p: reference.Parameters, N: int
) -> list[tuple[str, float]]:
    """The usual ways an L2 term of the cost goes wrong, as (what, cost − oracle's)."""
    if not arch.l2:
        return []
    term = l2_term(arch, p)
    out = [
        ("the L2 term (λ/2)·Σ‖W‖² left out of the cost", -term),
        ("the L2 term λ·Σ‖W‖² in the cost, without the ½ of (λ/2)·Σ‖W‖²", term),
    ]
    if N > 1:
        out.append(("the L2 term added to the cost once per sample: N·(λ/2)·Σ‖W‖²", (N - 1) * term))
    if arch.bias != "off":
        squares = sum(v * v for b_l in p.b for v in b_l)
        out.append(
            ("the biases' squares in the L2 term of the cost: (λ/2)·Σ b²", arch.l2 * squares / 2)
        )
    return out


def cost_suspects(impl: Implementation, case: Case) -> list[str]:
    """What fits a cost that differs from the oracle's: the factors that fit on the
    counterexample and on more cases of other batch sizes and widths, wherever the cost
    differs (so that N = 2 and a factor 2 do not tie)."""
    fitting: list[str] | None = None
    for c in [case, *more_cases(impl.caps, case.arch, 4, seed=2)]:
        try:
            got = impl.cost(c.arch, c.params, c.X, c.Y)
        except Exception:  # the module fails on this case: it says nothing of the factor
            continue
        want = reference.cost(c.arch, c.params, c.X, c.Y)
        if _close([got], [want], impl.dtype):
            continue
        term = l2_term(c.arch, c.params)  # a factor scales the losses' part, not this
        fits = [
            what
            for what, f in _cost_factors(c.arch, len(c.X))
            if _close([got], [f * (want - term) + (term if f > 0 else -term)], impl.dtype)
        ]
        fits += [
            what
            for what, d in _cost_terms(c.arch, c.params, len(c.X))
            if d and _close([got], [want + d], impl.dtype)
        ]
        fitting = fits if fitting is None else [what for what in fitting if what in fits]
    return fitting or []


def gradient_suspects(impl: Implementation, case: Case) -> tuple[list[str], list[str]]:
    """(suspects that fit this case, suspects that could show here but do not fit)."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    want = reference.backward(arch, p, X, Y)
    got = impl.backward(arch, p, X, Y)
    fits, tested = [], []
    fits += shape_suspects(arch, len(X), got, want)
    g, w = _gradients(got), _gradients(want)
    # A factor scales the losses' part; the L2 term's λ·W stays as it is (a sign, all).
    decay = [0.0] * len(w)
    if arch.l2:  # the oracle's λ·W, apart from the losses' part
        plain = _gradients(reference.backward(replace(arch, l2=0.0), p, X, Y))
        decay = [v - v0 for v, v0 in zip(w, plain, strict=True)]
    for text, factor in _factor_suspects(arch, len(X)):
        scaled = [
            factor * (v - d) + (d if text != SIGN else -d) for v, d in zip(w, decay, strict=True)
        ]
        if _close(scaled, w, impl.dtype):
            continue  # a zero gradient: no factor can show on this case
        tested.append(text)
        if _close(g, scaled, impl.dtype):
            fits.append(text)
    square = [l for l in range(arch.L) if arch.sizes[l] == arch.sizes[l + 1] > 1]
    swapped = [
        [list(col) for col in zip(*W_l, strict=True)] if l in square else W_l
        for l, W_l in enumerate(want.W)
    ]
    if square and not _close(flat(swapped), flat(want.W), impl.dtype):  # else it cannot show
        tested.append(TRANSPOSE)
        if _close(flat(got.W), flat(swapped), impl.dtype):
            fits.append(TRANSPOSE)
    for bug, text in VARIANTS.items():
        variant = variant_gradients(arch, p, X, Y, bug)
        if variant is None:
            continue
        v = _gradients(variant)
        if _close(v, w, impl.dtype):
            continue  # indistinguishable from the right answer on this case
        tested.append(text)
        if _close(g, v, impl.dtype):
            fits.append(text)
    if shape(got.W) == shape(want.W) and shape(got.b) == shape(want.b):
        layers = [
            _close(flat(gw) + flat(gb), flat(ww) + flat(wb), impl.dtype)
            for gw, gb, ww, wb in zip(got.W, got.b, want.W, want.b, strict=True)
        ]
        W_ok = _close(flat(got.W), flat(want.W), impl.dtype)
        b_ok = _close(flat(got.b), flat(want.b), impl.dtype)
        layered = [
            (
                arch.L > 1 and layers[-1] and not all(layers),
                "only the last layer is right: the hidden error BP2, "
                "δ[l] = φ'(z[l])·(W[l+1]ᵀ δ[l+1]), is wrong",
            ),
            (
                W_ok and not b_ok,
                "only the biases are wrong: BP3, ∂C/∂b[l] = Σ_n δ[l] (1/N for the mean)",
            ),
            (
                W_ok and b_ok,
                "correct maths, numerically naive: every number is within 1e-7 of the oracle's "
                "but outside the rounding bound (a log of a probability, a difference of "
                "nearly equal numbers?)",
            ),
        ]
        specific = bool(fits)
        for holds, text in layered:
            tested.append(text)
            if holds and not specific:
                fits.append(text)
    return fits, tested


def _close_layers(got: list[Any], want: list[Any], dtype: str) -> bool:
    """Close layer by layer, each on its own scale (a layer's change may be tiny)."""
    return len(got) == len(want) and all(
        _close(flat(g), flat(w), dtype) for g, w in zip(got, want, strict=True)
    )


def step_suspects(impl: Implementation, case: Case, learning_rate: float) -> list[str]:
    """What fits a step that differs while the gradients agree (compared as the change each
    step makes to each layer, so that an effect of order η² still shows)."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    start = impl.held(p).W

    def change(q: reference.Parameters) -> list[list[float]]:
        return [
            [v - s for v, s in zip(flat(W_l), flat(S_l), strict=True)]
            for W_l, S_l in zip(q.W, start, strict=True)
        ]

    got = impl.sgd_step(arch, p, X, Y, learning_rate)
    right = change(reference.sgd_step(arch, p, X, Y, learning_rate))
    fits = []
    if arch.L > 1:
        stale = change(stale_step(arch, p, X, Y, learning_rate))
        if not _close_layers(stale, right, impl.dtype) and _close_layers(
            change(got), stale, impl.dtype
        ):
            fits.append(STALE)
    if _close_layers(change(got), [[-v for v in layer] for layer in right], impl.dtype):
        fits.append("a sign: the step adds η ∂C/∂W instead of subtracting it")
    if arch.bias != "on" and flat(got.b) != flat(impl.held(p).b):
        fits.append(f"bias '{arch.bias}': the step moves biases that must stay as they are")
    return fits


STALE = (
    "stale weights: W[l] is updated before δ[l−1] is computed from it, so BP2 uses the new "
    "weights; compute every δ first, then update"
)


def gradients_agree(impl: Implementation, case: Case) -> bool:
    """The module's gradients equal the oracle's within the rounding bound."""
    bound = error_bound(case.arch, case.params, case.X, case.Y, impl.dtype)
    got = impl.backward(case.arch, case.params, case.X, case.Y)
    want = reference.backward(case.arch, case.params, case.X, case.Y)
    allowed = [2 * e for e in flat(bound.W) + flat(bound.b)]
    g, w = _gradients(got), _gradients(want)
    same = shape(got.W) == shape(want.W) and shape(got.b) == shape(want.b)
    return same and all(
        abs(a - b) <= e + UNDERFLOW[impl.dtype] for a, b, e in zip(g, w, allowed, strict=True)
    )


def more_cases(
    caps: Capabilities, like: reference.Architecture, n: int, seed: int, width: int = 0
) -> list[Case]:
    """A few more small cases inside ``caps`` and of ``like``'s kind (its activations, loss,
    reduction, bias and λ), with widths and batches of 2 and 3 in turn, so that factors and
    transposes can show (or all equal to ``width``); drawn from ``random.Random(seed)``."""
    rng = random.Random(seed)
    out = []
    low, high = caps.depths
    hidden_low, hidden_high = caps.hidden_widths
    for k in range(n):
        L = max(low, min(high, 3, like.L + k % 2))
        w = min(width or (2, 3)[k % 2], caps.max_width)
        n_0 = w if width else min((3, 2)[k % 2], caps.max_width)
        inner = max(hidden_low, min(hidden_high, w))
        sizes = (n_0, *([inner] * (L - 1)), caps.output_width or w)
        hidden = tuple(like.activations[:-1][: L - 1])
        if caps.hidden_pattern:
            hidden = caps.hidden_pattern[: L - 1]
        elif caps.hidden_shared and L > 1:
            hidden = (hidden or (rng.choice(caps.hidden),))[:1] * (L - 1)
        hidden += tuple(rng.choice(caps.hidden) for _ in range(L - 1 - len(hidden)))
        arch = reference.Architecture(
            sizes, (*hidden, like.activations[-1]), like.loss, like.reduction, like.bias, like.l2
        )
        N = min(width or (3, 2)[k % 2], caps.max_batch)
        W, b = uniform_parameters(rng, arch)
        X = [[rng.uniform(-1, 1) for _ in range(sizes[0])] for _ in range(N)]
        Y = targets(rng, arch.loss, N, sizes[-1], caps.targets)
        out.append(Case(arch, reference.Parameters(W, b), X, Y))
    return out


def diagnose(impl: Implementation, case: Case, learning_rate: float | None = None) -> list[str]:
    """The suspects that fit the counterexample or further failing cases of its kind, and
    that no case where they could show contradicts."""
    extra = more_cases(impl.caps, case.arch, 4, seed=0) + square_cases(impl.caps, case.arch)
    fitted: list[str] = []
    ruled_out: set[str] = set()
    notes: list[str] = []
    for k, c in enumerate([case, *extra]):
        try:
            if gradients_agree(impl, c):
                if k == 0:
                    notes += _agreeing(impl, c, learning_rate)
                else:  # right here: a suspect that would be wrong here is not the mistake
                    fits, tested = gradient_suspects(impl, c)
                    ruled_out |= {t for t in tested if t not in fits}
                continue
            fits, tested = gradient_suspects(impl, c)
        except Exception as exc:  # the module fails on this case
            if k == 0:
                notes.append(f"the module raised {named(exc)}")
            continue
        fitted += [f for f in fits if f not in fitted]
        ruled_out |= {t for t in tested if t not in fits}
    found = [f for f in fitted if f not in ruled_out]
    specific = [f for f in found if not f.startswith(("correct maths", "shapes:"))]
    return (specific or found or []) + [n for n in notes if n not in found]


def _agreeing(impl: Implementation, case: Case, learning_rate: float | None) -> list[str]:
    """For a case whose gradients are right: the cost, or the step."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    got, want = impl.cost(arch, p, X, Y), reference.cost(arch, p, X, Y)
    allowed = 2 * error_bound(arch, p, X, Y, impl.dtype).cost + UNDERFLOW[impl.dtype]
    if not abs(got - want) <= allowed:
        cost = cost_suspects(impl, case)
        measured = f" (measured: the cost {got!r}, the oracle's {want!r})"
        if cost:
            return [f"the gradients are right but the cost is not: {c}{measured}" for c in cost]
        if _close([got], [want], impl.dtype):
            return [
                "correct maths, numerically naive: the cost is within 1e-7 of the oracle's "
                "but outside the rounding bound (a log of a probability, 1 − p for p near 1?)"
            ]
        return [f"the gradients are right but the cost is not (no usual factor fits){measured}"]
    if learning_rate is not None and impl.has_step:
        found: list[str] = []
        for c in [case, *more_cases(impl.caps, case.arch, 4, seed=0)]:
            found += [f for f in step_suspects(impl, c, learning_rate) if f not in found]
        return found or ["the gradients equal the oracle's: the step itself applies them wrongly"]
    return ["the gradients and the cost equal the oracle's; the difference lies elsewhere"]


def square_cases(caps: Capabilities, like: reference.Architecture) -> list[Case]:
    """Cases where every width equals the batch size, so that mistakes that crash on other
    shapes (a transpose, a sum over the wrong axis, a hidden layer's z) give numbers."""
    width = 2 if caps.max_width >= 2 and caps.max_batch >= 2 else 1
    return more_cases(caps, like, 2, seed=1, width=width)


EQUATIONS = {
    "z": "(1) z[l] = W[l] a[l−1] + b[l]",
    "a": "(2) a[l] = φ(z[l])",
    "output": "the forward pass, (1) and (2)",
    "cost": "the loss ℓ and its sum or mean C",
    "b_out": "BP1, the output error δ[L] (seen through BP3: ∂C/∂b[L] = δ[L])",
    "W_out": "BP4, ∂C/∂W[L] = δ[L] a[L−1]ᵀ",
    "b_hidden": "BP2, the hidden error δ[l] = φ'(z[l])·(W[l+1]ᵀ δ[l+1]) (seen through BP3)",
    "W_hidden": "BP4, ∂C/∂W[l] = δ[l] a[l−1]ᵀ, from BP2's δ[l]",
}


def wrong_node(impl: Implementation, case: Case, limit: int = 60) -> str:
    """The counterexample's step, quantity by quantity in the order backprop computes them,
    the module's value beside the oracle's, the first disagreement marked with its equation."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    L = arch.L
    bound = error_bound(arch, p, X, Y, impl.dtype)
    want = reference.backward(arch, p, X, Y)
    rows: list[tuple[str, str, float | None, float, float]] = []
    exposed = getattr(impl.module, "forward_pass", None)
    z_got: Any = None
    if callable(exposed) and not impl.on_lists:
        try:
            Z, A = exposed(arch, impl._params(p), impl._data(X))
            z_got = (Z, A)
        except Exception:  # a forward_pass of another shape: leave it out
            z_got = None
    z0, a0 = reference.network.feed_forward(arch, p, X[0])
    if z_got is not None:
        for l in range(1, L + 1):
            for key, ref_vals, got_vals in (("z", z0[l], z_got[0][l]), ("a", a0[l], z_got[1][l])):
                for j, v in enumerate(ref_vals):
                    rows.append(
                        (
                            f"{key}[{l}][{j}] (sample 0)",
                            key,
                            float(got_vals[0][j]),
                            v,
                            1e-6 * max(1.0, abs(v)),
                        )
                    )
    try:
        out = impl.forward(arch, p, X)
    except Exception as exc:
        return f"forward raised {named(exc)}"
    for n, (o_row, w_row) in enumerate(zip(out, reference.forward(arch, p, X), strict=True)):
        for j, (o, w) in enumerate(zip(o_row, w_row, strict=True)):
            rows.append((f"a[{L}][{j}] of sample {n}", "output", o, w, 2 * bound.outputs[n][j]))
    got = impl.backward(arch, p, X, Y)
    rows.append(("C", "cost", impl.cost(arch, p, X, Y), want.cost, 2 * bound.cost))
    for l in range(L, 0, -1):
        where = "out" if l == L else "hidden"
        for j in range(arch.sizes[l]):
            if arch.bias != "off":
                rows.append(
                    (
                        f"∂C/∂b[{l}][{j}]",
                        f"b_{where}",
                        _at(got.b, l - 1, j),
                        want.b[l - 1][j],
                        2 * bound.b[l - 1][j],
                    )
                )
            for i in range(arch.sizes[l - 1]):
                rows.append(
                    (
                        f"∂C/∂W[{l}][{j}][{i}]",
                        f"W_{where}",
                        _at(got.W, l - 1, j, i),
                        want.W[l - 1][j][i],
                        2 * bound.W[l - 1][j][i],
                    )
                )
    lines = [f"{'quantity':<24} {'module':>16} {'oracle':>16}"]
    first = None
    for name, kind, mine, theirs, allowed in rows[:limit]:
        bad = mine is None or not abs(mine - theirs) <= allowed + UNDERFLOW[impl.dtype]
        mark = ""
        if bad and first is None:
            first = kind
            mark = f"  ← first disagreement: {EQUATIONS[kind]}"
        elif bad:
            mark = "  ×"
        shown = "(missing)" if mine is None else f"{mine:.9g}"
        lines.append(f"{name:<24} {shown:>16} {theirs:>16.9g}{mark}")
    if len(rows) > limit:
        lines.append(f"… {len(rows) - limit} more quantities")
    if first is None:
        lines.append("every quantity shown agrees within the rounding bound")
    return "\n".join(lines)


def _at(x: Any, *index: int) -> float | None:
    try:
        for k in index:
            x = x[k]
        return float(x)
    except (IndexError, TypeError):
        return None


def slope_verdict(impl: Implementation, case: Case) -> list[str]:
    """For a finite-difference failure: is the gradient or the cost the imprecise part?"""
    found = diagnose(impl, case)
    if gradients_agree(impl, case) and not cost_suspects(impl, case):
        return [
            "the gradients equal the oracle's: it is the module's cost that is imprecise "
            "or not the cost these gradients belong to",
            *(f for f in found if not f.startswith("the gradients equal")),
        ]
    return found


def numeric_suspects(impl: Implementation, case: Case) -> list[str]:
    """Where the module's numbers first stop being finite while the oracle's are finite
    (outputs, then the cost, then the gradient), and the operation that does that."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    stages: list[tuple[str, Callable[[], list[float]], Callable[[], list[float]], str]] = [
        (
            "an output",
            lambda: flat(impl.forward(arch, p, X)),
            lambda: flat(reference.forward(arch, p, X)),
            "e^z overflowed to ∞ and ∞/∞ is NaN: subtract max_k z_k before exp (softmax), "
            "or compute σ from e^{−|z|}",
        ),
        (
            "the cost",
            lambda: [impl.cost(arch, p, X, Y)],
            lambda: [reference.cost(arch, p, X, Y)],
            "the log of a probability that rounded to 0 (log 0 = −∞, 0·log 0 = NaN): compute "
            "the cross-entropy from the logits (log-sum-exp; max(z, 0) − y z + log1p(e^{−|z|}))",
        ),
        (
            "a gradient",
            lambda: _gradients(impl.backward(arch, p, X, Y)),
            lambda: _gradients(reference.backward(arch, p, X, Y)),
            "a division by a probability that rounded to 0 or 1 (−y/a, (a − y)/(a(1 − a))): "
            "with its pairing, δ[L] = a − y needs no division",
        ),
    ]
    for what, mine, oracle, fix in stages:
        try:
            got, want = mine(), oracle()
        except Exception:  # the module raises here: the crash finding says where
            return []
        for g, w in zip(got, want, strict=False):
            if not math.isfinite(g) and math.isfinite(w):
                # NumPy's error signals say which line made it; else the usual operation
                born = floating.explain(floating.errors(impl.module, mine))
                return [f"{what} is {g!r} where the oracle's is {w!r}: {born or fix}"]
    if saturated_cost(impl, case):
        got_cost, want_cost = impl.cost(arch, p, X, Y), reference.cost(arch, p, X, Y)
        return [
            f"the cost is {got_cost!r} where the oracle's is {want_cost!r}, "
            f"{abs(got_cost - want_cost) / abs(want_cost):.1e} apart, on a case where a "
            f"probability is below e^{{−{SATURATED_COST:g}}}: the log of a probability that "
            "has lost its digits (below the smallest normal number, or 1 − p next to 1); "
            "compute the cross-entropy from the logits (log-sum-exp; log1p)"
        ]
    return []


# A per-sample cost this large means a probability below e^{−20}: where a cost computed
# from probabilities loses its digits, while one computed from the logits keeps them.
SATURATED_COST = 20.0
# How close an imprecise cost still is: a wrong formula (a factor, a sign, a missing term)
# misses by far more.
IMPRECISE = 1e-3


def saturated_cost(impl: Implementation, case: Case) -> bool:
    """The module's cost is finite, outside the rounding bound, but within IMPRECISE of the
    oracle's relatively, on a case whose cost per sample is SATURATED_COST or more."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    got, want = impl.cost(arch, p, X, Y), reference.cost(arch, p, X, Y)
    per_sample = abs(want) / (len(X) if arch.reduction == "sum" else 1)
    allowed = 2 * error_bound(arch, p, X, Y, impl.dtype).cost + UNDERFLOW[impl.dtype]
    return (
        math.isfinite(got)
        and per_sample >= SATURATED_COST
        and allowed < abs(got - want) <= IMPRECISE * abs(want)
    )
