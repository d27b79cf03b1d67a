"""The vectorized step with every buffer allocated once: what the trainer and benchmarks run.

Same maths as vectorized.network (BP1–BP4 as matrix products), written with ``out=`` so a
training run allocates no large temporaries per step: Z[l], A[l], Δ[l], φ'(Z[l]), ∂C/∂W[l],
∂C/∂b[l] and the gathered batch live in buffers sized for the largest batch, and the
parameters are updated in place.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from reference.contract import (
    ACTIVATIONS,
    LEAKY_SLOPE,
    Architecture,
    ContractError,
    DivergenceError,
    check_architecture,
    check_whole,
)
from vectorized.arrays import FloatArray, Parameters, check_dtype
from vectorized.losses import losses
from vectorized.regularization import l2_term

OutputError = Callable[
    ["InPlace", FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray], None
]


def quiet() -> np.errstate:
    """NumPy's error state for steps: overflow and invalid values pass silently (see
    Workspace._backprop); the results are checked instead."""
    return np.errstate(over="ignore", invalid="ignore")


def _buffers(rows: int, sizes: tuple[int, ...], dtype: np.dtype[Any]) -> list[FloatArray]:
    return [np.empty((rows, n), dtype=dtype) for n in sizes]


def weight_gradient(D: FloatArray, A_prev: FloatArray, out: FloatArray) -> None:
    """out = Δᵀ @ A_prev (BP4); for one sample the outer product δ ⊗ a_prev.

    np.dot rather than np.matmul: the same product, but for one sample (inner dimension 1)
    np.dot is about 3 times faster here, and neither allocates.
    """
    np.dot(D.T, A_prev, out=out)


# Every in-place function takes ``one``, the number 1 as a 0-d array of the workspace's
# dtype: a Python float operand costs NumPy a conversion on every call (about 0.2 us, a
# tenth of a one-sample step's overhead), a 0-d array of the same dtype none.


def _sigmoid(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    """A = σ(Z) = 1/(1 + e^{-Z}) in four passes.

    Unlike vectorized.activations.sigmoid (which goes through e^{-|z|}), e^{-z} overflows
    for z below about -709 (-88 in float32); 1/(1 + ∞) = 0 there, while the true σ(z) is
    below 1e-308 (1e-38), under every normal number. The caller silences that overflow once
    for the whole forward pass. Everywhere else each of the four operations is correctly
    rounded or, for exp, within a few ulp, so σ keeps its relative accuracy: the rounding
    bound of backprop_verify/rounding.py holds for both formulas.
    """
    np.negative(Z, out=A)
    np.exp(A, out=A)
    A += one
    np.divide(one, A, out=A)


def _tanh(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    np.tanh(Z, out=A)


def _relu(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    np.maximum(Z, 0.0, out=A)


def _leaky_relu(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    """A = max(Z, s·Z) for the slope s < 1 below the kink."""
    np.multiply(Z, LEAKY_SLOPE, out=A)
    np.maximum(A, Z, out=A)


def _softplus(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    """A = log(1 + e^{−|Z|}) + max(Z, 0)."""
    np.abs(Z, out=A)
    np.negative(A, out=A)
    np.exp(A, out=A)
    np.log1p(A, out=A)
    A += np.maximum(Z, 0.0)


def _softmax(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=A)
    np.exp(A, out=A)
    A /= A.sum(axis=1, keepdims=True)


def _identity(Z: FloatArray, A: FloatArray, one: FloatArray) -> None:
    np.copyto(A, Z)


def _times_sigmoid_prime(
    Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray, one: FloatArray
) -> None:
    """D *= σ'(Z) = A(1 − A)."""
    np.subtract(one, A, out=T)
    T *= A
    D *= T


def _times_tanh_prime(
    Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray, one: FloatArray
) -> None:
    """D *= tanh'(Z) = 1 − A²."""
    np.multiply(A, A, out=T)
    np.subtract(one, T, out=T)
    D *= T


def _times_relu_prime(
    Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray, one: FloatArray
) -> None:
    """D *= ReLU'(Z): 1 where Z > 0, else 0."""
    np.heaviside(Z, 0.0, out=T)
    D *= T


