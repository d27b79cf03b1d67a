"""Checks at the public boundary of the vectorized implementation (same rules as reference)."""

from __future__ import annotations

from typing import Any

import numpy as np

from reference.contract import Architecture, ContractError, check_target_range
from vectorized.arrays import FloatArray, Parameters, check_dtype


def check_batch(what: str, X: object, width: int, dtype: np.dtype[Any]) -> FloatArray:
    """A batch as an array of shape (N, width), N >= 1, finite, converted to ``dtype``."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ContractError(f"{what}: expected numbers, shape (N, {width}); got {exc}") from None
    if arr.ndim != 2 or arr.shape[1] != width or arr.shape[0] == 0:
        raise ContractError(f"{what}: expected shape (N, {width}) with N >= 1; got {arr.shape}")
    if not np.isfinite(arr).all():
        raise ContractError(f"{what}: expected finite numbers; got NaN or infinity")
    return arr.astype(dtype, copy=False)


def check_data(
    arch: Architecture, X: object, Y: object, dtype: np.dtype[Any]
) -> tuple[FloatArray, FloatArray]:
    """Inputs (N, n_0) and targets (N, n_L), finite, the same N; cross-entropy targets in [0, 1]."""
    Xa = check_batch("X", X, arch.sizes[0], dtype)
    Ya = check_batch("Y", Y, arch.sizes[-1], dtype)
    if Xa.shape[0] != Ya.shape[0]:
        raise ContractError(
            f"X and Y: expected the same number of samples; got {Xa.shape[0]} and {Ya.shape[0]}"
        )
    check_target_range(arch, float(Ya.min()), float(Ya.max()))
    return Xa, Ya


def check_parameters(arch: Architecture, params: Parameters) -> np.dtype[Any]:
    """W[l] of shape (n_l, n_{l-1}), b[l] of shape (n_l,), one float dtype, finite; b = 0 if off."""
    if not isinstance(params, Parameters):
        raise ContractError(f"params: expected vectorized.Parameters; got {type(params).__name__}")
    if len(params.W) != arch.L or len(params.b) != arch.L:
        raise ContractError(
            f"params: expected {arch.L} weight matrices and bias vectors; got "
            f"{len(params.W)} and {len(params.b)}"
        )
    dtype = check_dtype(params.W[0].dtype)
    for l in range(1, arch.L + 1):
        W_l, b_l = params.W[l - 1], params.b[l - 1]
        want_W, want_b = (arch.sizes[l], arch.sizes[l - 1]), (arch.sizes[l],)
        for name, arr, want in ((f"W[{l}]", W_l, want_W), (f"b[{l}]", b_l, want_b)):
            if not isinstance(arr, np.ndarray) or arr.shape != want:
                got = arr.shape if isinstance(arr, np.ndarray) else type(arr).__name__
                raise ContractError(f"{name}: expected an array of shape {want}; got {got}")
            if arr.dtype != dtype:
                raise ContractError(f"{name}: expected dtype {dtype} like W[1]; got {arr.dtype}")
            if not np.isfinite(arr).all():
                raise ContractError(f"{name}: expected finite numbers; got NaN or infinity")
        if arch.bias == "off" and np.any(b_l != 0):
            raise ContractError(f"b[{l}]: bias 'off' expects all zeros; got {b_l}")
    return dtype
