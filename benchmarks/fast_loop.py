"""The fastest pure-Python step we wrote: a baseline for the speedup, not a teaching text.

The reference is written to read like the derivation: index loops over nodes and weights,
its input checked at every call. A fair question about vectorization is how much of the
gain is the loops themselves, so the speedup is also given over this step, which does the
same maths per sample with the loops pushed into C where Python allows it: each weighted
sum as ``sum(map(mul, row, a))``, each hidden error as a sum over the columns of W taken
with ``zip(*W)``, each gradient row as ``map(mul, repeat(δ_j), a)``, nothing checked. It is
checked against the reference within the rounding bound before it is timed
(benchmarks/test_steps.py).
"""

from __future__ import annotations

from itertools import repeat
from operator import add, mul

import reference
from reference.activations import TABLE as ACTIVATIONS
from reference.losses import output_delta

Matrix = list[list[float]]


def fast_step(
    arch: reference.Architecture, p: reference.Parameters, X: Matrix, Y: Matrix, eta: float
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
    s = eta / len(X) if arch.reduction == "mean" else eta
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
    arch: reference.Architecture, p: reference.Parameters, X: Matrix, Y: Matrix, eta: float
) -> reference.Parameters:
    """The reference's own step without its input checks: its loops alone."""
    return reference.network.apply_update(arch, p, reference.network.gradients(arch, p, X, Y), eta)
