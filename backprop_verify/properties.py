"""The properties every implementation of the contract must have, each a function of an
implementation and a drawn case that raises Disagreement when it fails, and the table of
them with the strategy each draws from inside an implementation's declared capabilities.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

import reference
from backprop_verify.adapters import Implementation
from backprop_verify.capabilities import Capabilities
from backprop_verify.comparison import Disagreement, assert_close, assert_within, flat, shape
from backprop_verify.finite_differences import gradient_violations
from backprop_verify.rounding import EPS, error_bound, gamma, step_bound
from backprop_verify.strategies import EXTREMES, Case, cases
from reference.contract import DeclaredActivation

# Several steps are compared only while the reference trajectory stays where float32 can
# follow it: a diverging run (|θ| → ∞) says nothing about agreement.
TRAJECTORY_LIMIT = 1e6
# Moderate scales: the cost is smooth enough at h = 1e-4 for Richardson's estimate to hold.
MODERATE_SCALES, MODERATE_INPUTS, MODERATE_BATCH = (0.3, 1.0, 2.0), (1.0,), 6
# Weights large enough to saturate σ and tanh (|z| of tens to hundreds).
SATURATING_SCALES = (30.0, 300.0)


def moderate(caps: Capabilities, losses: tuple[str, ...] | None = None) -> st.SearchStrategy[Case]:
    """Cases smooth enough for finite differences."""
    return cases(
        caps=caps,
        scales=MODERATE_SCALES,
        input_scales=MODERATE_INPUTS,
        max_batch=MODERATE_BATCH,
        losses=losses,
    )


def _largest(p: reference.Parameters) -> float:
    return max(abs(v) for v in flat(p.W) + flat(p.b))


def agreement(impl: Implementation, case: Case) -> None:
    """Outputs, cost and gradients equal the oracle's within the rounding bound."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    bound = error_bound(arch, p, X, Y, impl.dtype)
    assume(not bound.ambiguous)
    want = reference.backward(arch, p, X, Y)
    assert_close(
        "outputs",
        impl.forward(arch, p, X),
        reference.forward(arch, p, X),
        bound.outputs,
        impl.dtype,
    )
    assert_close(
        "cost", impl.cost(arch, p, X, Y), reference.cost(arch, p, X, Y), bound.cost, impl.dtype
    )
    got = impl.backward(arch, p, X, Y)
    assert_close("backward's cost", got.cost, want.cost, bound.cost, impl.dtype)
    assert_close("dC/dW", got.W, want.W, bound.W, impl.dtype)
    assert_close("dC/db", got.b, want.b, bound.b, impl.dtype)


def sgd_steps(impl: Implementation, case: Case, learning_rate: float, steps: int) -> None:
    """The parameters after 1–4 steps equal the oracle's within the propagated bound;
    frozen and absent biases never move."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    eW = eb = None
    want = p
    for _ in range(steps):
        bound = error_bound(arch, want, X, Y, impl.dtype, eW, eb)
        assume(not bound.ambiguous)
        grads = reference.backward(arch, want, X, Y)
        eW, eb = step_bound(arch, want, grads, bound, learning_rate, impl.dtype, eW, eb)
        want = reference.sgd_step(arch, want, X, Y, learning_rate)
        assume(_largest(want) <= TRAJECTORY_LIMIT)
    got = impl.sgd_step(arch, p, X, Y, learning_rate, steps)
    after = f"after {steps} step{'s' if steps > 1 else ''}"
    assert_close(f"W {after}", got.W, want.W, eW, impl.dtype)
    assert_close(f"b {after}", got.b, want.b, eb, impl.dtype)
    if arch.bias != "on" and got.b != impl.held(p).b:
        raise Disagreement(f"b: bias '{arch.bias}' must never move; the step changed it", "b")


def permutation(impl: Implementation, case: Case, seed: int) -> None:
    """Reordering the batch reorders the outputs and changes neither cost nor gradients."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    bound = error_bound(arch, p, X, Y, impl.dtype)
    assume(not bound.ambiguous)
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    Xp, Yp = [X[n] for n in order], [Y[n] for n in order]
    out, out_p = impl.forward(arch, p, X), impl.forward(arch, p, Xp)
    own = "the module's own value on the batch in its first order"
    permuted = [bound.outputs[n] for n in order]
    assert_close("outputs", out_p, [out[n] for n in order], permuted, impl.dtype, own)
    g, g_p = impl.backward(arch, p, X, Y), impl.backward(arch, p, Xp, Yp)
    assert_close("cost", g_p.cost, g.cost, bound.cost, impl.dtype, own)
    assert_close("dC/dW", g_p.W, g.W, bound.W, impl.dtype, own)
    assert_close("dC/db", g_p.b, g.b, bound.b, impl.dtype, own)


