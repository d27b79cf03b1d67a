"""Comparisons whose tolerance is the rounding bound of backprop_verify.rounding, with
messages that name the quantity, its layer, row and column, and label shapes."""

from __future__ import annotations

import math
from typing import Any

from backprop_verify.rounding import UNDERFLOW

# Quantities stored per layer: their first index is the layer l = 1..L (Python's l - 1).
LAYERED = ("dC/dW", "dC/db", "∂C/∂W", "∂C/∂b", "W", "b")


class Disagreement(AssertionError):  # noqa: N818 - it is a failed check, not an error
    """A value outside the rounding bound of the oracle's: which one, by how much."""

    def __init__(
        self, message: str, quantity: str = "", got: float = math.nan, want: float = math.nan
    ) -> None:
        super().__init__(message)
        self.quantity, self.got, self.want = quantity, got, want


def flat(x: Any) -> list[float]:
    """The numbers of a nested structure, in order."""
    if isinstance(x, (int, float)):
        return [float(x)]
    return [v for item in x for v in flat(item)]


def shape(x: Any) -> str:
    """A nested structure's shape as text: ``(3, 2)``, or per layer ``[(3, 2), (1, 3)]``."""
    if isinstance(x, (int, float)):
        return "()"
    dims: list[int] = []
    y = x
    while not isinstance(y, (int, float)):
        dims.append(len(y))
        if not y:
            break
        y = y[0]
    if len(dims) > 1 and _ragged(x):
        return "[" + ", ".join(shape(item) for item in x) + "]"
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def _ragged(x: Any) -> bool:
    return len({shape(item) for item in x}) > 1


def _pretty(what: str) -> str:
    return what.replace("dC/dW", "∂C/∂W").replace("dC/db", "∂C/∂b")


def _label(what: str, path: tuple[int, ...]) -> str:
    """``∂C/∂W[2][0][1]`` (layer first, from 1) or ``outputs[n][j]``."""
    name = _pretty(what)
    if not path:
        return name
    head, _, rest = name.partition(" ")
    first = path[0] + 1 if head in LAYERED else path[0]
    index = f"[{first}]" + "".join(f"[{i}]" for i in path[1:])
    return f"{head}{index} {rest}".rstrip()


def _walk(x: Any, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], float]]:
    if isinstance(x, (int, float)):
        return [(path, float(x))]
    return [pair for k, item in enumerate(x) for pair in _walk(item, (*path, k))]


ORACLE = "the oracle"


def assert_close(
    what: str, got: Any, want: Any, bound: Any, dtype: str, against: str = ORACLE
) -> None:
    """|got − want| ≤ 2·bound + underflow element by element (two implementations, each
    within ``bound`` of the exact value; ``underflow`` covers gradual underflow)."""
    assert_within(what, got, want, [2.0 * e for e in flat(bound)], dtype, against)


def assert_within(
    what: str, got: Any, want: Any, allowed: Any, dtype: str, against: str = ORACLE
) -> None:
    """|got − want| ≤ allowed + underflow, element by element; the first that is not raises
    Disagreement naming it (layer, row, column) with both values, and ``against``, what
    ``want`` is (the oracle's value, or the module's own for an invariant)."""
    g, w, e = _walk(got), _walk(want), flat(allowed)
    if len(g) != len(w) or len(g) != len(e) or shape(got) != shape(want):
        raise Disagreement(
            f"{_pretty(what)}: shapes differ: got {shape(got)}, expected {shape(want)}", what
        )
    underflow = UNDERFLOW[dtype]
    for (path, gk), (_, wk), ek in zip(g, w, e, strict=True):
        if not abs(gk - wk) <= ek + underflow:
            name = _label(what, path)
            source = "" if against == ORACLE else f" ({against})"
            if math.isnan(gk) or math.isinf(gk):
                problem = f"got {gk!r} where {against} has {wk!r}"
            else:
                problem = (
                    f"got {gk!r}, expected {wk!r}{source}, difference {abs(gk - wk):.3e} "
                    f"exceeds the rounding bound {ek:.3e} + {underflow:.1e}"
                )
            raise Disagreement(f"{name}: {problem}", name, gk, wk)
