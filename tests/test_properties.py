"""Every property of backprop_verify.properties, for every implementation it applies to,
drawn inside that implementation's declared capabilities (``pytest --impl`` included)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backprop_verify import properties
from backprop_verify.adapters import BUILT_IN, Implementation
from backprop_verify.check import quiet_numpy

TABLE = {p.name: p for p in properties.table()}


@given(data=st.data())
def test_property(impl: Implementation, prop: str, data: st.DataObject) -> None:
    chosen = TABLE[prop]
    drawn = data.draw(chosen.draw(impl.caps))
    if impl in BUILT_IN:  # ours must not warn (a warning is an error in this suite)
        chosen.check(impl, **drawn)
    else:  # another author's overflow warnings are not verdicts; their numbers are
        with quiet_numpy():
            chosen.check(impl, **drawn)


def test_some_property_applies(impl: Implementation) -> None:
    applicable = [p.name for p in TABLE.values() if p.applies(impl) is None]
    assert applicable, f"{impl.name}: no property applies inside its declared capabilities"


def applicable_pairs(impls: list[Implementation]) -> list[tuple[Implementation, str]]:
    """(implementation, property) for every property that applies to it."""
    return [(i, name) for i in impls for name, p in TABLE.items() if p.applies(i) is None]


def ids(pairs: list[tuple[Implementation, str]]) -> list[str]:
    return [f"{i.name}-{name}" for i, name in pairs]


__all__ = ["applicable_pairs", "ids", "pytest"]
