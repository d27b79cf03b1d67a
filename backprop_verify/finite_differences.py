"""The third oracle: central finite differences of the *reported* cost.

For a parameter θ, D(h) = (C(θ + h) − C(θ − h)) / 2h = ∂C/∂θ + c·h² + O(h⁴).  Two step
sizes give Richardson's estimate of the truncation error of D(h/2): (D(h) − D(h/2)) / 3.
Each cost evaluation is within ``error_bound(...).cost`` of the exact cost, so the
rounding error of D(h/2) is at most 2·e_C / h.  The gradient itself is within its bound
e_g.  A gradient that belongs to the reported cost therefore satisfies

    |D(h/2) − g| ≤ 2·|D(h) − D(h/2)|/3 + 2·(2·e_C/h) + 2·e_g

(the factors 2 cover the O(h⁴) remainder and the bound of the evaluation at θ ± h).
A gradient of some other cost (a factor N or n_L off, a sign, a missing term) misses by
a relative O(1), far outside this.  Kinks are avoided exactly: a coordinate is used only
if no pre-activation of any sample crosses a kink its activation declares (ReLU's 0), and
no residual a − y crosses a kink its loss declares (Huber's ±1), between θ − h and θ + h.
"""

from __future__ import annotations

import random

import reference
from backprop_verify.adapters import Implementation
from backprop_verify.comparison import Disagreement, shape
from backprop_verify.rounding import error_bound
from reference.network import feed_forward

STEP = 1e-4  # h relative to max(1, |θ|): truncation ~h², rounding ~ε/h, both far below O(1)


def _kink_sides(
    arch: reference.Architecture,
    p: reference.Parameters,
    X: list[list[float]],
    Y: list[list[float]],
) -> tuple[bool, ...]:
    """On which side of each declared kink every z and every residual a − y lies."""
    sides: list[bool] = []
    loss_kinks = reference.LOSSES[arch.loss].kinks
    for x, y in zip(X, Y, strict=True):
        z, a = feed_forward(arch, p, x)
        for l, act in enumerate(arch.activations, start=1):
            kinks = reference.ACTIVATIONS[act].kinks
            sides.extend(v > k for v in z[l] for k in kinks)
        sides.extend(a_j - y_j > k for a_j, y_j in zip(a[-1], y, strict=True) for k in loss_kinks)
    return tuple(sides)


def _shifted(
    p: reference.Parameters, where: tuple[str, int, int, int], delta: float
) -> reference.Parameters:
    kind, l, j, i = where
    W = [[list(row) for row in W_l] for W_l in p.W]
    b = [list(b_l) for b_l in p.b]
    if kind == "W":
        W[l][j][i] += delta
    else:
        b[l][j] += delta
    return reference.Parameters(W, b)


def gradient_violations(
    impl: Implementation,
    arch: reference.Architecture,
    p: reference.Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    max_coordinates: int = 24,
    seed: int = 0,
) -> tuple[int, list[str]]:
    """(coordinates checked, descriptions of those whose gradient misses the cost's slope)."""
    grads = impl.backward(arch, p, X, Y)
    if shape(grads.W) != shape(p.W) or shape(grads.b) != shape(p.b):
        raise Disagreement(
            f"∂C/∂W, ∂C/∂b: shapes differ from the parameters': got {shape(grads.W)} and "
            f"{shape(grads.b)}, expected {shape(p.W)} and {shape(p.b)}",
            "shapes",
        )
    bound = error_bound(arch, p, X, Y, "float64")
    coords = [
        ("W", l, j, i)
        for l, W_l in enumerate(p.W)
        for j, row in enumerate(W_l)
        for i in range(len(row))
    ]
    if arch.bias != "off":  # with bias off b is not a parameter (it must stay 0)
        coords += [("b", l, j, 0) for l, b_l in enumerate(p.b) for j in range(len(b_l))]
    if len(coords) > max_coordinates:
        coords = random.Random(seed).sample(coords, max_coordinates)
    base = _kink_sides(arch, p, X, Y)
    checked, bad = 0, []
    for where in coords:
        kind, l, j, i = where
        theta = p.W[l][j][i] if kind == "W" else p.b[l][j]
        h = STEP * max(1.0, abs(theta))
        if any(_kink_sides(arch, _shifted(p, where, s * h), X, Y) != base for s in (-1, 1)):
            continue
        cost = {s: impl.cost(arch, _shifted(p, where, s), X, Y) for s in (-h, h, -h / 2, h / 2)}
        d1 = (cost[h] - cost[-h]) / (2 * h)
        d2 = (cost[h / 2] - cost[-h / 2]) / h
        g = grads.W[l][j][i] if kind == "W" else grads.b[l][j]
        e_g = bound.W[l][j][i] if kind == "W" else bound.b[l][j]
        allowed = 2 * abs(d1 - d2) / 3 + 4 * bound.cost / h + 2 * e_g
        checked += 1
        if abs(d2 - g) > allowed:
            name = f"{kind}[{l + 1}][{j}]" + (f"[{i}]" if kind == "W" else "")
            bad.append(
                f"∂C/∂{name}: reported {g!r}, finite difference {d2!r}, allowed {allowed:.2e}"
            )
    return checked, bad