def per_sample_sum(impl: Implementation, case: Case) -> None:
    """With the sum reduction, the batch gradient is the sum of the per-sample gradients
    (without L2, whose term belongs to the batch and is added once)."""
    arch = replace(case.arch, reduction="sum", l2=0.0)
    p, X, Y = case.params, case.X, case.Y
    bound = error_bound(arch, p, X, Y, impl.dtype)
    assume(not bound.ambiguous)
    batch = impl.backward(arch, p, X, Y)
    singles = [impl.backward(arch, p, [x], [y]) for x, y in zip(X, Y, strict=True)]
    for s in singles:
        if (shape(s.W), shape(s.b)) != (shape(batch.W), shape(batch.b)):
            raise Disagreement(
                f"∂C/∂W, ∂C/∂b: one sample's gradients have shapes {shape(s.W)}, {shape(s.b)}; "
                f"the batch's {shape(batch.W)}, {shape(batch.b)}",
                "shapes",
            )
    single_bounds = [error_bound(arch, p, [x], [y], impl.dtype) for x, y in zip(X, Y, strict=True)]
    N, eps = len(X), EPS[impl.dtype]
    for part in ("W", "b"):
        columns = list(zip(*(flat(getattr(s, part)) for s in singles), strict=True))
        summed = [sum(vals) for vals in columns]
        mags = [sum(abs(v) for v in vals) for vals in columns]
        # batch error + each single's error + rounding of this Python sum of N terms
        allowed = [
            e_batch + sum(e_singles) + gamma(N, 2**-52) * m + eps * abs(v)
            for e_batch, e_singles, m, v in zip(
                flat(getattr(bound, part)),
                zip(*(flat(getattr(sb, part)) for sb in single_bounds), strict=True),
                mags,
                summed,
                strict=True,
            )
        ]
        own = "the sum of the module's own per-sample gradients"
        assert_within(f"dC/d{part}", flat(getattr(batch, part)), summed, allowed, impl.dtype, own)


OWN_SUM = "the module's own sum over the batch, divided by N"


def mean_over_n(impl: Implementation, case: Case) -> None:
    """The mean reduction's cost and gradients are the sum's divided by N (without L2,
    whose term is the same under both reductions)."""
    p, X, Y = case.params, case.X, case.Y
    plain = replace(case.arch, l2=0.0)
    mean_arch, sum_arch = replace(plain, reduction="mean"), replace(plain, reduction="sum")
    b_mean = error_bound(mean_arch, p, X, Y, impl.dtype)
    b_sum = error_bound(sum_arch, p, X, Y, impl.dtype)
    assume(not b_mean.ambiguous)
    g_mean, g_sum = impl.backward(mean_arch, p, X, Y), impl.backward(sum_arch, p, X, Y)
    N, eps = len(X), EPS[impl.dtype]
    for part in ("W", "b"):
        want = [v / N for v in flat(getattr(g_sum, part))]
        allowed = [
            e_m + e_s / N + eps * abs(v)
            for e_m, e_s, v in zip(
                flat(getattr(b_mean, part)), flat(getattr(b_sum, part)), want, strict=True
            )
        ]
        got = flat(getattr(g_mean, part))
        assert_within(f"dC/d{part} (mean)", got, want, allowed, impl.dtype, OWN_SUM)
    assert_within(
        "cost (mean)",
        g_mean.cost,
        g_sum.cost / N,
        b_mean.cost + b_sum.cost / N + eps * abs(g_sum.cost / N),
        impl.dtype,
        OWN_SUM,
    )


