"""Nested lists ↔ arrays: exact both ways."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reference
import vectorized
from backprop_verify.strategies import Case, cases


@given(case=cases())
def test_float64_round_trip_is_exact(case: Case) -> None:
    arrays = vectorized.to_arrays(case.params)
    assert all(W.dtype == np.float64 for W in arrays.W)
    assert vectorized.to_lists(arrays) == case.params


@given(
    values=st.lists(
        st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=1, max_size=8
    )
)
def test_float32_values_survive_a_round_trip(values: list[float]) -> None:
    p = reference.Parameters([[values]], [[values[0]]])
    arrays = vectorized.to_arrays(p, np.float32)
    assert arrays.dtype == np.float32
    assert vectorized.to_lists(arrays) == p  # every float32 is exactly a float64


def test_only_float64_and_float32() -> None:
    arch = reference.Architecture((1, 1), ("identity",), "half_squared_error")
    with pytest.raises(reference.ContractError, match="dtype: float16 is refused"):
        vectorized.init_parameters(arch, seed=0, dtype=np.float16)


def test_init_is_seeded_and_shared() -> None:
    arch = reference.Architecture((3, 4, 2), ("tanh", "sigmoid"), "half_squared_error")
    a, b = reference.init_parameters(arch, 42), reference.init_parameters(arch, 42)
    assert a == b and a != reference.init_parameters(arch, 43)
    assert vectorized.to_lists(vectorized.init_parameters(arch, 42)) == a
    assert [len(W) for W in a.W] == [4, 2] and [len(W[0]) for W in a.W] == [3, 4]
