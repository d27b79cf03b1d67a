"""The usual mistakes of a hand-written backprop, as variants of the oracle: each computes
what a module with that one mistake would report, node by node, so that a failing
module's numbers can be matched against them (see backprop_verify.diagnosis)."""

from __future__ import annotations

import math
from collections.abc import Callable

import reference
from reference.activations import activation, phi
from reference.losses import loss_entry, output_delta
from reference.network import feed_forward
from reference.regularization import l2_term

Matrix = list[list[float]]


def _phi_prime(name: str, z: float, a: float, bug: str) -> float:
    """φ'(z) as the variant computes it."""
    prime = activation(name).phi_prime
    assert prime is not None
    if bug == "prime_of_a":  # the derivative evaluated at a = φ(z) instead of at z
        return prime(a, phi(name, [a])[0])
    if bug == "prime_at_kink" and z in reference.ACTIVATIONS[name].kinks:
        above = math.nextafter(z, math.inf)  # the slope from above, where the contract's is below
        return prime(above, phi(name, [above])[0])
    return prime(z, a)


def _output_error(
    arch: reference.Architecture, z: Matrix, a: Matrix, y: list[float], bug: str
) -> list[float]:
    """δ[L] as the variant computes it (BP1)."""
    L, act = arch.L, arch.activations[-1]
    entry, layer_wise = loss_entry(arch.loss), reference.ACTIVATIONS[act].output_only
    if bug == "softmax_diagonal" and layer_wise:
        # a layer's φ treated as element-wise, with derivative a(1 − a), and ∂ℓ/∂a
        g = [v if math.isfinite(v) else 0.0 for v in entry.slope(a[L], y)]
        return [g_j * a_j * (1.0 - a_j) for g_j, a_j in zip(g, a[L], strict=True)]
    if entry.shortcut is not None or layer_wise:  # no element-wise φ' at the output
        return output_delta(act, arch.loss, z[L], a[L], y)
    g = entry.slope(a[L], y)
    if bug == "output_delta_hidden_z" and L > 1:
        hidden = arch.activations[L - 2]
        return [g_j * _phi_prime(hidden, z[L - 1][j], a[L - 1][j], "") for j, g_j in enumerate(g)]
    return [
        g_j * _phi_prime(act, z_j, a_j, bug) for g_j, z_j, a_j in zip(g, z[L], a[L], strict=True)
    ]


def _weight(W: Matrix, i: int, j: int, bug: str) -> float:
    """W[l+1][j][i] in BP2's sum, or W[l+1][i][j] when the variant forgets the transpose
    (and the layer is square, so that the index exists)."""
    if bug == "bp2_untransposed" and len(W) == len(W[0]):
        return W[i][j]
    return W[j][i]


# The mistakes of the L2 term, each with where it can show.
L2_BUGS: dict[str, Callable[[reference.Architecture, int], bool]] = {
    "l2_missing": lambda arch, N: arch.l2 > 0,
    "l2_per_sample": lambda arch, N: arch.l2 > 0 and N > 1,
    "l2_twice": lambda arch, N: arch.l2 > 0,
    "l2_half": lambda arch, N: arch.l2 > 0,
    "l2_on_biases": lambda arch, N: arch.l2 > 0 and arch.bias != "off",
}
# λ·W[l] added this many times λ (l2_per_sample: once more per sample, N in all).
L2_DECAY = {"l2_missing": 0.0, "l2_twice": 2.0, "l2_half": 0.5}


