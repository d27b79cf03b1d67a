"""Cases the issue names: ReLU at exactly 0, saturated sigmoids, batch of one, one hidden
node, frozen and absent biases, and the stable formulas at extreme logits."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import reference
import vectorized
from backprop_verify.adapters import Implementation


def test_relu_derivative_at_zero_is_zero_in_both() -> None:
    assert reference.activations.phi_prime("relu", 0.0, 0.0) == 0.0
    z = np.array([[0.0, -0.0, 1e-300, -1e-300]])
    assert vectorized.activations.phi_prime("relu", z, np.maximum(z, 0)).tolist() == [
        [0.0, 0.0, 1.0, 0.0]
    ]


def test_relu_exactly_at_zero_passes_no_gradient(impl: Implementation) -> None:
    arch = reference.Architecture((2, 2, 1), ("relu", "identity"), "half_squared_error", "sum")
    # Node 0 of the hidden layer has zero weights and bias: z = 0 exactly for every input.
    p = reference.Parameters([[[0.0, 0.0], [0.5, -0.25]], [[2.0, 1.0]]], [[0.0, 0.1], [0.3]])
    g = impl.backward(arch, p, [[1.0, 2.0], [-3.0, 0.5]], [[1.0], [0.0]])
    assert g.W[0][0] == [0.0, 0.0]
    assert g.b[0][0] == 0.0
    assert g.W[1][0][0] == 0.0  # a[1][0] = ReLU(0) = 0 feeds the output weight nothing


@pytest.mark.parametrize("z", [-1000.0, -50.0, 50.0, 1000.0])
def test_saturated_sigmoid_output_with_cross_entropy(impl: Implementation, z: float) -> None:
    arch = reference.Architecture((1, 1), ("sigmoid",), "binary_cross_entropy", "sum")
    p = reference.Parameters([[[z]]], [[0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings from NumPy either
        out = impl.forward(arch, p, [[1.0]])[0][0]
        wrong = impl.backward(arch, p, [[1.0]], [[0.0 if z > 0 else 1.0]])
    assert out == (1.0 if z > 0 else pytest.approx(math.exp(z), rel=1e-6))
    # The loss of a confident wrong answer is |z| (+ log1p(e^-|z|)), finite, from the logits.
    assert wrong.cost == pytest.approx(abs(z) + math.log1p(math.exp(-abs(z))), rel=1e-6)
    assert wrong.W[0][0][0] == pytest.approx(1.0 if z > 0 else -1.0, abs=1e-6)


def test_softmax_cross_entropy_at_huge_logits(impl: Implementation) -> None:
    arch = reference.Architecture((1, 3), ("softmax",), "categorical_cross_entropy", "sum")
    p = reference.Parameters([[[1000.0], [-1000.0], [0.0]]], [[0.0, 0.0, 0.0]])
    g = impl.backward(arch, p, [[1.0]], [[0.0, 1.0, 0.0]])
    assert g.cost == pytest.approx(2000.0)
    assert [row[0] for row in g.W[0]] == pytest.approx([1.0, -1.0, 0.0])


def test_reference_sigmoid_never_overflows() -> None:
    for z in (-1e308, -745.2, 0.0, 745.2, 1e308):
        s = reference.activations.sigmoid(z)
        assert 0.0 <= s <= 1.0
    assert reference.activations.sigmoid(0.0) == 0.5


def test_one_hidden_node_and_batch_of_one(impl: Implementation) -> None:
    arch = reference.Architecture((3, 1, 2), ("tanh", "sigmoid"), "half_squared_error", "mean")
    p = reference.init_parameters(arch, seed=11)
    X, Y = [[0.2, -0.4, 0.9]], [[1.0, 0.0]]
    g = impl.backward(arch, p, X, Y)
    # With one sample and one hidden node, ∂C/∂W[1][0][i] = δ[1][0]·x_i: the row is x scaled.
    ratio = [gw / x for gw, x in zip(g.W[0][0], X[0], strict=True)]
    assert max(ratio) - min(ratio) <= 1e-6 * max(abs(r) for r in ratio)
    assert g.b[0][0] == pytest.approx(ratio[0], rel=1e-6)


@pytest.mark.parametrize("bias", ["frozen", "off"])
def test_frozen_and_absent_biases_never_move(impl: Implementation, bias: str) -> None:
    arch = reference.Architecture(
        (2, 3, 1), ("sigmoid", "sigmoid"), "half_squared_error", "sum", bias
    )
    p = reference.init_parameters(arch, seed=5)
    if bias == "frozen":
        p.b = [[0.1, -0.2, 0.3], [0.4]]
    q = impl.sgd_step(arch, p, [[0.5, 1.0]], [[1.0]], 0.5, steps=3)
    assert q.b == impl.held(p).b
    assert q.W != impl.held(p).W
    g = impl.backward(arch, p, [[0.5, 1.0]], [[1.0]])
    if bias == "off":
        assert g.b == [[0.0, 0.0, 0.0], [0.0]]
    else:  # the true gradient is still reported
        assert all(v != 0.0 for v in g.b[1])


def test_gradients_do_not_change_the_parameters(impl: Implementation) -> None:
    arch = reference.Architecture((2, 2, 2), ("relu", "softmax"), "categorical_cross_entropy")
    p = reference.init_parameters(arch, seed=1)
    before = impl.held(p)
    impl.sgd_step(arch, p, [[1.0, 2.0]], [[0.0, 1.0]], 0.1)
    assert impl.held(p) == before


def test_an_exponential_flushed_to_zero_is_within_the_bound() -> None:
    """float32's e^{95} overflows, so the workspace's σ(−95) is 0 where the true value is
    5.5e-42; a δ of 2e11 turns that into a weight gradient of 1.1e-30, above the underflow
    allowance. The bound accounts for the flushed exponential, so this correct step agrees."""
    from backprop_verify.adapters import BUILT_IN
    from backprop_verify.comparison import assert_close
    from backprop_verify.rounding import error_bound

    arch = reference.Architecture((1, 1, 1), ("sigmoid", "identity"), "sum_of_squares", "sum")
    p = reference.Parameters([[[-95.0]], [[1.0]]], [[0.0], [1e11]])
    X, Y = [[1.0]], [[0.0]]
    workspace32 = next(i for i in BUILT_IN if i.name == "workspace-float32")
    got = workspace32.backward(arch, p, X, Y)
    assert got.W[1][0][0] == 0.0  # σ(−95) flushed to 0
    want = reference.backward(arch, p, X, Y)
    assert want.W[1][0][0] == pytest.approx(1.1042e-30, rel=1e-4)
    assert_close("dC/dW", got.W, want.W, error_bound(arch, p, X, Y, "float32").W, "float32")


def test_an_unbounded_error_times_an_exact_zero_is_an_unbounded_bound_not_nan() -> None:
    """A softplus node far below 0 (a = 0, φ' = 0) after an infinite parameter error: the
    analysis meets 0·∞; the bound is ∞ there (it judges nothing), never NaN."""
    import math

    from backprop_verify.rounding import error_bound, step_bound

    arch = reference.Architecture((1, 1, 1), ("softplus", "identity"), "huber")
    p = reference.Parameters([[[-1000.0]], [[2.0]]], [[0.0], [0.5]])
    X, Y = [[1.0]], [[0.3]]
    eW, eb = [[[math.inf]], [[0.0]]], [[0.0], [0.0]]
    bound = error_bound(arch, p, X, Y, "float32", eW, eb)
    values = [bound.cost, *bound.outputs[0], *(v for W in bound.W for r in W for v in r)]
    values += [v for b in bound.b for v in b]
    assert not any(math.isnan(v) for v in values) and math.isinf(bound.W[0][0][0])
    grads = reference.backward(arch, p, X, Y)
    new_eW, new_eb = step_bound(arch, p, grads, bound, 0.1, "float32", eW, eb)
    assert not any(math.isnan(v) for W in new_eW for r in W for v in r)
    assert not any(math.isnan(v) for b in new_eb for v in b)
