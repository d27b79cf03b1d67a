"""One table per activation and per loss in each package, keyed by the contract's names."""

from __future__ import annotations

import pytest

import reference
from backprop_verify.rounding import ACTIVATION_FACTS, LOSS_FACTS
from reference import activations as ref_activations
from reference import losses as ref_losses
from vectorized import activations as vec_activations
from vectorized import losses as vec_losses
from vectorized import workspace


def test_every_table_has_the_contracts_names() -> None:
    for table in (ref_activations.TABLE, vec_activations.TABLE, workspace.TABLE, ACTIVATION_FACTS):
        assert tuple(table) == reference.ACTIVATIONS
    for table in (ref_losses.TABLE, vec_losses.TABLE, workspace.LOSS_TABLE, LOSS_FACTS):
        assert tuple(table) == reference.LOSSES


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


def test_vectorized_softmax_has_no_element_wise_derivative() -> None:
    import numpy as np

    with pytest.raises(reference.ContractError, match="output layer only"):
        vec_activations.phi_prime("softmax", np.zeros((1, 2)), np.full((1, 2), 0.5))


def test_a_relu_within_rounding_of_its_kink_is_ambiguous() -> None:
    from backprop_verify.rounding import error_bound

    arch = reference.Architecture((3, 1), ("relu",), "half_squared_error")
    # 0.3 − 0.1 − 0.2 is 5.6e-17 in floating point, not 0: within the sum's rounding bound.
    p = reference.Parameters([[[0.3, -0.1, -0.2]]], [[0.0]])
    assert error_bound(arch, p, [[1.0, 1.0, 1.0]], [[0.0]]).ambiguous
    assert not error_bound(arch, p, [[1.0, 0.0, 0.0]], [[0.0]]).ambiguous
