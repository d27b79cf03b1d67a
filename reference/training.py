"""Gradient descent over a data set: full batch, mini-batches or one sample at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reference.contract import Architecture, Parameters, check_learning_rate
from reference.network import apply_update, backward


def batches(order: Sequence[int], batch_size: int) -> list[list[int]]:
    """Consecutive slices of ``order`` of ``batch_size`` samples (the last may be shorter)."""
    if batch_size < 1:
        raise ValueError(f"batch_size: expected a whole number >= 1; got {batch_size}")
    return [list(order[k : k + batch_size]) for k in range(0, len(order), batch_size)]


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
    batch before that step's update.
    """
    eta = check_learning_rate(learning_rate)
    plan = batches(range(len(X)) if order is None else order, batch_size or len(X))
    costs: list[float] = []
    for step in range(steps):
        rows = plan[step % len(plan)]
        grads = backward(arch, params, [X[n] for n in rows], [Y[n] for n in rows])
        params = apply_update(arch, params, grads, eta)
        costs.append(grads.cost)
        if on_step is not None:
            on_step(step, grads.cost)
    return params, costs
