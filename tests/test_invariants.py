"""Invariants every implementation must keep: batch order, per-sample sums, mean = sum / N."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import assume, given
from hypothesis import strategies as st

from backprop_verify.adapters import Implementation
from backprop_verify.comparison import assert_close, assert_within, flat
from backprop_verify.rounding import EPS, error_bound, gamma
from backprop_verify.strategies import Case, cases


@given(case=cases(), seed=st.integers(0, 2**16))
def test_permuting_the_batch_changes_nothing(impl: Implementation, case: Case, seed: int) -> None:
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    bound = error_bound(arch, p, X, Y, impl.dtype)
    assume(not bound.ambiguous)
    order = list(range(len(X)))
    random.Random(seed).shuffle(order)
    Xp, Yp = [X[n] for n in order], [Y[n] for n in order]
    out, out_p = impl.forward(arch, p, X), impl.forward(arch, p, Xp)
    # Each sample's outputs do not depend on the others (up to where BLAS rounds a row).
    assert_close(
        "outputs", out_p, [out[n] for n in order], [bound.outputs[n] for n in order], impl.dtype
    )
    g, g_p = impl.backward(arch, p, X, Y), impl.backward(arch, p, Xp, Yp)
    # The two orders only reorder the batch sums, whose bound covers every order.
    assert_close("cost", g_p.cost, g.cost, bound.cost, impl.dtype)
    assert_close("dC/dW", g_p.W, g.W, bound.W, impl.dtype)
    assert_close("dC/db", g_p.b, g.b, bound.b, impl.dtype)


@given(case=cases())
def test_sum_reduction_is_the_sum_of_per_sample_gradients(impl: Implementation, case: Case) -> None:
    arch = replace(case.arch, reduction="sum")
    p, X, Y = case.params, case.X, case.Y
    bound = error_bound(arch, p, X, Y, impl.dtype)
    assume(not bound.ambiguous)
    batch = impl.backward(arch, p, X, Y)
    singles = [impl.backward(arch, p, [x], [y]) for x, y in zip(X, Y, strict=True)]
    single_bounds = [error_bound(arch, p, [x], [y], impl.dtype) for x, y in zip(X, Y, strict=True)]
    N, eps = len(X), EPS[impl.dtype]
    for part in ("W", "b"):
        summed = [
            sum(vals) for vals in zip(*(flat(getattr(s, part)) for s in singles), strict=True)
        ]
        mags = [
            sum(abs(v) for v in vals)
            for vals in zip(*(flat(getattr(s, part)) for s in singles), strict=True)
        ]
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
        assert_within(f"dC/d{part}", flat(getattr(batch, part)), summed, allowed, impl.dtype)


@given(case=cases())
def test_mean_gradient_is_the_sum_gradient_over_n(impl: Implementation, case: Case) -> None:
    p, X, Y = case.params, case.X, case.Y
    mean_arch, sum_arch = replace(case.arch, reduction="mean"), replace(case.arch, reduction="sum")
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
        assert_within(f"dC/d{part}", flat(getattr(g_mean, part)), want, allowed, impl.dtype)
    assert_within(
        "cost",
        g_mean.cost,
        g_sum.cost / N,
        b_mean.cost + b_sum.cost / N + eps * abs(g_sum.cost / N),
        impl.dtype,
    )
