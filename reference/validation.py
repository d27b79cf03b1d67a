"""Checks at the public boundary of the reference: shapes, finiteness, bias mode."""

from __future__ import annotations

import math
import numbers
import operator
from collections.abc import Collection

from reference.contract import (
    Architecture,
    ContractError,
    Parameters,
    check_architecture,
    check_target_range,
)


def _items(value: object) -> list[object] | None:
    """The items of a list, tuple or array-like (anything sized and iterable but text)."""
    if type(value) is list:
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        return None
    return list(value)


def _row(what: str, row: object, width: int) -> list[float]:
    items = _items(row)
    if items is None:
        raise ContractError(f"{what}: expected a sequence of {width} numbers; got {row!r}")
    if len(items) != width:
        raise ContractError(f"{what}: expected {width} numbers; got {len(items)}")
    if all(type(v) is float for v in items):  # the usual case, checked at C speed
        floats: list[float] = items  # type: ignore[assignment]
        if all(map(math.isfinite, floats)):
            return floats
    out = []
    for v in items:
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise ContractError(f"{what}: expected numbers; got {v!r}")
        try:
            f = float(v)
        except OverflowError:  # a whole number beyond the largest float
            digits = int(operator.index(v).bit_length() * math.log10(2)) + 1  # type: ignore[arg-type]
            raise ContractError(
                f"{what}: expected finite numbers; got a whole number of about {digits} "
                "digits beyond float64's range"
            ) from None
        if not math.isfinite(f):
            raise ContractError(f"{what}: expected finite numbers; got {v!r}")
        out.append(f)
    return out


def check_batch(what: str, rows: object, width: int) -> list[list[float]]:
    """A batch: N >= 1 rows of ``width`` finite numbers (shape (N, width))."""
    items = _items(rows)
    if items is None:
        raise ContractError(
            f"{what}: expected a batch of rows, shape (N, {width}); got {type(rows).__name__}"
        )
    if not items:
        raise ContractError(f"{what}: expected at least one row, shape (N, {width}); got none")
    return [_row(f"{what} row {n}", r, width) for n, r in enumerate(items)]


def check_data(
    arch: Architecture, X: object, Y: object
) -> tuple[list[list[float]], list[list[float]]]:
    """Inputs X of shape (N, n_0) and targets Y of shape (N, n_L), finite, same N."""
    x_rows = check_batch("X", X, arch.sizes[0])
    y_rows = check_batch("Y", Y, arch.sizes[-1])
    if len(x_rows) != len(y_rows):
        raise ContractError(
            f"X and Y: expected the same number of samples; got {len(x_rows)} and {len(y_rows)}"
        )
    values = [v for r in y_rows for v in r]
    check_target_range(arch, min(values), max(values))
    return x_rows, y_rows


def check_parameters(arch: Architecture, params: Parameters) -> None:
    """W[l] of shape (n_l, n_{l-1}) and b[l] of length n_l, finite; b = 0 when bias is off."""
    check_architecture(arch)
    if not isinstance(params, Parameters):
        raise ContractError(f"params: expected reference.Parameters; got {type(params).__name__}")
    if len(params.W) != arch.L or len(params.b) != arch.L:
        raise ContractError(
            f"params: expected {arch.L} weight matrices and bias vectors; got "
            f"{len(params.W)} and {len(params.b)}"
        )
    for l in range(1, arch.L + 1):
        n_prev, n_l = arch.sizes[l - 1], arch.sizes[l]
        W_l = params.W[l - 1]
        rows = _items(W_l)
        if rows is None or len(rows) != n_l:
            got = type(W_l).__name__ if rows is None else f"{len(rows)} rows"
            raise ContractError(f"W[{l}]: expected shape ({n_l}, {n_prev}); got {got}")
        for j, row in enumerate(rows):
            _row(f"W[{l}] row {j} (shape ({n_l}, {n_prev}))", row, n_prev)
        b_l = _row(f"b[{l}] (length {n_l})", params.b[l - 1], n_l)
        if arch.bias == "off" and any(v != 0.0 for v in b_l):
            raise ContractError(f"b[{l}]: bias 'off' expects all zeros; got {b_l}")