def variant_gradients(
    arch: reference.Architecture,
    p: reference.Parameters,
    X: Matrix,
    Y: Matrix,
    bug: str,
) -> reference.Gradients | None:
    """∂C/∂W, ∂C/∂b as a module with ``bug`` reports them; None where the bug cannot show
    (its shapes would not fit, so the module would have crashed instead)."""
    L, N = arch.L, len(X)
    if bug in L2_BUGS and not L2_BUGS[bug](arch, N):
        return None  # no L2 term, one sample, no biases: the mistake cannot show
    if bug == "output_delta_hidden_z" and (L < 2 or arch.sizes[L - 1] != arch.sizes[L]):
        return None
    if bug == "bp2_untransposed" and not any(
        arch.sizes[l] == arch.sizes[l + 1] > 1 for l in range(1, L)
    ):
        return None  # only a square W[l+1] takes the wrong index without crashing
    dW = [[[0.0] * arch.sizes[l - 1] for _ in range(arch.sizes[l])] for l in range(1, L + 1)]
    db: list[list[float]] = [[0.0] * arch.sizes[l] for l in range(1, L + 1)]
    if bug == "bias_wrong_axis":
        if any(arch.sizes[l] != N for l in range(1, L + 1)):
            return None  # summing over the nodes gives N numbers: only fits when n_l = N
        db = [[0.0] * N for _ in range(L)]
    total = 0.0
    for n, (x, y) in enumerate(zip(X, Y, strict=True)):
        z, a = feed_forward(arch, p, x)
        total += reference.losses.loss(arch.loss, z[L], a[L], y)
        delta: list[list[float]] = [[] for _ in range(L + 1)]
        delta[L] = _output_error(arch, z, a, y, bug)
        for l in range(L - 1, 0, -1):
            name = arch.activations[l - 1]
            delta[l] = [
                (1.0 if bug == "bp2_no_prime" else _phi_prime(name, z[l][i], a[l][i], bug))
                * sum(
                    _weight(p.W[l], i, j, bug) * delta[l + 1][j] for j in range(arch.sizes[l + 1])
                )
                for i in range(arch.sizes[l])
            ]
        for l in range(1, L + 1):
            for j, d in enumerate(delta[l]):
                for i, a_i in enumerate(a[l - 1]):
                    dW[l - 1][j][i] += d * a_i
                if bug == "bias_wrong_axis":
                    db[l - 1][n] += d
                else:
                    db[l - 1][j] += d
    batch_factor = 1.0 / N if arch.reduction == "mean" else 1.0
    if arch.bias == "off":
        db = [[0.0] * len(row) for row in db]
    # L2: the term (λ/2)·Σ‖W‖² once for the batch, and λ·W[l] in each weight gradient;
    # each mistake of it takes the term some other number of times (L2_DECAY, or N when
    # it is added for each sample), and one adds λ·b[l] to the bias gradients too.
    times = N if bug == "l2_per_sample" else L2_DECAY.get(bug, 1.0)
    lam, on_biases = times * arch.l2, arch.l2 if bug == "l2_on_biases" else 0.0
    dW = [
        [
            [g * batch_factor + lam * w for g, w in zip(g_j, W_j, strict=True)]
            for g_j, W_j in zip(g_l, W_l, strict=True)
        ]
        for g_l, W_l in zip(dW, p.W, strict=True)
    ]
    db = [[g * batch_factor for g in row] for row in db]
    if on_biases:
        db = [
            [g + on_biases * v for g, v in zip(g_l, b_l, strict=True)]
            for g_l, b_l in zip(db, p.b, strict=True)
        ]
    biases = 0.5 * on_biases * sum(v * v for b_l in p.b for v in b_l)
    return reference.Gradients(dW, db, total * batch_factor + times * l2_term(arch, p) + biases)


def stale_step(
    arch: reference.Architecture,
    p: reference.Parameters,
    X: Matrix,
    Y: Matrix,
    learning_rate: float,
) -> reference.Parameters:
    """One step that updates W[l] before computing δ[l−1] from it (so BP2 sees new weights)."""
    L, N = arch.L, len(X)
    W = [[list(row) for row in W_l] for W_l in p.W]
    b = [list(row) for row in p.b]
    step_size = learning_rate / N if arch.reduction == "mean" else learning_rate
    per_sample = [feed_forward(arch, p, x) for x in X]
    deltas = [
        output_delta(arch.activations[-1], arch.loss, z[L], a[L], y)
        for (z, a), y in zip(per_sample, Y, strict=True)
    ]
    decay = learning_rate * arch.l2  # η·λ·W[l], from the weights before the step
    for l in range(L, 0, -1):
        if decay:
            W[l - 1] = [
                [w - decay * w_old for w, w_old in zip(row, old, strict=True)]
                for row, old in zip(W[l - 1], p.W[l - 1], strict=True)
            ]
        for n, (_, a) in enumerate(per_sample):
            for j, d in enumerate(deltas[n]):
                for i, a_i in enumerate(a[l - 1]):
                    W[l - 1][j][i] -= step_size * d * a_i
                if arch.bias == "on":
                    b[l - 1][j] -= step_size * d
        if l > 1:
            name = arch.activations[l - 2]
            prime = activation(name).phi_prime
            assert prime is not None
            deltas = [
                [
                    prime(z[l - 1][i], a[l - 1][i])
                    * sum(W[l - 1][j][i] * deltas[n][j] for j in range(arch.sizes[l]))
                    for i in range(arch.sizes[l - 1])
                ]
                for n, (z, a) in enumerate(per_sample)
            ]
    return reference.Parameters(W, b)
