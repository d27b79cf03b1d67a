"""The vectorized step with every buffer allocated once: what the trainer and benchmarks run.

Same maths as vectorized.network (BP1–BP4 as matrix products), written with ``out=`` so a
training run allocates no large temporaries per step: Z[l], A[l], Δ[l], φ'(Z[l]), ∂C/∂W[l],
∂C/∂b[l] and the gathered batch live in buffers sized for the largest batch, and the
parameters are updated in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from reference.contract import Architecture, ContractError
from vectorized.arrays import FloatArray, Parameters
from vectorized.losses import losses


def _buffers(rows: int, sizes: tuple[int, ...], dtype: np.dtype[Any]) -> list[FloatArray]:
    return [np.empty((rows, n), dtype=dtype) for n in sizes]


def weight_gradient(D: FloatArray, A_prev: FloatArray, out: FloatArray) -> None:
    """out = Δᵀ @ A_prev (BP4); for one sample the outer product δ ⊗ a_prev.

    np.dot rather than np.matmul: the same product, but for one sample (inner dimension 1)
    np.dot is about 3 times faster here, and neither allocates.
    """
    np.dot(D.T, A_prev, out=out)


def _sigmoid(Z: FloatArray, A: FloatArray) -> None:
    """A = σ(Z) = 1/(1 + e^{-Z}) in four passes.

    Unlike vectorized.activations.sigmoid (which goes through e^{-|z|}), e^{-z} overflows
    for z below about -709 (-88 in float32); 1/(1 + ∞) = 0 there, while the true σ(z) is
    below 1e-308 (1e-38), under every normal number. The caller silences that overflow once
    for the whole forward pass. Everywhere else each of the four operations is correctly
    rounded or, for exp, within a few ulp, so σ keeps its relative accuracy: the rounding
    bound of tests/rounding.py holds for both formulas.
    """
    np.negative(Z, out=A)
    np.exp(A, out=A)
    A += 1.0
    np.divide(1.0, A, out=A)


def _tanh(Z: FloatArray, A: FloatArray) -> None:
    np.tanh(Z, out=A)


def _relu(Z: FloatArray, A: FloatArray) -> None:
    np.maximum(Z, 0.0, out=A)


def _softmax(Z: FloatArray, A: FloatArray) -> None:
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=A)
    np.exp(A, out=A)
    A /= A.sum(axis=1, keepdims=True)


def _identity(Z: FloatArray, A: FloatArray) -> None:
    np.copyto(A, Z)


def _times_sigmoid_prime(Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray) -> None:
    """D *= σ'(Z) = A(1 − A)."""
    np.subtract(1.0, A, out=T)
    T *= A
    D *= T


def _times_tanh_prime(Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray) -> None:
    """D *= tanh'(Z) = 1 − A²."""
    np.multiply(A, A, out=T)
    np.subtract(1.0, T, out=T)
    D *= T


def _times_relu_prime(Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray) -> None:
    """D *= ReLU'(Z): 1 where Z > 0, else 0."""
    np.heaviside(Z, 0.0, out=T)
    D *= T


def _times_one(Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray) -> None:
    """identity' = 1: nothing to do."""


PHI = {
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": _softmax,
    "identity": _identity,
}
# φ' for the layers BP2 passes through: every activation but softmax, which is output-only.
TIMES_PHI_PRIME = {
    "sigmoid": _times_sigmoid_prime,
    "tanh": _times_tanh_prime,
    "relu": _times_relu_prime,
    "identity": _times_one,
}


