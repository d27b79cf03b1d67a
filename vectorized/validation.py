"""Checks at the public boundary of the vectorized implementation (same rules as reference)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from reference.contract import Architecture, ContractError, check_architecture, check_target_range
from vectorized.arrays import FloatArray, Parameters, check_dtype


def _numbers(what: str, X: object, width: int) -> npt.NDArray[Any]:
    """X as an array of real numbers, refusing what the reference refuses: booleans, text,
    objects that are not numbers (an array's dtype, or each item of nested lists)."""
    if isinstance(X, np.ndarray):
        if X.dtype.kind not in "iuf":
            raise ContractError(
                f"{what}: expected real numbers, shape (N, {width}); got an array of {X.dtype}"
            )
        return X
    if isinstance(X, (str, bytes)):
        raise ContractError(f"{what}: expected a batch of rows, shape (N, {width}); got text")
    try:
        items = np.asarray(X, dtype=object)
    except ValueError:  # rows that cannot even be laid out
        items = None
    if items is None or (items.ndim == 1 and any(isinstance(v, (list, tuple)) for v in items)):
        lengths = [len(r) if isinstance(r, (list, tuple)) else 1 for r in X]  # type: ignore[attr-defined]
        raise ContractError(
            f"{what}: expected rows of {width} numbers each; got rows of lengths {lengths}"
        )
    for v in items.flat:
        if not isinstance(v, numbers.Real) or isinstance(v, (bool, np.bool_)):
            raise ContractError(f"{what}: expected numbers; got {v!r}")
    try:
        return items.astype(np.float64)
    except OverflowError:  # a whole number beyond the largest float
        raise ContractError(
            f"{what}: expected finite numbers; got one beyond float64's range"
        ) from None


def check_batch(what: str, X: object, width: int, dtype: np.dtype[Any]) -> FloatArray:
    """A batch as an array of shape (N, width), N >= 1, finite, converted to ``dtype``."""
    arr = _numbers(what, X, width)
    if arr.ndim != 2 or arr.shape[1] != width or arr.shape[0] == 0:
        raise ContractError(f"{what}: expected shape (N, {width}) with N >= 1; got {arr.shape}")
    with np.errstate(over="ignore"):  # a value beyond dtype's range becomes ∞, refused below
        cast = arr.astype(dtype, copy=False)
    if not np.isfinite(cast).all():
        name = np.dtype(dtype).name
        beyond = f"one beyond {name}'s range (±{np.finfo(dtype).max:.4g})"
        got = beyond if np.isfinite(arr).all() else "NaN or infinity"
        raise ContractError(f"{what}: expected finite numbers; got {got}")
    return cast


def check_data(
    arch: Architecture, X: object, Y: object, dtype: np.dtype[Any], what: str = ""
) -> tuple[FloatArray, FloatArray]:
    """Inputs (N, n_0) and targets (N, n_L), finite, the same N; cross-entropy targets in [0, 1].

    ``what`` prefixes the names in messages (``test X``)."""
    name_X, name_Y = f"{what} X".strip(), f"{what} Y".strip()
    Xa = check_batch(name_X, X, arch.sizes[0], dtype)
    Ya = check_batch(name_Y, Y, arch.sizes[-1], dtype)
    if Xa.shape[0] != Ya.shape[0]:
        raise ContractError(
            f"{name_X} and {name_Y}: expected the same number of samples; "
            f"got {Xa.shape[0]} and {Ya.shape[0]}"
        )
    check_target_range(arch, float(Ya.min()), float(Ya.max()))
    return Xa, Ya


def check_labels(what: str, labels: object, N: int, classes: int) -> npt.NDArray[np.intp]:
    """Class labels: N whole numbers in 0..classes-1."""
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu" or arr.shape != (N,):
        raise ContractError(
            f"{what}: expected {N} whole numbers in 0..{classes - 1}, shape ({N},); "
            f"got {arr.dtype} of shape {arr.shape}"
        )
    if N and (int(arr.min()) < 0 or int(arr.max()) >= classes):
        raise ContractError(
            f"{what}: expected labels in 0..{classes - 1}; got values in "
            f"[{int(arr.min())}, {int(arr.max())}]"
        )
    return arr.astype(np.intp, copy=False)


def check_parameters(arch: Architecture, params: Parameters) -> np.dtype[Any]:
    """W[l] of shape (n_l, n_{l-1}), b[l] of shape (n_l,), one float dtype, finite; b = 0 if off."""
    check_architecture(arch)
    if not isinstance(params, Parameters):
        raise ContractError(f"params: expected vectorized.Parameters; got {type(params).__name__}")
    if len(params.W) != arch.L or len(params.b) != arch.L:
        raise ContractError(
            f"params: expected {arch.L} weight matrices and bias vectors; got "
            f"{len(params.W)} and {len(params.b)}"
        )
    arrays = [*params.W, *params.b]
    if not all(isinstance(arr, np.ndarray) for arr in arrays):
        got = next(type(arr).__name__ for arr in arrays if not isinstance(arr, np.ndarray))
        raise ContractError(
            f"params: expected NumPy arrays in W and b; got {got} (vectorized.to_arrays "
            "converts the reference's lists)"
        )
    dtype = check_dtype(params.W[0].dtype)
    for l in range(1, arch.L + 1):
        W_l, b_l = params.W[l - 1], params.b[l - 1]
        want_W, want_b = (arch.sizes[l], arch.sizes[l - 1]), (arch.sizes[l],)
        for name, arr, want in ((f"W[{l}]", W_l, want_W), (f"b[{l}]", b_l, want_b)):
            if arr.shape != want:
                raise ContractError(f"{name}: expected an array of shape {want}; got {arr.shape}")
            if arr.dtype != dtype:
                raise ContractError(f"{name}: expected dtype {dtype} like W[1]; got {arr.dtype}")
            if not np.isfinite(arr).all():
                raise ContractError(f"{name}: expected finite numbers; got NaN or infinity")
        if arch.bias == "off" and np.any(b_l != 0):
            raise ContractError(f"b[{l}]: bias 'off' expects all zeros; got {b_l}")
    return dtype
