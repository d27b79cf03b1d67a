"""The one trainer: gradient descent over a data set with the in-place step of the workspace.

``train`` runs a fixed number of steps cycling through the batches of one order (the
worked examples, step for step like ``reference.training.train``); ``fit`` runs epochs of
shuffled mini-batches (MNIST). Both report through callbacks, never print, and stop with
``DivergenceError`` at the first step whose cost or gradient is not finite, leaving the
parameters as they were before that step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from reference.contract import (
    Architecture,
    ContractError,
    DivergenceError,
    batches,
    check_learning_rate,
    check_order,
    check_whole,
)
from vectorized.arrays import FloatArray, Parameters
from vectorized.losses import losses
from vectorized.network import feed_forward
from vectorized.regularization import l2_term
from vectorized.threads import blas_limited, blas_threads
from vectorized.validation import check_batch, check_data, check_labels, check_parameters
from vectorized.workspace import Workspace, quiet


@dataclass
class History:
    """Per epoch: the cost C over the whole training set after it, the test accuracy, seconds."""

    train_cost: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def predict(
    arch: Architecture, params: Parameters, X: FloatArray, chunk: int = 10_000
) -> npt.NDArray[np.intp]:
    """The class with the largest output, argmax_j a[L][j], per row (in chunks of rows)."""
    out = [
        feed_forward(arch, params, X[k : k + chunk])[1][arch.L].argmax(axis=1)
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
    """C over the whole set, computed in chunks of rows (the sum, or the mean over all N),
    + (λ/2)·Σ‖W‖² once (L2)."""
    total = 0.0
    with quiet():  # a diverged run is reported by its value
        for k in range(0, X.shape[0], chunk):
            Z, A = feed_forward(arch, params, X[k : k + chunk])
            total += float(losses(arch.loss, Z[arch.L], A[arch.L], Y[k : k + chunk]).sum())
    reduced = total / X.shape[0] if arch.reduction == "mean" else total
    return reduced + l2_term(arch, params)


def epoch_orders(n: int, epochs: int, seed: int) -> list[npt.NDArray[np.intp]]:
    """The sample order of each epoch: a permutation of 0..n-1 from default_rng(seed)."""
    rng = np.random.default_rng(seed)
    return [rng.permutation(n) for _ in range(epochs)]


# An epoch that leaves the training cost more than this many times its starting value has
# overshot, not learned. SGD's noise moves the cost by tens of percent between epochs (the
# small MNIST network, seed 0: 0.0415, 0.0462, 0.0327 after epochs 1 to 3), while a learning
# rate far too large moves it by orders of magnitude (the softmax network at η = 10⁶: from
# 2.44 before training to 1.47e7 after one epoch). A cost that cannot grow without bound
# (squared error on sigmoid outputs) never trips this; only NaN stops such a run.
BLOWUP = 10.0


def _diverged(where: str, learning_rate: float) -> DivergenceError:
    return DivergenceError(
        f"training diverged at {where}; the parameters are those before this step; "
        f"lower the learning rate (η = {learning_rate:g})"
    )


def run_epoch(
    ws: Workspace,
    params: Parameters,
    X: FloatArray,
    Y: FloatArray,
    order: npt.NDArray[np.intp],
    batch_size: int,
    learning_rate: float,
    after_step: Callable[[int], None] | None = None,
) -> None:
    """One pass over the data in ``order``: a step θ ← θ − η ∂C/∂θ per mini-batch.

    A step whose cost or gradient is not finite is not taken: DivergenceError names it.
    NumPy's error state is set once for the epoch, not once per step."""
    with quiet():
        for k, first in enumerate(range(0, order.shape[0], batch_size), start=1):
            Xb, Yb = ws.gather(X, Y, order[first : first + batch_size])
            try:
                ws.step(params, Xb, Yb, learning_rate, guard=False)
            except DivergenceError as exc:
                raise DivergenceError(f"step {k}: {exc}") from None
            if after_step is not None:
                after_step(k)


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
    """``steps`` SGD steps θ ← θ − η ∂C/∂θ cycling through the batches of ``order``.

    The arrays version of ``reference.training.train``: same batches, same per-step costs
    (each the cost of its batch before the update); ``params`` is not changed, the trained
    copy is returned.
    """
    eta = check_learning_rate(learning_rate)
    steps = check_whole("steps", steps)
    dtype = check_parameters(arch, params)
    Xa, Ya = check_data(arch, X, Y, dtype)
    size = Xa.shape[0] if batch_size is None else check_whole("batch_size", batch_size)
    sequence = range(Xa.shape[0]) if order is None else check_order(order, Xa.shape[0])
    plan = [np.array(batch) for batch in batches(sequence, size)]
    trained = params.copy()
    ws = Workspace(arch, max(len(rows) for rows in plan), dtype)
    costs: list[float] = []
    with blas_limited(blas_threads(arch, ws.batch)):
        for step in range(steps):
            rows = plan[step % len(plan)]
            try:
                C = ws.step(trained, Xa[rows], Ya[rows], eta, cost=True)
            except DivergenceError as exc:
                raise _diverged(f"step {step}: {exc}", eta) from None
            costs.append(C)
            if on_step is not None:
                on_step(step, C)
    return trained, costs


