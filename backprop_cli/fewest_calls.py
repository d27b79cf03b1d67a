"""The fewest NumPy calls we found for one SGD step of an n0-n1-n2 sigmoid network: a target.

Whatever a NumPy step does besides its matrix products (the floor) is element-wise calls,
and each costs at least NumPy's dispatch plus one pass over its arrays. This module writes
the step with as few of those calls as we could, for one kind of architecture only
(n0-n1-n2, sigmoid, half squared error, mean over the batch, biases on), with every
shortcut a general trainer would not take:

- b[2] folded into the layer-2 products: a column of ones after A[1] and b[2] as the last
  column of W[2], so layer 2 has no bias addition, no ∂C/∂b product and no bias update;
  layer 1 keeps its three bias calls, because gathering a batch into a buffer with a ones
  column (a strided destination) costs NumPy more than those three calls;
- the parameters stored negated, V = −W and −b, so the products give −Z directly and
  σ(z) = 1/(1 + e^{−z}) costs three calls (exp, add, divide) with no negation;
- η/N folded into Δ[2]; no input checks, no error state, no loops over layers, no Python
  attribute lookups, every buffer allocated in advance.

What is left is 19 element-wise calls (σ: 3 per layer; BP1: 5; σ' for BP2: 3; one update
pass per weight matrix; layer 1's bias: add, sum, update) around the floor's 5 products.
Its ratio to the floor therefore bounds what a NumPy step can reach on the machine it runs
on. Layer 2's products are one column wider than the floor's (41 inputs, not 40): 2.5 % more
work on products that are a small part of the floor.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from reference.contract import Architecture
from vectorized.arrays import FloatArray, Parameters

SHAPE = (("sigmoid", "sigmoid"), "half_squared_error", "mean", "on")


class FewestCallsStep:
    """One step of an n0-n1-n2 sigmoid network, half squared error, mean, biases on."""

    def __init__(
        self,
        arch: Architecture,
        params: Parameters,
        X: FloatArray,
        Y: FloatArray,
        learning_rate: float,
    ) -> None:
        if (arch.activations, arch.loss, arch.reduction, arch.bias) != SHAPE or arch.L != 2:
            raise ValueError(f"the fewest-calls step covers {SHAPE} with two layers; got {arch}")
        N, n1, dtype = X.shape[0], arch.sizes[1], X.dtype
        self.V1, self.nb1 = -params.W[0], -params.b[0]
        self.V2 = -np.concatenate([params.W[1], params.b[1][:, None]], axis=1)  # −[W[2] | b[2]]
        self.X, self.Y = X.copy(), Y.copy()
        self.A1 = np.ones((N, n1 + 1), dtype)  # [A[1] | 1]
        self.E1, self.T1, self.G1 = (np.empty_like(self.A1[:, :-1]) for _ in range(3))
        self.E2, self.A2, self.T2, self.D2 = (np.empty_like(self.Y) for _ in range(4))
        self.dV1, self.dV2 = np.empty_like(self.V1), np.empty_like(self.V2)
        self.db1, self.ones = np.empty_like(self.nb1), np.ones(N, dtype)
        self.s = learning_rate / N

    def gather(self, X: FloatArray, Y: FloatArray, rows: npt.NDArray[np.intp]) -> None:
        """X[rows], Y[rows] into the step's input buffers (rows must be valid)."""
        np.take(X, rows, axis=0, out=self.X, mode="clip")
        np.take(Y, rows, axis=0, out=self.Y, mode="clip")

    def parameters(self) -> tuple[list[list[list[float]]], list[list[float]]]:
        """W and b as nested lists."""
        W = [(-self.V1).tolist(), (-self.V2[:, :-1]).tolist()]
        return W, [(-self.nb1).tolist(), (-self.V2[:, -1]).tolist()]

    def step(self) -> Callable[[], None]:
        """The step as a closure over local names (no attribute lookups when it runs)."""
        matmul, dot, exp, add, sub, mul, div = (
            np.matmul,
            np.dot,
            np.exp,
            np.add,
            np.subtract,
            np.multiply,
            np.divide,
        )
        X, Y, V1, nb1, V2, dV1, dV2 = self.X, self.Y, self.V1, self.nb1, self.V2, self.dV1, self.dV2
        A1x, E1, T1, G1, db1, ones = self.A1, self.E1, self.T1, self.G1, self.db1, self.ones
        E2, A2, T2, D2, s = self.E2, self.A2, self.T2, self.D2, self.s
        A1, V2w = A1x[:, :-1], V2[:, :-1]

        def run() -> None:
            matmul(X, V1.T, out=E1)
            add(E1, nb1, out=E1)  # −Z[1]
            exp(E1, out=E1)  # e^{−Z[1]}
            add(E1, 1.0, out=A1)
            div(1.0, A1, out=A1)  # A[1] = σ(Z[1])
            matmul(A1x, V2.T, out=E2)  # −Z[2]
            exp(E2, out=E2)
            add(E2, 1.0, out=A2)
            div(1.0, A2, out=A2)  # A[2]
            sub(A2, Y, out=D2)  # BP1: (a − y) ⊙ σ'(z) η/N, σ' = e^{−z} σ² = σ(1 − σ)
            mul(E2, s, out=T2)
            mul(T2, A2, out=T2)
            mul(T2, A2, out=T2)
            mul(D2, T2, out=D2)
            matmul(D2, V2w, out=G1)  # BP2 with V = −W: G = −Δ[2] W[2]
            mul(E1, A1, out=T1)
            mul(T1, A1, out=T1)
            mul(G1, T1, out=G1)  # G = −Δ[1] η/N
            dot(D2.T, A1x, out=dV2)  # BP4 and BP3 of layer 2 in one product
            add(V2, dV2, out=V2)  # −W ← −W + η ∂C/∂W, i.e. W ← W − η ∂C/∂W
            dot(G1.T, X, out=dV1)
            sub(V1, dV1, out=V1)
            matmul(ones, G1, out=db1)  # BP3 of layer 1
            sub(nb1, db1, out=nb1)

        return run
