"""Parameters and gradients as NumPy arrays, and exact conversion to and from nested lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

import reference.contract as contract

FloatArray = npt.NDArray[np.floating[Any]]
DTYPES = (np.float64, np.float32)


@dataclass
class Parameters:
    """W[l-1] = W[l] of shape (n_l, n_{l-1}) and b[l-1] = b[l] of shape (n_l,), one dtype."""

    W: list[FloatArray]
    b: list[FloatArray]

    @property
    def dtype(self) -> np.dtype[Any]:
        """The floating dtype every array shares."""
        return self.W[0].dtype

    def copy(self) -> Parameters:
        """A deep copy."""
        return Parameters([w.copy() for w in self.W], [v.copy() for v in self.b])


@dataclass
class Gradients:
    """∂C/∂W[l] and ∂C/∂b[l] (stored like Parameters) and the cost C they belong to."""

    W: list[FloatArray]
    b: list[FloatArray]
    cost: float = 0.0


def check_dtype(dtype: npt.DTypeLike) -> np.dtype[Any]:
    """float64 (the oracle's precision, the default) or float32 (for speed)."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise contract.ContractError(f"dtype: expected float64 or float32; got {dtype!r}") from None
    if dt == np.float16:
        raise contract.ContractError(
            "dtype: float16 is refused: its 11-bit significand cannot hold a gradient "
            "check's rounding bound; expected float64 or float32"
        )
    if dt not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise contract.ContractError(f"dtype: expected float64 or float32; got {dt}")
    return dt


def to_arrays(params: contract.Parameters, dtype: npt.DTypeLike = np.float64) -> Parameters:
    """Nested lists W[l][j][i], b[l][j] → arrays (exact for float64)."""
    dt = check_dtype(dtype)
    return Parameters(
        [np.array(W_l, dtype=dt).reshape(len(W_l), -1) for W_l in params.W],
        [np.array(b_l, dtype=dt) for b_l in params.b],
    )


def to_lists(params: Parameters | Gradients) -> contract.Parameters:
    """Arrays → nested lists of Python floats (exact: every float32 is a float64)."""
    return contract.Parameters(
        [W_l.astype(np.float64).tolist() for W_l in params.W],
        [b_l.astype(np.float64).tolist() for b_l in params.b],
    )


def init_parameters(
    arch: contract.Architecture, seed: int, scale: float = 1.0, dtype: npt.DTypeLike = np.float64
) -> Parameters:
    """The contract's initialisation (contract.init_parameters), as arrays of ``dtype``."""
    return to_arrays(contract.init_parameters(arch, seed, scale), dtype)
