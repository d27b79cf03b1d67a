"""Mini-batch SGD over a data set, shuffled from an explicit seed (seed 004's training)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

from reference.contract import Architecture, ContractError, check_learning_rate
from vectorized.arrays import FloatArray, Parameters
from vectorized.losses import losses
from vectorized.network import forward_pass
from vectorized.progress import Progress
from vectorized.validation import check_data, check_parameters
from vectorized.workspace import Workspace


@dataclass
class History:
    """Per epoch: the cost C over the whole training set after it, and the test accuracy."""

    train_cost: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def predict(
    arch: Architecture, params: Parameters, X: FloatArray, chunk: int = 10_000
) -> npt.NDArray[np.intp]:
    """The class with the largest output, argmax_j a[L][j], per row (in chunks of rows)."""
    out = [
        forward_pass(arch, params, X[k : k + chunk])[1][arch.L].argmax(axis=1)
        for k in range(0, X.shape[0], chunk)
    ]
    return np.concatenate(out)


def accuracy(
    arch: Architecture, params: Parameters, X: FloatArray, labels: npt.NDArray[Any]
) -> float:
    """Fraction of rows whose predicted class is the label."""
    return float(np.mean(predict(arch, params, X) == labels))


def dataset_cost(
    arch: Architecture, params: Parameters, X: FloatArray, Y: FloatArray, chunk: int = 10_000
) -> float:
    """C over the whole set, computed in chunks of rows (the sum, or the mean over all N)."""
    total = 0.0
    for k in range(0, X.shape[0], chunk):
        Z, A = forward_pass(arch, params, X[k : k + chunk])
        total += float(losses(arch.loss, Z[arch.L], A[arch.L], Y[k : k + chunk]).sum())
    return total / X.shape[0] if arch.reduction == "mean" else total


def epoch_orders(n: int, epochs: int, seed: int) -> list[npt.NDArray[np.intp]]:
    """The sample order of each epoch: a permutation of 0..n-1 from default_rng(seed)."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


def run_epoch(
    ws: Workspace,
    params: Parameters,
    X: FloatArray,
    Y: FloatArray,
    order: npt.NDArray[np.intp],
    batch_size: int,
    learning_rate: float,
    after_step: Callable[[], None] | None = None,
) -> None:
    """One pass over the data in ``order``: a step θ ← θ − η ∂C/∂θ per mini-batch."""
    for k in range(0, order.shape[0], batch_size):
        Xb, Yb = ws.gather(X, Y, order[k : k + batch_size])
        ws.step(params, Xb, Yb, learning_rate)
        if after_step is not None:
            after_step()


def fit(
    arch: Architecture,
    params: Parameters,
    X: object,
    Y: object,
    learning_rate: float,
    epochs: int,
    batch_size: int,
    seed: int,
    test: tuple[FloatArray, npt.NDArray[Any]] | None = None,
    orders: Sequence[npt.NDArray[np.intp]] | None = None,
    progress: TextIO | bool | None = None,
    on_epoch: Callable[[int, History], None] | None = None,
) -> History:
    """Train ``params`` in place: each epoch visits every sample once in a shuffled order,
    one SGD step per mini-batch of ``batch_size``, the batch's gradient computed at once.

    ``orders`` (one index array per epoch) replaces the shuffling, e.g. to follow another
    implementation sample for sample. ``progress``: False for none, a stream, or None for
    stderr (the bar appears only on runs longer than a few seconds).
    """
    eta = check_learning_rate(learning_rate)
    if epochs < 1 or batch_size < 1:
        raise ContractError(
            f"epochs and batch_size: expected whole numbers >= 1; got {epochs} and {batch_size}"
        )
    dtype = check_parameters(arch, params)
    Xa, Ya = check_data(arch, X, Y, dtype)
    Xa, Ya = np.ascontiguousarray(Xa), np.ascontiguousarray(Ya)
    N = Xa.shape[0]
    plan = list(orders) if orders is not None else epoch_orders(N, epochs, seed)
    if len(plan) != epochs or any(o.shape != (N,) for o in plan):
        raise ContractError(f"orders: expected {epochs} index arrays of length {N}")
    identity = np.arange(N)
    for k, o in enumerate(plan):
        if not np.array_equal(np.sort(o), identity):
            raise ContractError(f"orders[{k}]: expected a permutation of 0..{N - 1}")
    ws = Workspace(arch, min(batch_size, N), dtype)
    history = History()
    steps = epochs * -(-N // batch_size)
    stream = None if isinstance(progress, bool) else progress
    bar = None if progress is False else Progress(steps, "training", stream)
    done = 0
    for epoch in range(epochs):
        start = time.perf_counter()

        def tick(epoch: int = epoch) -> None:
            nonlocal done
            done += 1
            if bar is not None:
                bar.update(done, f"epoch {epoch + 1}/{epochs}")

        run_epoch(ws, params, Xa, Ya, plan[epoch], batch_size, eta, tick)
        history.seconds.append(time.perf_counter() - start)
        history.train_cost.append(dataset_cost(arch, params, Xa, Ya))
        if test is not None:
            history.test_accuracy.append(
                accuracy(arch, params, test[0].astype(dtype, copy=False), test[1])
            )
        if on_epoch is not None:
            if bar is not None:
                bar.clear()
            on_epoch(epoch, history)
    if bar is not None:
        bar.close()
    return history
