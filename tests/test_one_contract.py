"""Both implementations accept and refuse the same inputs, NumPy scalars included."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import reference
import vectorized
from backprop_data.mnist import one_hot
from reference import ContractError
from vectorized.training import fit

ARCH = reference.Architecture((2, 2, 1), ("tanh", "sigmoid"), "half_squared_error")
P = reference.init_parameters(ARCH, seed=0)
SIDES = {
    "reference": (reference, P),
    "vectorized": (vectorized, vectorized.to_arrays(P)),
}


@pytest.mark.parametrize(
    ("X", "message"),
    [
        ([[True, 1.0]], "X row 0: expected numbers; got True|X: expected numbers; got True"),
        ([["1.5", 1.0]], "expected numbers; got '1.5'"),
        ("12", "X: expected a batch of rows"),
        ([], "X: expected (at least one row|shape)"),
        ([[1.0, None]], "expected numbers; got None"),
    ],
)
@pytest.mark.parametrize("side", SIDES)
def test_the_same_inputs_are_refused(side: str, X: Any, message: str) -> None:
    module, params = SIDES[side]
    with pytest.raises(ContractError, match=message):
        module.forward(ARCH, params, X)


@pytest.mark.parametrize("side", SIDES)
def test_numpy_arrays_and_scalars_are_accepted_by_both(side: str) -> None:
    module, params = SIDES[side]
    X = np.array([[0.5, -1.0]])
    Y = [[np.float32(0.25)]]
    out = module.forward(ARCH, params, X)
    assert np.asarray(out).shape == (1, 1)
    new = module.sgd_step(ARCH, params, X, Y, np.float64(0.5))
    assert len(new.W) == 2
    arch = reference.Architecture(
        (np.int64(2), np.int32(3), 1), ("relu", "identity"), "sum_of_squares"
    )
    assert arch.sizes == (2, 3, 1) and all(type(n) is int for n in arch.sizes)
    assert module.init_parameters(arch, np.int64(3), np.float32(0.5)).W[0] is not None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": "0"}, "seed: expected a whole number >= 0; got '0'"),
        ({"seed": True}, "seed: expected a whole number >= 0; got True"),
        ({"seed": -1}, "seed: expected a whole number >= 0; got -1"),
        ({"seed": 0, "scale": "1"}, "scale: expected a positive finite number; got '1'"),
        ({"seed": 0, "scale": float("nan")}, "scale: expected a positive finite number; got nan"),
    ],
)
@pytest.mark.parametrize("module", [reference, vectorized])
def test_wrongly_typed_arguments_name_the_argument(
    module: Any, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ContractError, match=message):
        module.init_parameters(ARCH, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": "2,3"}, "sizes: expected a sequence of whole numbers; got '2,3'"),
        ({"sizes": (2, "3")}, "sizes: expected whole numbers >= 1; got '3' at position 1"),
        ({"activations": "sigmoid"}, "activations: expected a sequence of names; got 'sigmoid'"),
    ],
)
def test_architecture_refuses_text_for_sequences(kwargs: dict[str, Any], message: str) -> None:
    fields: dict[str, Any] = {
        "sizes": (2, 3),
        "activations": ("sigmoid",),
        "loss": "half_squared_error",
    }
    with pytest.raises(ContractError, match=message):
        reference.Architecture(**(fields | kwargs))


def test_fit_checks_the_test_set_like_the_training_set() -> None:
    arch = reference.Architecture((2, 3), ("softmax",), "categorical_cross_entropy")
    p = vectorized.init_parameters(arch, seed=0)
    X, labels = np.zeros((4, 2)), np.array([0, 1, 2, 1])
    Y = one_hot(labels, classes=3)
    for test, message in [
        ((np.zeros((2, 5)), np.array([0, 1])), r"test images: expected shape \(N, 2\)"),
        ((np.full((2, 2), np.nan), np.array([0, 1])), "test images: expected finite numbers"),
        (
            (np.zeros((2, 2)), np.array([0, 3])),
            r"test labels: expected labels in 0..2; got values in \[0, 3\]",
        ),
        ((np.zeros((2, 2)), np.array([0])), r"test labels: expected 2 whole numbers in 0..2"),
        ((np.zeros((2, 2)), np.array([0.0, 1.0])), r"test labels: expected 2 whole numbers"),
    ]:
        with pytest.raises(ContractError, match=message):
            fit(arch, p, X, Y, 0.1, 1, 2, 0, test=test)


def test_one_hot_refuses_labels_outside_the_classes() -> None:
    with pytest.raises(
        ContractError, match=r"labels: expected labels in 0..9; got values in \[-1, 3\]"
    ):
        one_hot(np.array([3, -1]))
    with pytest.raises(
        ContractError, match=r"labels: expected labels in 0..2; got values in \[0, 3\]"
    ):
        one_hot(np.array([0, 3]), classes=3)
    assert one_hot(np.array([2, 0]), classes=3).tolist() == [[0, 0, 1], [1, 0, 0]]
