"""Gradient descent over a data set, the reference's ``train`` on arrays."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from reference.contract import Architecture, check_learning_rate
from reference.training import batches
from vectorized.arrays import Parameters
from vectorized.network import apply_update, backward_arrays
from vectorized.validation import check_data, check_parameters


def train(
    arch: Architecture,
    params: Parameters,
    X: object,
    Y: object,
    learning_rate: float,
    steps: int,
    batch_size: int | None = None,
    order: Sequence[int] | None = None,
    on_step: Callable[[int, float], None] | None = None,
) -> tuple[Parameters, list[float]]:
    """``steps`` SGD steps cycling through the batches of ``order`` (see reference.train)."""
    eta = check_learning_rate(learning_rate)
    dtype = check_parameters(arch, params)
    Xa, Ya = check_data(arch, X, Y, dtype)
    plan = [
        np.array(rows)
        for rows in batches(range(len(Xa)) if order is None else order, batch_size or len(Xa))
    ]
    costs: list[float] = []
    for step in range(steps):
        rows = plan[step % len(plan)]
        grads = backward_arrays(arch, params, Xa[rows], Ya[rows])
        params = apply_update(arch, params, grads, eta)
        costs.append(grads.cost)
        if on_step is not None:
            on_step(step, grads.cost)
    return params, costs
