"""The leaky ReLU, softplus and the Huber loss, added as table rows, through every part: the
workspace's guard, finite differences at Huber's kink, both traces, both trainers, the
checker's defaults and the picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import reference
import vectorized
from backprop_cli import matrix_trace
from backprop_cli.reference_cli import main as reference_main
from backprop_verify.adapters import BUILT_IN
from backprop_verify.capabilities import Capabilities
from backprop_verify.finite_differences import gradient_violations
from reference import trace as node_trace
from reference.contract import ACTIVATIONS, LOSSES, DeclaredLoss, DivergenceError
from reference.training import train as reference_train
from vectorized.training import train as vectorized_train
from vectorized.workspace import Workspace

UNBOUNDED = [n for n, d in ACTIVATIONS.items() if not d.bounded]


def test_the_checker_draws_every_addition_on_hidden_layers_by_default() -> None:
    caps = Capabilities()
    assert {"leaky_relu", "softplus"} <= set(caps.hidden)
    assert "huber" in caps.losses and ("identity", "huber") in caps.pairs


@pytest.mark.parametrize("name", UNBOUNDED)
def test_an_overflowing_unbounded_hidden_layer_stops_the_step_before_any_parameter_changes(
    name: str,
) -> None:
    """φ(z) = ∞ in layer 1, a ReLU below it turns ∞ into 0, so every δ is finite while
    ∂C/∂W[2] = δ[2]·a[1] = 0·∞ is NaN: only the guard on unbounded layers sees it."""
    arch = reference.Architecture((1, 1, 1, 1), (name, "relu", "identity"), "half_squared_error")
    p = vectorized.Parameters(
        [np.array([[1e308]]), np.array([[-1.0]]), np.array([[1.0]])],
        [np.zeros(1), np.zeros(1), np.zeros(1)],
    )
    before = [W.copy() for W in p.W]
    ws = Workspace(arch, 1)
    with pytest.raises(DivergenceError):
        ws.step(p, np.array([[10.0]]), np.array([[0.5]]), 0.1)
    assert all(np.array_equal(W, W0) for W, W0 in zip(p.W, before, strict=True))


def test_both_traces_print_hubers_clipped_slope() -> None:
    arch = reference.Architecture((1, 2), ("identity",), "huber", "sum")
    params = reference.Parameters([[[1.0], [1.0]]], [[0.0, 0.0]])
    X, Y = [[3.0]], [[0.5, 2.5]]  # residuals 2.5 (beyond the kink) and 0.5 (inside it)
    text = node_trace.trace(arch, params, X, Y, 0.1)
    assert "ℓ_0 = huber(3 − 0.5) = 2" in text and "ℓ_1 = huber(3 − 2.5) = 0.125" in text
    assert "∂ℓ/∂a[1][0] = clip(3 − 0.5, −1, 1) = 1" in text
    assert "∂ℓ/∂a[1][1] = clip(3 − 2.5, −1, 1) = 0.5" in text
    assert "∂C/∂W[1][0][0] = 1·3 = 3" in text and "∂C/∂W[1][1][0] = 0.5·3 = 1.5" in text
    matrix = matrix_trace.trace(arch, params, X, Y, 0.1).splitlines()
    at = matrix.index("  ∂ℓ/∂A[1] = clip(A − Y, −1, 1), shape (1, 2):")
    assert matrix[at + 1].split() == ["[1", "0.5]"]
    assert any(
        line.startswith("check against the node-by-node trace: every entry") for line in matrix
    )


def test_finite_differences_step_around_hubers_kink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Output 0 sits exactly on the kink (a − y = 1): its coordinates are left out, output
    1's are judged; without the declared kink they would be judged and fail."""
    arch = reference.Architecture((1, 2), ("identity",), "huber")
    p = reference.Parameters([[[0.5], [0.25]]], [[0.5, 0.1]])
    X, Y = [[1.0]], [[0.0, 0.0]]
    reference_impl = BUILT_IN[0]
    checked, bad = gradient_violations(reference_impl, arch, p, X, Y)
    assert (checked, bad) == (2, [])
    monkeypatch.setitem(LOSSES, "huber", DeclaredLoss("real"))
    checked, bad = gradient_violations(reference_impl, arch, p, X, Y)
    assert checked == 4 and len(bad) >= 1


@pytest.mark.parametrize(
    ("activations", "loss"),
    [(("leaky_relu", "identity"), "huber"), (("softplus", "sigmoid"), "binary_cross_entropy")],
)
def test_both_trainers_take_the_same_steps_and_learn(
    activations: tuple[str, str], loss: str
) -> None:
    arch = reference.Architecture((2, 5, 1), activations, loss)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (16, 2))
    Y = (X[:, :1] * X[:, 1:] > 0).astype(float) if loss != "huber" else 3 * X[:, :1] * X[:, 1:]
    start = reference.init_parameters(arch, seed=2)
    _, ref_costs = reference_train(arch, start, X.tolist(), Y.tolist(), 0.5, 200, 4)
    _, vec_costs = vectorized_train(arch, vectorized.to_arrays(start), X, Y, 0.5, 200, 4)
    assert vec_costs == pytest.approx(ref_costs, rel=1e-9)
    assert np.mean(ref_costs[-20:]) < 0.8 * np.mean(ref_costs[:20])


def test_the_picture_names_every_addition(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "step.svg"
    argv = ["trace", "--sizes", "2,3,2", "--activations", "leaky_relu,softplus", "--loss", "huber"]
    assert reference_main([*argv, "--picture", str(target)]) == 0
    svg = target.read_text(encoding="utf-8")
    assert "leaky_relu" in svg and "softplus" in svg and "huber" in svg
    capsys.readouterr()


def test_a_probabilitys_slope_at_the_ends_is_what_ieee_division_gives() -> None:
    bce, cce = (
        reference.losses.TABLE["binary_cross_entropy"],
        reference.losses.TABLE["categorical_cross_entropy"],
    )
    assert bce.slope([0.0, 1.0], [1.0, 0.0]) == [-np.inf, np.inf]
    assert cce.slope([0.0, 0.5], [1.0, 0.0]) == [-np.inf, -0.0]
    assert np.isnan(cce.slope([0.0], [0.0])[0])


def test_the_node_trace_elides_a_wide_layer_outputs_jacobian_and_may_show_no_sample() -> None:
    arch = reference.Architecture((2, 9), ("softmax",), "huber")
    params = reference.init_parameters(arch, seed=0)
    X, Y = [[0.5, -1.0]], [[0.1] * 9]
    text = node_trace.trace(arch, params, X, Y, 0.1, max_nodes=4)
    assert "g_0 = clip(" in text and "  … (5 more outputs) …" in text
    none = node_trace.trace(arch, params, X, Y, 0.1, max_nodes=4, max_samples=0)
    assert "sample 0" not in none and "∂C/∂W[1][0][0] = " in none
