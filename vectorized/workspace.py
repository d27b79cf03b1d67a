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

from reference.contract import Architecture
from vectorized.arrays import FloatArray, Parameters
from vectorized.losses import losses


def _buffers(rows: int, sizes: tuple[int, ...], dtype: np.dtype[Any]) -> list[FloatArray]:
    return [np.empty((rows, n), dtype=dtype) for n in sizes]


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
        self.T = _buffers(batch, sizes, self.dtype)  # φ'(Z[l]) and σ's e^{-|z|}
        self.Y = np.empty((batch, sizes[-1]), dtype=self.dtype)
        self.dW = [np.empty((sizes[l], sizes[l - 1]), self.dtype) for l in range(1, len(sizes))]
        self.db = [np.empty(sizes[l], self.dtype) for l in range(1, len(sizes))]

    def _phi(self, name: str, Z: FloatArray, A: FloatArray, E: FloatArray) -> None:
        """A = φ(Z), with σ(z) = 1/(1 + e^{-|z|}) for z ≥ 0 and e^{-|z|}/(1 + e^{-|z|}) below."""
        if name == "sigmoid":
            np.abs(Z, out=E)
            np.negative(E, out=E)
            np.exp(E, out=E)
            np.add(E, 1.0, out=A)
            np.divide(E, A, out=E)
            np.divide(1.0, A, out=A)
            np.copyto(A, E, where=Z < 0)
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

    def gradients(self, params: Parameters, X: FloatArray, Y: FloatArray) -> float:
        """∂C/∂W[l], ∂C/∂b[l] into ``dW``, ``db`` for a checked batch; returns C."""
        arch, L, m = self.arch, self.arch.L, X.shape[0]
        A = [X] + [a[:m] for a in self.A[1:]]
        Z = [X] + [z[:m] for z in self.Z[1:]]
        D = [d[:m] for d in self.D]
        T = [t[:m] for t in self.T]
        for l in range(1, L + 1):
            np.matmul(A[l - 1], params.W[l - 1].T, out=Z[l])
            if arch.bias != "off":
                Z[l] += params.b[l - 1]
            self._phi(arch.activations[l - 1], Z[l], A[l], T[l])
        per_sample = losses(arch.loss, Z[L], A[L], Y)
        total = float(per_sample.sum())
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
            D[L] /= m
            total /= m
        for l in range(L, 0, -1):
            np.matmul(D[l].T, A[l - 1], out=self.dW[l - 1])  # BP4
            if arch.bias != "off":
                np.sum(D[l], axis=0, out=self.db[l - 1])  # BP3
            else:
                self.db[l - 1].fill(0.0)
            if l > 1:
                np.matmul(D[l], params.W[l - 1], out=D[l - 1])  # BP2
                self._times_phi_prime(
                    arch.activations[l - 2], Z[l - 1], A[l - 1], T[l - 1], D[l - 1]
                )
        return total

    def step(self, params: Parameters, X: FloatArray, Y: FloatArray, learning_rate: float) -> float:
        """One SGD step in place: W ← W − η ∂C/∂W (b too when bias is on); returns C before it."""
        C = self.gradients(params, X, Y)
        eta = float(learning_rate)
        for l in range(self.arch.L):
            self.dW[l] *= eta
            params.W[l] -= self.dW[l]
            if self.arch.bias == "on":
                self.db[l] *= eta
                params.b[l] -= self.db[l]
        return C

    def gather(
        self, X: FloatArray, Y: FloatArray, rows: npt.NDArray[np.intp]
    ) -> tuple[FloatArray, FloatArray]:
        """The batch X[rows], Y[rows], copied into the workspace's buffers (no new arrays)."""
        m = rows.shape[0]
        np.take(X, rows, axis=0, out=self.A[0][:m])
        np.take(Y, rows, axis=0, out=self.Y[:m])
        return self.A[0][:m], self.Y[:m]
