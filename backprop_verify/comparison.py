"""Comparisons whose tolerance is the rounding bound of tests/rounding.py."""

from __future__ import annotations

from typing import Any

from backprop_verify.rounding import FLOORS


def flat(x: Any) -> list[float]:
    if isinstance(x, (int, float)):
        return [float(x)]
    return [v for item in x for v in flat(item)]


def assert_close(what: str, got: Any, want: Any, bound: Any, dtype: str) -> None:
    """|got − want| ≤ 2·bound + floor element by element (two implementations, each
    within ``bound`` of the exact value; ``floor`` covers gradual underflow)."""
    assert_within(what, got, want, [2.0 * e for e in flat(bound)], dtype)


def assert_within(what: str, got: Any, want: Any, allowed: Any, dtype: str) -> None:
    """|got − want| ≤ allowed + floor, element by element."""
    g, w, e = flat(got), flat(want), flat(allowed)
    assert len(g) == len(w) == len(e), f"{what}: shapes differ ({len(g)}, {len(w)}, {len(e)})"
    floor = FLOORS[dtype]
    for k, (gk, wk, ek) in enumerate(zip(g, w, e, strict=True)):
        assert abs(gk - wk) <= ek + floor, (
            f"{what}[{k}]: got {gk!r}, expected {wk!r}, difference {abs(gk - wk):.3e} "
            f"exceeds the rounding bound {ek:.3e} + {floor:.1e}"
        )
