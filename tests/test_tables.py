"""Each activation and each loss is declared once (reference.contract); every maths table
holds every declared name, and every table and every reader agrees with the declaration."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reference
from backprop_verify.adapters import BUILT_IN
from backprop_verify.capabilities import Capabilities
from backprop_verify.diagnosis import _factor_suspects
from backprop_verify.finite_differences import _kink_sides
from backprop_verify.properties import table
from backprop_verify.rounding import ACTIVATION_FACTS, LOSS_FACTS, error_bound
from backprop_verify.strategies import cases, targets
from reference import activations as ref_activations
from reference import losses as ref_losses
from reference.contract import ACTIVATIONS, LOSSES, TARGETS
from vectorized import activations as vec_activations
from vectorized import losses as vec_losses
from vectorized import workspace

ELEMENT_WISE = [n for n, d in ACTIVATIONS.items() if not d.output_only]
# Points away from every declared kink, from the saturated tails to near 0.
GRID = [-40.0, -7.5, -2.0, -0.6, -1e-3, 1e-3, 0.3, 1.7, 6.0, 40.0]


def test_every_table_has_the_declared_names_in_order() -> None:
    for tab in (ref_activations.TABLE, vec_activations.TABLE, workspace.TABLE, ACTIVATION_FACTS):
        assert tuple(tab) == tuple(ACTIVATIONS)
    for tab in (ref_losses.TABLE, vec_losses.TABLE, workspace.LOSS_TABLE, LOSS_FACTS):
        assert tuple(tab) == tuple(LOSSES)
    assert all(d.targets in TARGETS for d in LOSSES.values())


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_output_only_is_what_every_table_and_the_contract_say(name: str) -> None:
    only = ACTIVATIONS[name].output_only
    assert (ref_activations.TABLE[name].phi_prime is None) == only
    assert (vec_activations.TABLE[name].phi_prime is None) == only
    assert (workspace.TABLE[name].times_phi_prime is None) == only
    assert (ACTIVATION_FACTS[name].max_abs_dphi is None) == only
    assert (name in Capabilities().hidden) == (not only)
    hidden = (2, 2, 1), (name, "identity"), "half_squared_error"
    if only:
        with pytest.raises(reference.ContractError, match="output layer only"):
            reference.Architecture(*hidden)
    else:
        reference.Architecture(*hidden)


def _prime(name: str, z: float) -> float:
    (a,) = ref_activations.phi(name, [z])
    return ref_activations.phi_prime(name, z, a)


@pytest.mark.parametrize("name", ELEMENT_WISE)
def test_phi_prime_is_the_slope_of_phi_and_the_tables_agree(name: str) -> None:
    for z in GRID:
        h = 1e-6 * max(1.0, abs(z))
        (up,), (down,) = ref_activations.phi(name, [z + h]), ref_activations.phi(name, [z - h])
        assert math.isclose((up - down) / (2 * h), _prime(name, z), rel_tol=1e-6, abs_tol=1e-9)
    Z = np.array([GRID])
    A = vec_activations.phi(name, Z)
    assert np.allclose(A, [ref_activations.phi(name, GRID)], rtol=1e-15, atol=0)
    want = [_prime(name, z) for z in GRID]
    assert np.allclose(vec_activations.phi_prime(name, Z, A), [want], rtol=1e-15, atol=0)
    in_place, T, D = np.empty_like(Z), np.empty_like(Z), np.ones_like(Z)
    one = np.ones(())
    workspace.TABLE[name].phi(Z, in_place, one)
    times = workspace.TABLE[name].times_phi_prime
    assert times is not None
    times(Z, in_place, T, D, one)
    assert np.allclose(in_place, A, rtol=1e-15) and np.allclose(D, [want], rtol=1e-15, atol=0)


@pytest.mark.parametrize("name", ELEMENT_WISE)
def test_kinks_are_where_phi_prime_jumps_and_nowhere_else(name: str) -> None:
    kinks = ACTIVATIONS[name].kinks
    for k in kinks:
        assert _prime(name, k - 1e-9) != _prime(name, k + 1e-9)
        assert _prime(name, k) == _prime(name, k - 1e-9)  # the slope below, as the contract says
    for z in [*GRID, 0.0]:
        if z not in kinks:
            assert math.isclose(_prime(name, z - 1e-9), _prime(name, z + 1e-9), abs_tol=1e-6)


@pytest.mark.parametrize("name", ELEMENT_WISE)
def test_bounded_and_saturating_are_what_phi_does(name: str) -> None:
    declared = ACTIVATIONS[name]
    far = [abs(v) for v in ref_activations.phi(name, [-1e3, 1e3])]
    assert (max(far) <= 1.0) == declared.bounded
    assert math.isfinite(ACTIVATION_FACTS[name].cap) == declared.bounded
    tails = [_prime(name, -40.0), _prime(name, 40.0)]
    assert (max(tails) < 1e-12) == declared.saturates


def test_softmax_is_bounded_and_the_workspace_guards_exactly_the_unbounded_layers() -> None:
    assert ACTIVATIONS["softmax"].bounded
    arch = reference.Architecture(
        (2, *([2] * len(ELEMENT_WISE)), 1), (*ELEMENT_WISE, "identity"), "half_squared_error"
    )
    ws = workspace.Workspace(arch, 1)
    unbounded = [l for l, n in enumerate(ELEMENT_WISE, start=1) if not ACTIVATIONS[n].bounded]
    assert ws._unbounded == unbounded


def test_the_checker_draws_what_the_declarations_say() -> None:
    props = {p.name: p for p in table()}
    saturating = tuple(n for n, d in ACTIVATIONS.items() if d.saturates)
    kinked = tuple(n for n, d in ACTIVATIONS.items() if d.kinks)
    for name, needed in (
        ("saturated activations", saturating),
        ("z exactly at a kink of φ", kinked),
    ):
        for act in ACTIVATIONS:
            impl = replace(
                BUILT_IN[0], caps=Capabilities(hidden=(), output=(act,), losses=tuple(LOSSES))
            )
            assert (props[name].applies(impl) is None) == (act in needed), (name, act)
    assert {f"finite differences, {loss}" for loss in LOSSES} <= set(props)


@settings(max_examples=30, deadline=None, database=None)
@given(
    st.sampled_from([n for n, d in ACTIVATIONS.items() if d.kinks]).flatmap(
        lambda n: cases(need=n, at_kink=True)
    )
)
def test_a_case_drawn_at_a_kink_has_z_exactly_there(case: object) -> None:
    arch, p, X = case.arch, case.params, case.X  # type: ignore[attr-defined]
    for x in X:
        z, _ = reference.network.feed_forward(arch, p, x)
        for l, act in enumerate(arch.activations, start=1):
            kinks = ACTIVATIONS[act].kinks
            if kinks and (arch.bias != "off" or kinks[0] == 0.0):
                assert z[l][0] == kinks[0]


@pytest.mark.parametrize("name", [n for n, d in ACTIVATIONS.items() if d.kinks])
def test_the_rounding_bound_flags_a_z_within_rounding_of_a_kink(name: str) -> None:
    arch = reference.Architecture((3, 1), (name,), "half_squared_error")
    # 0.3 − 0.1 − 0.2 is 5.6e-17 in floating point, not 0: within the sum's rounding bound.
    p = reference.Parameters([[[0.3, -0.1, -0.2]]], [[0.0]])
    assert error_bound(arch, p, [[1.0, 1.0, 1.0]], [[0.0]]).ambiguous
    assert not error_bound(arch, p, [[1.0, 0.0, 0.0]], [[0.0]]).ambiguous


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_finite_differences_watch_every_declared_kink(name: str) -> None:
    loss = "categorical_cross_entropy" if ACTIVATIONS[name].output_only else "half_squared_error"
    arch = reference.Architecture((2, 3), (name,), loss)
    p = reference.init_parameters(arch, seed=0)
    X, Y = [[0.5, -0.5], [1.0, 2.0]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert len(_kink_sides(arch, p, X, Y)) == 2 * 3 * len(ACTIVATIONS[name].kinks)


def _output(loss: str) -> str:
    return LOSSES[loss].requires or "identity"


@pytest.mark.parametrize("loss", LOSSES)
def test_requires_is_the_shortcut_of_every_table_and_the_contracts_pairing(loss: str) -> None:
    needs = LOSSES[loss].requires
    assert (ref_losses.TABLE[loss].shortcut is not None) == (needs is not None)
    assert (vec_losses.TABLE[loss].shortcut is not None) == (needs is not None)
    for act in ACTIVATIONS:
        fits = needs is None or act == needs
        if fits:
            reference.Architecture((2, 2), (act,), loss)
        else:
            with pytest.raises(reference.ContractError, match=f"expected a {needs} output layer"):
                reference.Architecture((2, 2), (act,), loss)


def _sample(loss: str, v: float, t: float) -> tuple[list[float], list[float], list[float]]:
    """z, a and y of one sample whose output 0 is a = v with target t: for a loss BP1 takes
    through an output layer, the logits that layer maps to it."""
    needs = LOSSES[loss].requires
    if needs == "sigmoid":
        return [math.log(v / (1 - v))], [v], [t]
    if needs == "softmax":
        return [math.log(v), math.log(1 - v)], [v, 1 - v], [t, 1 - t]
    return [v], [v], [t]


@pytest.mark.parametrize("loss", LOSSES)
def test_the_slope_is_the_derivative_of_the_loss_and_the_tables_agree(loss: str) -> None:
    """∂ℓ/∂a of every table is the slope of ℓ_0 as a function of a_0."""
    rng = random.Random(0)
    entry = ref_losses.TABLE[loss]
    for _ in range(20):
        a = rng.uniform(0.05, 0.95)
        y = rng.uniform(-3, 3) if LOSSES[loss].targets == "real" else rng.random()
        if any(abs(a - y - k) < 1e-3 for k in LOSSES[loss].kinks):
            continue
        h = 1e-6
        terms = [entry.terms(*_sample(loss, v, y))[0] for v in (a + h, a - h)]
        _, at, yt = _sample(loss, a, y)
        slope = entry.slope(at, yt)[0]
        assert math.isclose((terms[0] - terms[1]) / (2 * h), slope, rel_tol=1e-6, abs_tol=1e-8)
        vec = vec_losses.TABLE[loss].slope(np.array([at]), np.array([yt]))
        assert vec[0, 0] == pytest.approx(slope, rel=1e-15)


@pytest.mark.parametrize("loss", LOSSES)
def test_every_tables_output_error_agrees(loss: str) -> None:
    rng = np.random.default_rng(1)
    act = _output(loss)
    arch = reference.Architecture((3, 4), (act,), loss)
    Z = rng.normal(size=(5, 4)) * 2
    A = vec_activations.phi(act, Z)
    Y = targets(random.Random(2), loss, 5, 4)
    want = [
        ref_losses.output_delta(act, loss, list(z), list(a), y)
        for z, a, y in zip(Z, A, Y, strict=True)
    ]
    assert np.allclose(
        vec_losses.output_delta(act, loss, Z, A, np.array(Y)), want, rtol=1e-13, atol=1e-15
    )
    D, T = np.empty_like(Z), np.empty_like(Z)
    workspace.LOSS_TABLE[loss](workspace.TABLE[act], Z, A, np.array(Y), T, D, np.ones(()))
    assert np.allclose(D, want, rtol=1e-13, atol=1e-15)
    assert arch.loss == loss


@pytest.mark.parametrize("loss", LOSSES)
def test_targets_are_what_the_contract_checks_and_the_checker_draws(loss: str) -> None:
    kind = LOSSES[loss].targets
    arch = reference.Architecture((1, 2), (_output(loss),), loss)
    if kind == "real":
        reference.contract.check_target_range(arch, -2.0, 3.0)
    else:
        with pytest.raises(reference.ContractError, match=r"targets in \[0, 1\]"):
            reference.contract.check_target_range(arch, -2.0, 3.0)
    drawn = targets(random.Random(3), loss, 40, 3)
    values = [v for row in drawn for v in row]
    assert (min(values) >= 0 and max(values) <= 1) == (kind != "real")
    if kind == "distribution":
        assert all(math.isclose(sum(row), 1.0) for row in drawn)


@pytest.mark.parametrize("loss", LOSSES)
def test_loss_kinks_are_where_the_slope_has_a_corner(loss: str) -> None:
    entry, kinks = ref_losses.TABLE[loss], LOSSES[loss].kinks
    if LOSSES[loss].requires is not None:
        assert kinks == ()  # a probability's loss is smooth
        return

    def curvature(r: float) -> float:
        h = 1e-7
        up, down = entry.slope([r + h], [0.0])[0], entry.slope([r - h], [0.0])[0]
        return (up - down) / (2 * h)

    for k in kinks:
        assert not math.isclose(curvature(k - 1e-4), curvature(k + 1e-4), abs_tol=1e-3)
    for r in (-2.5, -0.5, 0.0, 0.7, 2.0):
        if all(abs(r - k) > 1e-3 for k in kinks):
            assert math.isclose(curvature(r - 1e-4), curvature(r + 1e-4), abs_tol=1e-3)
    arch = reference.Architecture((1, 2), ("identity",), loss)
    p = reference.Parameters([[[1.0], [1.0]]], [[0.0, 0.0]])
    assert len(_kink_sides(arch, p, [[0.5]], [[0.0, 0.0]])) == 2 * len(kinks)


@pytest.mark.parametrize("loss", LOSSES)
def test_halved_losses_and_only_they_get_the_factor_two_suspects(loss: str) -> None:
    arch = reference.Architecture((1, 2), (_output(loss),), loss)
    words = [text for text, _ in _factor_suspects(arch, 3)]
    assert any("a factor 2:" in w for w in words) == LOSSES[loss].halved


@pytest.mark.parametrize(
    "lookup",
    [
        lambda: ref_activations.phi("swish", [0.0]),
        lambda: ref_losses.loss("hinge", [0.0], [0.0], [0.0]),
        lambda: vec_activations.activation("swish"),
        lambda: vec_losses.loss_entry("hinge"),
    ],
)
def test_an_unknown_name_fails_loudly(lookup: object) -> None:
    with pytest.raises(reference.ContractError, match=r"expected one of .*; got '(swish|hinge)'"):
        lookup()  # type: ignore[operator]


def test_softmax_has_no_element_wise_derivative() -> None:
    with pytest.raises(reference.ContractError, match="output layer only"):
        ref_activations.phi_prime("softmax", 0.0, 0.5)
    with pytest.raises(reference.ContractError, match="output layer only"):
        vec_activations.phi_prime("softmax", np.zeros((1, 2)), np.full((1, 2), 0.5))