def _times_leaky_relu_prime(
    Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray, one: FloatArray
) -> None:
    """D *= leaky ReLU'(Z): 1 where Z > 0, else the slope s (exactly: max(0 or 1, s))."""
    np.greater(Z, 0.0, out=T)
    np.maximum(T, LEAKY_SLOPE, out=T)
    D *= T


def _times_softplus_prime(
    Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray, one: FloatArray
) -> None:
    """D *= softplus'(Z) = σ(Z) = 1 − e^{−A}."""
    np.negative(A, out=T)
    np.expm1(T, out=T)
    np.negative(T, out=T)
    D *= T


def _times_one(Z: FloatArray, A: FloatArray, T: FloatArray, D: FloatArray, one: FloatArray) -> None:
    """identity' = 1: nothing to do."""


@dataclass(frozen=True)
class InPlace:
    """φ written into A from Z, and D *= φ'(Z) using T as scratch (None: softmax)."""

    phi: Callable[[FloatArray, FloatArray, FloatArray], None]
    times_phi_prime: (
        Callable[[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray], None] | None
    )


TABLE = {
    "identity": InPlace(_identity, _times_one),
    "sigmoid": InPlace(_sigmoid, _times_sigmoid_prime),
    "tanh": InPlace(_tanh, _times_tanh_prime),
    "relu": InPlace(_relu, _times_relu_prime),
    "leaky_relu": InPlace(_leaky_relu, _times_leaky_relu_prime),
    "softplus": InPlace(_softplus, _times_softplus_prime),
    "softmax": InPlace(_softmax, None),
}


def _chain_delta(slope: Callable[[FloatArray, FloatArray, FloatArray], None]) -> OutputError:
    """D = ∂ℓ/∂A (``slope`` writes it), then through φ' (or softmax's Jacobian:
    D = A·(D − Σ_k D_k A_k))."""

    def delta(
        act: InPlace,
        Z: FloatArray,
        A: FloatArray,
        Y: FloatArray,
        T: FloatArray,
        D: FloatArray,
        one: FloatArray,
    ) -> None:
        slope(A, Y, D)
        if act.times_phi_prime is None:  # softmax
            D -= (D * A).sum(axis=1, keepdims=True)
            D *= A
        else:
            act.times_phi_prime(Z, A, T, D, one)

    return delta


def _residual(A: FloatArray, Y: FloatArray, D: FloatArray) -> None:
    """D = A − Y: ∂ℓ/∂A of ½ squared error."""
    np.subtract(A, Y, out=D)


def _twice_residual(A: FloatArray, Y: FloatArray, D: FloatArray) -> None:
    """D = 2(A − Y): ∂ℓ/∂A of the sum of squares."""
    np.subtract(A, Y, out=D)
    D *= 2.0


def _clipped_residual(A: FloatArray, Y: FloatArray, D: FloatArray) -> None:
    """D = A − Y clipped to [−1, 1]: ∂ℓ/∂A of the Huber loss."""
    np.subtract(A, Y, out=D)
    np.clip(D, -1.0, 1.0, out=D)


def _sigmoid_bce_delta(
    act: InPlace,
    Z: FloatArray,
    A: FloatArray,
    Y: FloatArray,
    T: FloatArray,
    D: FloatArray,
    one: FloatArray,
) -> None:
    """D = A − Y."""
    np.subtract(A, Y, out=D)


def _softmax_ce_delta(
    act: InPlace,
    Z: FloatArray,
    A: FloatArray,
    Y: FloatArray,
    T: FloatArray,
    D: FloatArray,
    one: FloatArray,
) -> None:
    """D = A·Σ_k Y_k − Y."""
    np.multiply(A, Y.sum(axis=1, keepdims=True), out=D)
    D -= Y


# BP1 in place, one entry per loss declared in the contract.
LOSS_TABLE: dict[str, OutputError] = {
    "half_squared_error": _chain_delta(_residual),
    "sum_of_squares": _chain_delta(_twice_residual),
    "binary_cross_entropy": _sigmoid_bce_delta,
    "categorical_cross_entropy": _softmax_ce_delta,
    "huber": _chain_delta(_clipped_residual),
}