def slope(impl: Implementation, case: Case) -> None:
    """The gradient is the slope of the module's own cost (central finite differences)."""
    checked, bad = gradient_violations(impl, case.arch, case.params, case.X, case.Y)
    assume(checked > 0)  # every coordinate sat next to a ReLU kink
    if bad:
        raise Disagreement("\n".join(bad), bad[0].split(":")[0])


def untouched(impl: Implementation, case: Case, learning_rate: float) -> None:
    """No function changes the arrays it is given (parameters, inputs, targets)."""
    changed = impl.changes_its_inputs(case.arch, case.params, case.X, case.Y, learning_rate)
    if changed:
        raise Disagreement("; ".join(changed), "inputs")


def biases_fixed(impl: Implementation, case: Case, learning_rate: float) -> None:
    """Frozen biases: the true ∂C/∂b is reported, the step leaves b; absent: zeros, no move."""
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    g = impl.backward(arch, p, X, Y)
    if arch.bias == "off" and any(v != 0.0 for v in flat(g.b)):
        raise Disagreement("∂C/∂b: bias 'off' has no bias parameter; expected zeros", "∂C/∂b")
    if impl.has_step:
        moved = impl.sgd_step(arch, p, X, Y, learning_rate).b
        if moved != impl.held(p).b:
            raise Disagreement(f"b: bias '{arch.bias}' must never move; the step changed it", "b")
    if arch.bias == "frozen":
        agreement(impl, case)


@dataclass(frozen=True)
class Property:
    """A named property, what it draws inside the capabilities, and when it applies."""

    name: str
    check: Callable[..., None]
    draw: Callable[[Capabilities], st.SearchStrategy[dict[str, Any]]]
    applies: Callable[[Implementation], str | None]  # None, or why it does not apply
    # What explains a failure: the gradient suspects and the node-by-node trace
    # ("gradients"), the slope's verdict and the trace ("slope"), or nothing ("none").
    explained: str = "gradients"
    # The kinds of strategies.extremes judged on every run besides the drawn cases.
    pins: tuple[str, ...] = ()
    steps: bool = False  # it judges the module's sgd_step


def _cases(
    reductions: tuple[str, ...] | None = None,
) -> Callable[[Capabilities], st.SearchStrategy[dict[str, Any]]]:
    return lambda caps: st.fixed_dictionaries({"case": cases(caps=caps, reductions=reductions)})


def _with_eta(caps: Capabilities) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"case": cases(caps=caps), "learning_rate": st.sampled_from(caps.learning_rates)}
    )


def _always(impl: Implementation) -> str | None:
    return None


def _needs_step(impl: Implementation) -> str | None:
    return None if impl.has_step else "the module has no sgd_step"


def _needs(what: str, values: tuple[str, ...]) -> Callable[[Implementation], str | None]:
    def applies(impl: Implementation) -> str | None:
        declared = getattr(impl.caps, what)
        missing = [v for v in values if v not in declared]
        if missing:
            return f"needs {what} {', '.join(missing)}; declared {', '.join(declared) or 'none'}"
        return None

    return applies


def _needs_any(values: tuple[str, ...]) -> Callable[[Implementation], str | None]:
    def applies(impl: Implementation) -> str | None:
        if _present(impl.caps, values):
            return None
        return f"needs an activation among {', '.join(values)}; none declared"

    return applies


def _float64(impl: Implementation) -> str | None:
    if impl.dtype != "float64":
        return "finite differences need float64 (float32 rounding swamps the slope)"
    return None


def _both(*tests: Callable[[Implementation], str | None]) -> Callable[[Implementation], str | None]:
    def applies(impl: Implementation) -> str | None:
        for test in tests:
            reason = test(impl)
            if reason:
                return reason
        return None

    return applies


