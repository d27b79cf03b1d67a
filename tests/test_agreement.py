"""Every implementation agrees with the reference on outputs, cost, gradients and updates."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

import reference
from backprop_verify.adapters import Implementation
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import error_bound, step_bound
from backprop_verify.strategies import Case, cases

ETAS = (1e-3, 0.1, 1.0)
# Several steps are compared only while the reference trajectory stays where float32 can
# follow it: a diverging run (|θ| → ∞) says nothing about agreement.
TRAJECTORY_LIMIT = 1e6


def _largest(p: reference.Parameters) -> float:
    return max(
        abs(v) for M in (*p.W, p.b) for row in M for v in (row if isinstance(row, list) else [row])
    )


@given(case=cases())
def test_outputs_cost_and_gradients_agree(twin: Implementation, case: Case) -> None:
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    bound = error_bound(arch, p, X, Y, twin.dtype)
    assume(not bound.ambiguous)
    want = reference.backward(arch, p, X, Y)
    got = twin.backward(arch, p, X, Y)
    assert_close(
        "outputs",
        twin.forward(arch, p, X),
        reference.forward(arch, p, X),
        bound.outputs,
        twin.dtype,
    )
    assert_close(
        "cost", twin.cost(arch, p, X, Y), reference.cost(arch, p, X, Y), bound.cost, twin.dtype
    )
    assert_close("backward cost", got.cost, want.cost, bound.cost, twin.dtype)
    assert_close("dC/dW", got.W, want.W, bound.W, twin.dtype)
    assert_close("dC/db", got.b, want.b, bound.b, twin.dtype)


@given(case=cases(), eta=st.sampled_from(ETAS), steps=st.integers(1, 4))
def test_parameters_after_sgd_steps_agree(
    twin: Implementation, case: Case, eta: float, steps: int
) -> None:
    arch, p, X, Y = case.arch, case.params, case.X, case.Y
    eW = eb = None
    want = p
    for _ in range(steps):
        bound = error_bound(arch, want, X, Y, twin.dtype, eW, eb)
        assume(not bound.ambiguous)
        grads = reference.backward(arch, want, X, Y)
        eW, eb = step_bound(arch, want, grads, bound, eta, twin.dtype, eW, eb)
        want = reference.sgd_step(arch, want, X, Y, eta)
        assume(_largest(want) <= TRAJECTORY_LIMIT)
    got = twin.sgd_step(arch, p, X, Y, eta, steps)
    assert_close(f"W after {steps} steps", got.W, want.W, eW, twin.dtype)
    assert_close(f"b after {steps} steps", got.b, want.b, eb, twin.dtype)
    if arch.bias != "on":
        assert got.b == twin.held(p).b  # frozen or absent biases never move
