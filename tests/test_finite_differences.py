"""Gradients agree with central finite differences of the reported cost (a third oracle)."""

from __future__ import annotations

import pytest

import reference
from backprop_verify.adapters import Implementation
from backprop_verify.finite_differences import gradient_violations
from tests.broken import MeanInCostOnly, OutputsAveragedInCost


@pytest.mark.parametrize("loss", reference.LOSSES)
@pytest.mark.parametrize("reduction", reference.REDUCTIONS)
def test_every_loss_and_reduction(impl64: Implementation, loss: str, reduction: str) -> None:
    out = {"binary_cross_entropy": "sigmoid", "categorical_cross_entropy": "softmax"}.get(
        loss, "tanh"
    )
    arch = reference.Architecture((3, 4, 3), ("sigmoid", out), loss, reduction, "on")
    p = reference.init_parameters(arch, seed=7)
    X = [[0.5, -1.0, 0.25], [1.5, 0.5, -0.5], [-0.3, 0.2, 0.9]]
    Y = [[1.0, 0.0, 0.0], [0.0, 0.2, 0.8], [0.0, 1.0, 0.0]]
    checked, bad = gradient_violations(impl64, arch, p, X, Y, max_coordinates=100)
    assert checked == 4 * 3 + 4 + 3 * 4 + 3
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    "broken", [MeanInCostOnly, OutputsAveragedInCost], ids=lambda c: c.__name__
)
def test_a_gradient_of_another_cost_is_caught(broken: type) -> None:
    impl = Implementation(broken.__name__, broken, "float64")  # type: ignore[arg-type]
    arch = reference.Architecture((2, 3, 2), ("tanh", "sigmoid"), "half_squared_error", "mean")
    p = reference.init_parameters(arch, seed=3)
    X, Y = [[0.1, 0.2], [0.3, -0.4], [1.0, 0.5]], [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]]
    checked, bad = gradient_violations(impl, arch, p, X, Y, max_coordinates=100)
    assert checked == 2 * 3 + 3 + 3 * 2 + 2
    assert len(bad) == checked  # every coordinate is off by the factor N or n_L
