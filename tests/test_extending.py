"""An activation added as docs/extending.md says, through the declaration and the four maths
tables alone, is drawn by every property and traced by both traces."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

import reference
from backprop_cli import matrix_trace
from backprop_verify import rounding
from backprop_verify.adapters import BUILT_IN
from backprop_verify.capabilities import Capabilities
from backprop_verify.check import run_property
from backprop_verify.properties import table
from reference import activations as ref_activations
from reference import trace as node_trace
from reference.contract import ACTIVATIONS, DeclaredActivation
from vectorized import activations as vec_activations
from vectorized import workspace
from vectorized.arrays import FloatArray


def _softsign_in_place(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    np.abs(Z, out=A)
    A += one
    np.divide(Z, A, out=A)


def _times_softsign_prime(
    Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray, one: FloatArray
) -> None:
    np.abs(A, out=T)
    np.subtract(one, T, out=T)
    T *= T
    D *= T


def _softsign_dphi_error(a: float, ea: float, eps: float) -> tuple[float, float]:
    """(1 − |a|)², whose slope in a is at most 2(1 − |a| + e_a)."""
    d = (1.0 - abs(a)) ** 2
    return d, 2.0 * (1.0 - abs(a) + ea) * ea + ea * ea + 3 * eps * d


@pytest.fixture
def softsign(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """softsign(z) = z/(1 + |z|), φ' = 1/(1 + |z|)² = (1 − |a|)², in the places
    docs/extending.md names and nowhere else."""
    monkeypatch.setitem(ACTIVATIONS, "softsign", DeclaredActivation(bounded=True))
    monkeypatch.setitem(
        ref_activations.TABLE,
        "softsign",
        ref_activations.Activation(
            lambda z: [z_j / (1.0 + abs(z_j)) for z_j in z],
            lambda z, a: (1.0 - abs(a)) ** 2,
            "(1 − |a|)²",
        ),
    )
    monkeypatch.setitem(
        vec_activations.TABLE,
        "softsign",
        vec_activations.Activation(
            lambda Z: Z / (1.0 + np.abs(Z)), lambda Z, A: (1.0 - np.abs(A)) ** 2
        ),
    )
    monkeypatch.setitem(
        workspace.TABLE, "softsign", workspace.InPlace(_softsign_in_place, _times_softsign_prime)
    )
    monkeypatch.setitem(
        rounding.ACTIVATION_FACTS,
        "softsign",
        rounding.ActivationFacts(
            lambda z, e: 1.0 / (1.0 + max(abs(z) - e, 0.0)) ** 2, _softsign_dphi_error, 3.0, 2.0
        ),
    )
    yield "softsign"


def test_every_property_holds_every_built_in_implementation_on_it(softsign: str) -> None:
    caps = Capabilities(
        hidden=(softsign,),
        output=(softsign, "softmax"),
        losses=("half_squared_error", "huber", "categorical_cross_entropy"),
        max_depth=3,
        max_width=5,
        max_batch=6,
    )
    judged = 0
    for impl in (BUILT_IN[0], BUILT_IN[1], BUILT_IN[4]):
        for prop in table():
            outcome = run_property(prop, replace(impl, caps=caps), examples=8, seed=0)
            assert outcome.verdict != "FAIL", (impl.name, outcome)
            judged += outcome.verdict == "pass"
    assert judged >= 3 * 8  # agreement, steps, invariants and finite differences applied


def test_both_traces_trace_it(softsign: str) -> None:
    arch = reference.Architecture((2, 3, 2), (softsign, softsign), "half_squared_error")
    params = reference.init_parameters(arch, seed=1)
    X, Y = [[0.5, -1.0], [2.0, 0.25]], [[0.1, 0.9], [0.4, 0.6]]
    text = node_trace.trace(arch, params, X, Y, 0.5)
    z, a = reference.network.feed_forward(arch, params, X[0])
    assert f"a[1][0] = softsign({node_trace.num(z[1][0])}) = {node_trace.num(a[1][0])}" in text
    assert "layer 1: φ' = (1 − |a|)²" in text
    assert math.isclose(a[1][0], z[1][0] / (1 + abs(z[1][0])))
    matrix = matrix_trace.trace(arch, params, X, Y, 0.5)
    assert "A[1] = softsign(Z[1])" in matrix
    (check,) = [line for line in matrix.splitlines() if line.startswith("check against")]
    assert check.startswith("check against the node-by-node trace: every entry equal to")