class Workspace:
    """Buffers for one architecture, batches of up to ``batch`` rows, one dtype."""

    def __init__(self, arch: Architecture, batch: int, dtype: npt.DTypeLike = np.float64) -> None:
        self.arch = check_architecture(arch)
        self.dtype = check_dtype(dtype)
        self.batch = batch = check_whole("batch", batch)
        sizes = arch.sizes
        self.Z = _buffers(batch, sizes, self.dtype)  # Z[0] unused; A[0] is the gathered batch
        self.A = _buffers(batch, sizes, self.dtype)
        self.D = _buffers(batch, sizes, self.dtype)  # Δ[l]
        self.T = _buffers(batch, sizes, self.dtype)  # φ'(Z[l])
        self.Y = np.empty((batch, sizes[-1]), dtype=self.dtype)
        self.ones = np.ones(batch, dtype=self.dtype)  # Σ_n as a product: ∂C/∂b = 1ᵀ Δ
        self._one = np.ones((), dtype=self.dtype)  # 1 as an operand (see _sigmoid)
        self.dW = [np.empty((sizes[l], sizes[l - 1]), self.dtype) for l in range(1, len(sizes))]
        # Σ_n Δ[l] of every layer in one buffer, so that one sum checks them all; it is
        # ∂C/∂b itself unless bias is off (then ∂C/∂b stays zeros).
        self._sums = np.empty(sum(sizes[1:]), self.dtype)
        ends = np.cumsum((0, *sizes[1:]))
        self._S = [self._sums[ends[k] : ends[k + 1]] for k in range(len(sizes) - 1)]
        off = arch.bias == "off"
        self.db = [np.zeros(n, self.dtype) for n in sizes[1:]] if off else self._S
        # Hidden layers whose activation is declared unbounded can overflow without the
        # overflow reaching Δ: their A is checked too.
        self._unbounded = [
            l for l in range(1, arch.L) if not ACTIVATIONS[arch.activations[l - 1]].bounded
        ]
        self._finite = True
        # The contract's choices as flags, read once rather than compared every step.
        self._use_bias = arch.bias != "off"
        self._train_bias = arch.bias == "on"
        self._mean = arch.reduction == "mean"
        # λ of the L2 term, and a buffer per layer for λ·W[l] (only when λ > 0).
        self._l2 = arch.l2
        self._decay = [np.empty_like(dW_l) for dW_l in self.dW] if arch.l2 else []
        # Resolved once, so that a step runs no string comparisons: φ of layer l at [l - 1],
        # and D *= φ'(Z) for the hidden layers BP2 passes through.
        entries = [TABLE[name] for name in arch.activations]
        self._phi = [entry.phi for entry in entries]
        # Hidden layers never hold softmax (the contract), so each has its φ'.
        self._times_phi_prime = [e.times_phi_prime for e in entries[:-1] if e.times_phi_prime]
        self._out = entries[-1]
        self._output_error = LOSS_TABLE[arch.loss]
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

    def cost_and_gradients(
        self, params: Parameters, X: FloatArray, Y: FloatArray, cost: bool = True
    ) -> float:
        """∂C/∂W[l], ∂C/∂b[l] into ``dW``, ``db`` for a checked batch; returns C (or 0)."""
        with quiet():
            return self._backprop(params, X, Y, factor=1.0, cost=cost)

    def step(
        self,
        params: Parameters,
        X: FloatArray,
        Y: FloatArray,
        learning_rate: float,
        cost: bool = False,
        guard: bool = True,
    ) -> float:
        """One SGD step in place: W ← W − η ∂C/∂W (b too when bias is on); returns C or 0.

        η is folded into Δ[L] (every Δ[l] is linear in it), so ``dW`` and ``db`` receive
        η ∂C/∂W and η ∂C/∂b and each parameter is updated in one pass. Every gradient (and
        the cost, when asked for) is computed before any parameter changes: if one is not
        finite the run has diverged, DivergenceError is raised and the parameters are left
        exactly as they were. ``guard=False`` skips setting NumPy's error state for this
        call, for a caller that holds ``quiet()`` around many steps (the trainer's epochs).
        """
        if guard:
            with quiet():
                return self.step(params, X, Y, learning_rate, cost, guard=False)
        C = self._backprop(params, X, Y, learning_rate, cost)
        if not math.isfinite(C):
            raise DivergenceError(f"cost {C}")
        if not self.finite_gradients():
            raise DivergenceError("an error δ, and so a gradient, is not finite")
        self._update(params)
        return C

    def finite_gradients(self) -> bool:
        """Whether the gradients just computed are finite.

        ∂C/∂W[l] = Δ[l]ᵀ A[l−1] and ∂C/∂b[l] = Σ_n Δ[l] are finite when every Δ[l] and
        A[l−1] is. One sum over the Σ_n Δ[l] of all layers is NaN or ±∞ as soon as one δ is
        (an overflowing sum of finite terms is divergence too); A[0] is the checked input,
        a bounded φ passes a NaN on to Δ, and the A of hidden layers declared unbounded
        is summed as well. A product of finite numbers beyond the
        largest float is the one case this leaves to the trainer's per-epoch cost check.
        """
        return self._finite

    def _update(self, params: Parameters) -> None:
        """W[l] −= η ∂C/∂W[l]; b[l] −= η ∂C/∂b[l] when bias is 'on' (η already in dW, db)."""
        for W_l, dW_l in zip(params.W, self.dW, strict=True):
            W_l -= dW_l
        if self._train_bias:
            for b_l, db_l in zip(params.b, self.db, strict=True):
                b_l -= db_l

    def _backprop(
        self,
        params: Parameters,
        X: FloatArray,
        Y: FloatArray,
        factor: float,
        cost: bool,
    ) -> float:
        """Forward pass, then BP1–BP4 (and L2's λ·W) into ``dW`` and ``db`` (times ``factor``);
        returns C.

        Run under ``quiet()``: e^{-z} of the sigmoid may overflow (see
        _sigmoid), and a diverging run may overflow or give NaN anywhere; the results are
        checked instead, so NumPy warns of neither."""
        m = X.shape[0]
        A, Z, D, T, (ones,) = self._rows(m)
        one = self._one
        W, b, dW, S = params.W, params.b, self.dW, self._S
        L, use_bias, phi, times_phi_prime = (
            self.arch.L,
            self._use_bias,
            self._phi,
            self._times_phi_prime,
        )
        # The same products either way; NumPy's np.dot path costs less per call for one
        # sample (and for the vector 1ᵀ Δ), np.matmul's less for batches (docs/performance.md,
        # lab notes).
        dot = np.dot
        matmul = dot if m == 1 else np.matmul
        A[0] = X
        for l in range(1, L + 1):
            matmul(A[l - 1], W[l - 1].T, out=Z[l])  # z = W a + b
            if use_bias:
                Z[l] += b[l - 1]
            phi[l - 1](Z[l], A[l], one)
        total = 0.0
        if cost:  # the cost C, which a training step does not need
            total = float(losses(self.arch.loss, Z[L], A[L], Y).sum())
            total = total / m if self._mean else total
            total += l2_term(self.arch, params)
        self._output_error(self._out, Z[L], A[L], Y, T[L], D[L], one)  # BP1
        decay = self._decay
        if decay:  # η·λ (or λ): the L2 term's factor, taken before the mean's 1/N
            lam = self.dtype.type(factor * self._l2)
        if self._mean:
            factor /= m  # the 1/N of the mean
        if factor != 1.0:
            D[L] *= factor
        for l in range(L, 0, -1):
            if l > 1:
                matmul(D[l], W[l - 1], out=D[l - 1])  # BP2
                times_phi_prime[l - 2](Z[l - 1], A[l - 1], T[l - 1], D[l - 1], one)
            dot(D[l].T, A[l - 1], out=dW[l - 1])  # BP4, as weight_gradient
            if decay:  # BP4 + L2: λ·W[l], once for the batch
                np.multiply(W[l - 1], lam, out=decay[l - 1])
                dW[l - 1] += decay[l - 1]
            dot(ones, D[l], out=S[l - 1])  # BP3: Σ_n Δ[l]
        check = np.add.reduce(self._sums)
        for l in self._unbounded:
            check += np.add.reduce(A[l], axis=None)
        self._finite = math.isfinite(check)
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