class Workspace:
    """Buffers for one architecture, batches of up to ``batch`` rows, one dtype."""

    def __init__(self, arch: Architecture, batch: int, dtype: npt.DTypeLike = np.float64) -> None:
        self.arch = arch
        self.dtype = np.dtype(dtype)
        self.batch = batch
        sizes = arch.sizes
        self.Z = _buffers(batch, sizes, self.dtype)  # Z[0] unused; A[0] is the gathered batch
        self.A = _buffers(batch, sizes, self.dtype)
        self.D = _buffers(batch, sizes, self.dtype)  # Δ[l]
        self.T = _buffers(batch, sizes, self.dtype)  # φ'(Z[l])
        self.Y = np.empty((batch, sizes[-1]), dtype=self.dtype)
        self.ones = np.ones(batch, dtype=self.dtype)  # Σ_n as a product: ∂C/∂b = 1ᵀ Δ
        self.dW = [np.empty((sizes[l], sizes[l - 1]), self.dtype) for l in range(1, len(sizes))]
        self.db = [np.empty(sizes[l], self.dtype) for l in range(1, len(sizes))]
        # Resolved once, so that a step runs no string comparisons: φ of layer l at [l - 1],
        # and D *= φ'(Z) for the hidden layers BP2 passes through.
        self._phi = [PHI[name] for name in arch.activations]
        self._times_phi_prime = [TIMES_PHI_PRIME[name] for name in arch.activations[:-1]]
        self._views: dict[int, tuple[list[FloatArray], ...]] = {}

    def _rows(self, m: int) -> tuple[list[FloatArray], ...]:
        """The first m rows of A, Z, Δ, φ' and of the ones, made once per batch size."""
        views = self._views.get(m)
        if views is None:
            if m > self.batch:
                raise ContractError(
                    f"X: expected at most {self.batch} rows (the workspace's batch); got {m}"
                )
            bufs = (self.A, self.Z, self.D, self.T, [self.ones])
            views = self._views[m] = tuple([buf[:m] for buf in group] for group in bufs)
        return views

    def gradients(
        self, params: Parameters, X: FloatArray, Y: FloatArray, cost: bool = True
    ) -> float:
        """∂C/∂W[l], ∂C/∂b[l] into ``dW``, ``db`` for a checked batch; returns C (or 0)."""
        return self._backprop(params, X, Y, scale=1.0, update=False, cost=cost)

    def step(self, params: Parameters, X: FloatArray, Y: FloatArray, learning_rate: float) -> None:
        """One SGD step in place: W ← W − η ∂C/∂W (b too when bias is on).

        η is folded into Δ[L] (every Δ[l] is linear in it), so ``dW`` and ``db`` receive
        η ∂C/∂W and η ∂C/∂b and each parameter is updated in one pass.
        """
        self._backprop(params, X, Y, scale=float(learning_rate), update=True, cost=False)

    def _output_error(
        self, Z: FloatArray, A: FloatArray, Y: FloatArray, T: FloatArray, D: FloatArray
    ) -> None:
        """D = δ[L] = ∂ℓ/∂Z[L] (BP1), from a − y, for every loss and output activation."""
        out_act, loss = self.arch.activations[-1], self.arch.loss
        np.subtract(A, Y, out=D)
        if loss == "categorical_cross_entropy":
            np.multiply(A, Y.sum(axis=1, keepdims=True), out=D)
            D -= Y
        elif loss != "binary_cross_entropy":
            if loss == "sum_of_squares":
                D *= 2.0
            if out_act == "softmax":
                D -= (D * A).sum(axis=1, keepdims=True)
                D *= A
            else:
                TIMES_PHI_PRIME[out_act](Z, A, T, D)

    def _backprop(
        self,
        params: Parameters,
        X: FloatArray,
        Y: FloatArray,
        scale: float,
        update: bool,
        cost: bool,
    ) -> float:
        m = X.shape[0]
        A, Z, D, T, (ones,) = self._rows(m)
        arch, W, b, dW, db = self.arch, params.W, params.b, self.dW, self.db
        L, bias, phi, times_phi_prime = arch.L, arch.bias, self._phi, self._times_phi_prime
        A[0] = X
        with np.errstate(over="ignore"):  # e^{-z} of the sigmoid: see _sigmoid
            for l in range(1, L + 1):
                np.matmul(A[l - 1], W[l - 1].T, out=Z[l])  # z = W a + b
                if bias != "off":
                    Z[l] += b[l - 1]
                phi[l - 1](Z[l], A[l])
        total = 0.0
        if cost:  # the cost C, which a training step does not need
            total = float(losses(arch.loss, Z[L], A[L], Y).sum())
            total = total / m if arch.reduction == "mean" else total
        self._output_error(Z[L], A[L], Y, T[L], D[L])  # BP1
        if arch.reduction == "mean":
            scale /= m  # the 1/N of the mean
        if scale != 1.0:
            D[L] *= scale
        for l in range(L, 0, -1):
            if l > 1:  # Δ[l-1] from the weights before this step's update
                np.matmul(D[l], W[l - 1], out=D[l - 1])  # BP2
                times_phi_prime[l - 2](Z[l - 1], A[l - 1], T[l - 1], D[l - 1])
            weight_gradient(D[l], A[l - 1], dW[l - 1])  # BP4
            if update:
                W[l - 1] -= dW[l - 1]
            if bias == "off":
                db[l - 1].fill(0.0)
            else:
                np.matmul(ones, D[l], out=db[l - 1])  # BP3: Σ_n Δ[l]
                if update and bias == "on":
                    b[l - 1] -= db[l - 1]
        return total

    def gather(
        self, X: FloatArray, Y: FloatArray, rows: npt.NDArray[np.intp]
    ) -> tuple[FloatArray, FloatArray]:
        """The batch X[rows], Y[rows], copied into the workspace's buffers (no new arrays).

        ``rows`` must be valid indices (fit checks each epoch's order is a permutation):
        mode="clip" skips NumPy's bounds-checking path, which with ``out=`` costs
        several times the copy itself.
        """
        m = rows.shape[0]
        np.take(X, rows, axis=0, out=self.A[0][:m], mode="clip")
        np.take(Y, rows, axis=0, out=self.Y[:m], mode="clip")
        return self.A[0][:m], self.Y[:m]
