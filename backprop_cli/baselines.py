"""What the vectorized step is measured against: the fastest pure-Python step we wrote, the
reference's loops without their checks, and the floor (the step's matrix products alone).

The fast loop is a baseline for the speedup, not a teaching text.

The reference is written to read like the derivation: index loops over nodes and weights,
its input checked at every call. A fair question about vectorization is how much of the
gain is the loops themselves, so the speedup is also given over this step, which does the
same maths per sample with the loops pushed into C where Python allows it: each weighted
sum as ``sum(map(mul, row, a))``, each hidden error as a sum over the columns of W taken
with ``zip(*W)``, each gradient row as ``map(mul, repeat(δ_j), a)``, nothing checked. It is
checked against the reference within the rounding bound before it is timed
(benchmarks/test_steps.py, and the speedup sweep).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import repeat
from operator import add, mul

import numpy as np

import reference
from reference.activations import TABLE as ACTIVATIONS
from reference.losses import output_delta
from vectorized.arrays import FloatArray
from vectorized.workspace import weight_gradient

Matrix = list[list[float]]


def fast_step(
    arch: reference.Architecture,
    p: reference.Parameters,
    X: Matrix,
    Y: Matrix,
    learning_rate: float,
) -> reference.Parameters:
    """One SGD step θ ← θ − η ∂C/∂θ on the batch, the loops in C where Python allows."""
    L = arch.L
    phis = [ACTIVATIONS[name] for name in arch.activations]
    use_bias = arch.bias != "off"
    gW = [[[0.0] * len(row) for row in W_l] for W_l in p.W]
    gb = [[0.0] * len(b_l) for b_l in p.b]
    columns = [list(zip(*W_l, strict=True)) for W_l in p.W]  # W[l]ᵀ for BP2
    for x, y in zip(X, Y, strict=True):
        a, zs, acts = x, [], [x]
        for l in range(L):
            z = [sum(map(mul, row, a)) for row in p.W[l]]
            if use_bias:
                z = list(map(add, z, p.b[l]))
            a = phis[l].phi(z)
            zs.append(z)
            acts.append(a)
        delta = output_delta(arch.activations[-1], arch.loss, zs[-1], acts[-1], y)
        for l in range(L - 1, -1, -1):
            rows = gW[l]
            for j, d in enumerate(delta):
                rows[j] = list(map(add, rows[j], map(mul, repeat(d), acts[l])))
            gb[l] = list(map(add, gb[l], delta))
            if l > 0:
                prime = phis[l - 1].phi_prime
                assert prime is not None  # hidden layers are never softmax
                back = [sum(map(mul, col, delta)) for col in columns[l]]
                delta = [
                    prime(zi, ai) * s for zi, ai, s in zip(zs[l - 1], acts[l], back, strict=True)
                ]
    s = learning_rate / len(X) if arch.reduction == "mean" else learning_rate
    W = [
        [list(map(add, row, map(mul, repeat(-s), g))) for row, g in zip(W_l, g_l, strict=True)]
        for W_l, g_l in zip(p.W, gW, strict=True)
    ]
    if arch.bias == "on":
        b = [list(map(add, b_l, map(mul, repeat(-s), g))) for b_l, g in zip(p.b, gb, strict=True)]
    else:
        b = [list(b_l) for b_l in p.b]
    return reference.Parameters(W, b)


def maths_step(
    arch: reference.Architecture,
    p: reference.Parameters,
    X: Matrix,
    Y: Matrix,
    learning_rate: float,
) -> reference.Parameters:
    """The reference's own step without its input checks: its loops alone."""
    return reference.network.apply_update(
        arch, p, reference.network.gradients(arch, p, X, Y), learning_rate
    )


def floor_step(
    arch: reference.Architecture, W: list[FloatArray], X: FloatArray
) -> Callable[[], None]:
    """Only the matrix products of one step, same shapes and dtype, into preallocated
    outputs: Z[l] = A[l-1] @ W[l].T for every l, ∂C/∂W[l] = Δ[l].T @ A[l-1] for every l and
    Δ[l-1] = Δ[l] @ W[l] for l > 1. What no implementation of the step can beat."""
    sizes, B, L, dtype = arch.sizes, X.shape[0], arch.L, X.dtype
    rng = np.random.default_rng(0)
    A = [X] + [rng.random((B, n)).astype(dtype) for n in sizes[1:]]
    D = [rng.random((B, n)).astype(dtype) for n in sizes]
    dW = [np.empty_like(w) for w in W]
    Z = [np.empty((B, n), dtype) for n in sizes]

    def run() -> None:
        for l in range(1, L + 1):
            np.matmul(A[l - 1], W[l - 1].T, out=Z[l])
        for l in range(L, 0, -1):
            weight_gradient(D[l], A[l - 1], dW[l - 1])  # matmul, or the outer product at N = 1
            if l > 1:
                np.matmul(D[l], W[l - 1], out=D[l - 1])

    return run