def _declared(fact: Callable[[DeclaredActivation], object]) -> tuple[str, ...]:
    """The activations whose declaration has ``fact``."""
    return tuple(name for name, d in reference.ACTIVATIONS.items() if fact(d))


def _present(caps: Capabilities, names: tuple[str, ...]) -> list[str]:
    """Those of ``names`` a drawn network can hold inside ``caps``."""
    hidden = (caps.hidden_pattern or caps.hidden) if caps.depths[1] > 1 else ()
    return [name for name in names if name in hidden or name in caps.output]


def _saturating(caps: Capabilities) -> st.SearchStrategy[dict[str, Any]]:
    names = _present(caps, _declared(lambda d: d.saturates))
    return st.sampled_from(names).flatmap(
        lambda need: st.fixed_dictionaries(
            {"case": cases(caps=caps, need=need, scales=SATURATING_SCALES)}
        )
    )


def _kinked(caps: Capabilities) -> st.SearchStrategy[dict[str, Any]]:
    names = _present(caps, _declared(lambda d: d.kinks))
    return st.sampled_from(names).flatmap(
        lambda need: st.fixed_dictionaries({"case": cases(caps=caps, need=need, at_kink=True)})
    )


def _fixed_biases(caps: Capabilities) -> st.SearchStrategy[dict[str, Any]]:
    kinds = tuple(b for b in ("frozen", "off") if b in caps.biases)
    return st.fixed_dictionaries(
        {
            "case": cases(caps=caps, biases=kinds),
            "learning_rate": st.sampled_from(caps.learning_rates),
        }
    )


def _steps(caps: Capabilities) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "case": cases(caps=caps),
            "learning_rate": st.sampled_from(caps.learning_rates),
            "steps": st.integers(1, 4),
        }
    )


def _loss_slope(loss: str) -> Property:
    def draw(caps: Capabilities) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({"case": moderate(caps, (loss,))})

    return Property(
        f"finite differences, {loss}",
        slope,
        draw,
        _both(_float64, _needs("losses", (loss,))),
        "slope",
    )


def table() -> list[Property]:
    """Every property, the per-loss ones for each loss of the contract, the saturated and
    kinked ones for the activations declared to saturate or to have a kink."""
    perm = st.integers(0, 2**16)
    saturating, kinked = _declared(lambda d: d.saturates), _declared(lambda d: d.kinks)
    return [
        Property("outputs, cost and gradients agree", agreement, _cases(), _always, pins=EXTREMES),
        Property("SGD steps agree", sgd_steps, _steps, _needs_step, steps=True),
        Property(
            "permuting the batch changes nothing",
            permutation,
            lambda c: st.fixed_dictionaries({"case": cases(caps=c), "seed": perm}),
            _always,
        ),
        Property(
            "sum = Σ per-sample gradients",
            per_sample_sum,
            _cases(reductions=("sum",)),
            _needs("reductions", ("sum",)),
        ),
        Property("mean = sum / N", mean_over_n, _cases(), _needs("reductions", ("sum", "mean"))),
        Property(
            "gradient = slope of its own cost",
            slope,
            lambda caps: st.fixed_dictionaries({"case": moderate(caps)}),
            _float64,
            "slope",
        ),
        *(_loss_slope(loss) for loss in reference.LOSSES),
        Property("inputs are not modified", untouched, _with_eta, _always, "none"),
        Property("saturated activations", agreement, _saturating, _needs_any(saturating)),
        Property(
            "z exactly at a kink of φ", agreement, _kinked, _needs_any(kinked), pins=("kink",)
        ),
        Property(
            "frozen and absent biases",
            biases_fixed,
            _fixed_biases,
            lambda impl: (
                None
                if {"frozen", "off"} & set(impl.caps.biases)
                else f"needs bias frozen or off; declared {', '.join(impl.caps.biases)}"
            ),
            steps=True,
        ),
    ]
