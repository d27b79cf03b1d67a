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
        self._views: dict[int, tuple[list[FloatArray], ...]] = {}
        self.dW = [np.empty((sizes[l], sizes[l - 1]), self.dtype) for l in range(1, len(sizes))]
        self.db = [np.empty(sizes[l], self.dtype) for l in range(1, len(sizes))]

    @staticmethod
    def _phi(name: str, Z: FloatArray, A: FloatArray) -> None:
        """A = φ(Z); σ(z) = 1/(1 + e^{-z}) in four passes.

        Unlike vectorized.activations.sigmoid (which goes through e^{-|z|}), e^{-z} overflows
        for z below about -709 (-88 in float32); 1/(1 + ∞) = 0 there, while the true σ(z)
        is below 1e-308 (1e-38), under every normal number. The caller silences that
        overflow once for the whole forward pass. Everywhere else each of the four
        operations is correctly rounded or, for exp, within a few ulp, so σ keeps its
        relative accuracy: the rounding bound of tests/rounding.py holds for both formulas.
        """
        if name == "sigmoid":
            np.negative(Z, out=A)
            np.exp(A, out=A)
            A += 1.0
            np.divide(1.0, A, out=A)
        elif name == "tanh":
            np.tanh(Z, out=A)
        elif name == "relu":
            np.maximum(Z, 0.0, out=A)
        elif name == "softmax":
            np.subtract(Z, Z.max(axis=1, keepdims=True), out=A)
            np.exp(A, out=A)
            A /= A.sum(axis=1, keepdims=True)
        else:
            np.copyto(A, Z)

    @staticmethod
    def _times_phi_prime(
        name: str, Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray
    ) -> None:
        """D *= φ'(Z) (σ: A(1 − A), tanh: 1 − A², ReLU: 1 where Z > 0, else 0)."""
        if name == "sigmoid":
            np.subtract(1.0, A, out=T)
            T *= A
        elif name == "tanh":
            np.multiply(A, A, out=T)
            np.subtract(1.0, T, out=T)
        elif name == "relu":
            np.heaviside(Z, 0.0, out=T)
        else:
            return
        D *= T

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

    def _backprop(
        self,
        params: Parameters,
        X: FloatArray,
        Y: FloatArray,
        scale: float,
        update: bool,
        cost: bool,
    ) -> float:
        arch, L, m = self.arch, self.arch.L, X.shape[0]
        if m > self.batch:
            raise ContractError(
                f"X: expected at most {self.batch} rows (the workspace's batch); got {m}"
            )
        if m not in self._views:  # the first m rows of every buffer, made once per batch size
            self._views[m] = tuple(
                [buf[:m] for buf in bufs] for bufs in (self.A, self.Z, self.D, self.T)
            )
        A, Z, D, T = self._views[m]
        A[0] = X
        with np.errstate(over="ignore"):  # e^{-z} of the sigmoid: see _phi
            for l in range(1, L + 1):
                np.matmul(A[l - 1], params.W[l - 1].T, out=Z[l])
                if arch.bias != "off":
                    Z[l] += params.b[l - 1]
                self._phi(arch.activations[l - 1], Z[l], A[l])
        total = 0.0
        if cost:  # the cost C, which a training step does not need
            total = float(losses(arch.loss, Z[L], A[L], Y).sum())
            total = total / m if arch.reduction == "mean" else total
        out_act, loss = arch.activations[-1], arch.loss
        np.subtract(A[L], Y, out=D[L])  # BP1, starting from a − y
        if loss == "categorical_cross_entropy":
            np.multiply(A[L], Y.sum(axis=1, keepdims=True), out=D[L])
            D[L] -= Y
        elif loss != "binary_cross_entropy":
            if loss == "sum_of_squares":
                D[L] *= 2.0
            if out_act == "softmax":
                D[L] -= (D[L] * A[L]).sum(axis=1, keepdims=True)
                D[L] *= A[L]
            else:
                self._times_phi_prime(out_act, Z[L], A[L], T[L], D[L])
        if arch.reduction == "mean":
            scale /= m  # the 1/N of the mean
        if scale != 1.0:
            D[L] *= scale
        for l in range(L, 0, -1):
            if l > 1:  # Δ[l-1] from the weights before this step's update
                np.matmul(D[l], params.W[l - 1], out=D[l - 1])  # BP2
                self._times_phi_prime(
                    arch.activations[l - 2], Z[l - 1], A[l - 1], T[l - 1], D[l - 1]
                )
            weight_gradient(D[l], A[l - 1], self.dW[l - 1])  # BP4
            if update:
                params.W[l - 1] -= self.dW[l - 1]
            if arch.bias == "off":
                self.db[l - 1].fill(0.0)
            else:
                np.matmul(self.ones[:m], D[l], out=self.db[l - 1])  # BP3: Σ_n Δ[l]
                if update and arch.bias == "on":
                    params.b[l - 1] -= self.db[l - 1]
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
