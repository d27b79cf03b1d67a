"""The trainer's in-place step (vectorized.workspace) behind the implementation interface,
so that every agreement and invariant property holds it to the reference too."""

from __future__ import annotations

from typing import Any

import numpy as np

from reference import Architecture
from vectorized import Gradients, Parameters, cost, forward
from vectorized.validation import check_data, check_parameters
from vectorized.workspace import Workspace

__all__ = ["backward", "cost", "forward", "sgd_step"]


def _prepare(arch: Architecture, params: Parameters, X: Any, Y: Any) -> tuple[Workspace, Any, Any]:
    dtype = check_parameters(arch, params)
    Xa, Ya = check_data(arch, X, Y, dtype)
    return Workspace(arch, Xa.shape[0], dtype), Xa, Ya


def backward(arch: Architecture, params: Parameters, X: Any, Y: Any) -> Gradients:
    ws, Xa, Ya = _prepare(arch, params, X, Y)
    C = ws.cost_and_gradients(params, np.ascontiguousarray(Xa), np.ascontiguousarray(Ya))
    return Gradients([g.copy() for g in ws.dW], [g.copy() for g in ws.db], C)


def sgd_step(
    arch: Architecture, params: Parameters, X: Any, Y: Any, learning_rate: float
) -> Parameters:
    ws, Xa, Ya = _prepare(arch, params, X, Y)
    new = params.copy()
    ws.step(new, np.ascontiguousarray(Xa), np.ascontiguousarray(Ya), learning_rate)
    return new