def fit(
    arch: Architecture,
    params: Parameters,
    X: object,
    Y: object,
    learning_rate: float,
    epochs: int,
    batch_size: int,
    seed: int,
    test: tuple[object, object] | None = None,
    orders: Sequence[npt.NDArray[np.intp]] | None = None,
    on_step: Callable[[int, int], None] | None = None,
    on_epoch: Callable[[int, History], None] | None = None,
    threads: int | None = None,
) -> History:
    """Train ``params`` in place: each epoch visits every sample once in a shuffled order,
    one SGD step per mini-batch of ``batch_size``, the batch's gradient computed at once.

    ``test`` is (images, labels) for the per-epoch accuracy; ``orders`` (one index array per
    epoch) replaces the shuffling, e.g. to follow another implementation sample for sample.
    ``on_step(done, total)`` after every step and ``on_epoch(epoch, history)`` after every
    epoch report progress. A step whose cost or gradient is not finite, or an epoch after
    which the cost over the training set is more than ``BLOWUP`` times its value before
    training, stops the run with DivergenceError and the parameters of before that step or
    epoch. ``threads`` is the BLAS thread count (default: chosen from the
    size of the products, see vectorized.threads).
    """
    eta = check_learning_rate(learning_rate)
    epochs = check_whole("epochs", epochs)
    batch_size = check_whole("batch_size", batch_size)
    seed = check_whole("seed", seed, minimum=0)
    dtype = check_parameters(arch, params)
    Xa, Ya = check_data(arch, X, Y, dtype)
    Xa, Ya = np.ascontiguousarray(Xa), np.ascontiguousarray(Ya)
    test_set = None
    if test is not None:
        if not isinstance(test, tuple) or len(test) != 2:
            raise ContractError(
                f"test: expected a pair (images, labels); got {type(test).__name__}"
            )
        test_X = check_batch("test images", test[0], arch.sizes[0], dtype)
        test_set = (test_X, check_labels("test labels", test[1], test_X.shape[0], arch.sizes[-1]))
    N = Xa.shape[0]
    plan = list(orders) if orders is not None else epoch_orders(N, epochs, seed)
    if len(plan) != epochs or any(np.shape(o) != (N,) for o in plan):
        raise ContractError(f"orders: expected {epochs} index arrays of length {N}")
    identity = np.arange(N)
    for k, o in enumerate(plan):
        if not np.array_equal(np.sort(o), identity):
            raise ContractError(f"orders[{k}]: expected a permutation of 0..{N - 1}")
    size = min(batch_size, N)
    n_threads = blas_threads(arch, size) if threads is None else check_whole("threads", threads)
    ws = Workspace(arch, size, dtype)
    history = History()
    per_epoch = -(-N // batch_size)
    with blas_limited(n_threads):
        initial = dataset_cost(arch, params, Xa, Ya)
        for epoch in range(epochs):
            start = time.perf_counter()
            kept = params.copy()

            def tick(k: int, epoch: int = epoch) -> None:
                if on_step is not None:
                    on_step(epoch * per_epoch + k, epochs * per_epoch)

            try:
                run_epoch(ws, params, Xa, Ya, plan[epoch], batch_size, eta, tick)
            except DivergenceError as exc:
                raise _diverged(f"epoch {epoch + 1}, {exc}", eta) from None
            history.seconds.append(time.perf_counter() - start)
            C = dataset_cost(arch, params, Xa, Ya)
            if not BLOWUP * initial >= C:  # NaN, or steps that overshoot ever further
                for p, q in zip((*params.W, *params.b), (*kept.W, *kept.b), strict=True):
                    p[...] = q
                raise DivergenceError(
                    f"training diverged in epoch {epoch + 1}: the cost over the training set "
                    f"rose from {initial:.6g} to {C:.6g}; the parameters are those before this "
                    f"epoch; lower the learning rate (η = {eta:g})"
                )
            history.train_cost.append(C)
            if test_set is not None:
                history.test_accuracy.append(accuracy(arch, params, *test_set))
            if on_epoch is not None:
                on_epoch(epoch, history)
    return history
