"""Gradient descent over a data set: full batch, mini-batches or one sample at a time."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reference.contract import (
    Architecture,
    DivergenceError,
    Gradients,
    Parameters,
    batches,
    check_learning_rate,
    check_order,
    check_whole,
)
from reference.network import apply_update, gradients
from reference.validation import check_data, check_parameters


def train(
    arch: Architecture,
    params: Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
    steps: int,
    batch_size: int | None = None,
    order: Sequence[int] | None = None,
    on_step: Callable[[int, float], None] | None = None,
) -> tuple[Parameters, list[float]]:
    """``steps`` SGD steps θ ← θ − η ∂C/∂θ, cycling through the batches of ``order``.

    ``batch_size`` None means the whole set each step; ``order`` (default 0..N-1) fixes
    which samples form each batch.  Returns the parameters and, per step, the cost of the
    batch before that step's update. The data and parameters are checked once, before the
    first step; every step's parameters come from finite gradients, so they need no check.
    """
    eta = check_learning_rate(learning_rate)
    steps = check_whole("steps", steps)
    check_parameters(arch, params)
    X, Y = check_data(arch, X, Y)
    rows = range(len(X)) if order is None else check_order(order, len(X))
    plan = batches(rows, len(X) if batch_size is None else batch_size)
    costs: list[float] = []
    for step in range(steps):
        rows = plan[step % len(plan)]
        grads = gradients(arch, params, [X[n] for n in rows], [Y[n] for n in rows])
        if not _finite(grads):
            raise DivergenceError(
                f"training diverged at step {step}: cost {grads.cost}; the parameters are "
                f"those before this step; lower the learning rate (η = {eta:g})"
            )
        params = apply_update(arch, params, grads, eta)
        costs.append(grads.cost)
        if on_step is not None:
            on_step(step, grads.cost)
    return params, costs


def _finite(grads: Gradients) -> bool:
    """The cost and every gradient are finite numbers."""
    values = [grads.cost, *(g for W_l in grads.W for row in W_l for g in row)]
    values += [g for b_l in grads.b for g in b_l]
    return all(math.isfinite(v) for v in values)
