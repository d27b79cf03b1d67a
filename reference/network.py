"""Forward pass, cost, backward pass and one SGD step, node by node and weight by weight."""

from __future__ import annotations

from reference.activations import phi, phi_prime
from reference.contract import (
    Architecture,
    Gradients,
    Matrix,
    Parameters,
    check_learning_rate,
)
from reference.losses import loss, output_delta
from reference.regularization import l2_term, with_l2_gradient
from reference.validation import check_batch, check_data, check_parameters


def forward_pass(
    arch: Architecture, params: Parameters, x: list[float]
) -> tuple[list[list[float]], list[list[float]]]:
    """Every z[l] and a[l] for one sample x (checked; see feed_forward)."""
    check_parameters(arch, params)
    return feed_forward(arch, params, check_batch("x", [x], arch.sizes[0])[0])


def feed_forward(
    arch: Architecture, params: Parameters, x: list[float]
) -> tuple[list[list[float]], list[list[float]]]:
    """z[l][j] = b[l][j] + Σ_i W[l][j][i]·a[l-1][i], a[l][j] = φ_l(z[l][j]); a[0] = x.

    Returns (z, a) indexed by layer: z[0] is empty (the input has no weighted input).
    Unchecked: for callers whose parameters and sample are already checked.
    """
    z: list[list[float]] = [[]]
    a: list[list[float]] = [list(x)]
    use_bias = arch.bias != "off"
    for l in range(1, arch.L + 1):
        W, b, a_prev = params.W[l - 1], params.b[l - 1], a[l - 1]
        z_l = []
        for j in range(arch.sizes[l]):
            z_lj = b[j] if use_bias else 0.0
            W_j = W[j]
            for i in range(arch.sizes[l - 1]):
                z_lj += W_j[i] * a_prev[i]
            z_l.append(z_lj)
        name = arch.activations[l - 1]
        a_l = phi(name, z_l)
        z.append(z_l)
        a.append(a_l)
    return z, a


def forward(arch: Architecture, params: Parameters, X: list[list[float]]) -> Matrix:
    """Network outputs a[L] for each sample of the batch X (one row per sample)."""
    check_parameters(arch, params)
    rows = check_batch("X", X, arch.sizes[0])
    return [feed_forward(arch, params, x)[1][arch.L] for x in rows]


def _reduce(arch: Architecture, total: float, N: int) -> float:
    """C = Σ_n ℓ_n (sum) or C = (1/N) Σ_n ℓ_n (mean)."""
    return total / N if arch.reduction == "mean" else total


def cost(
    arch: Architecture, params: Parameters, X: list[list[float]], Y: list[list[float]]
) -> float:
    """C = Σ_n ℓ(a[L](x_n), y_n), divided by N for the mean reduction, + (λ/2)·Σ‖W‖² (L2)."""
    check_parameters(arch, params)
    x_rows, y_rows = check_data(arch, X, Y)
    total = 0.0
    for x, y in zip(x_rows, y_rows, strict=True):
        z, a = feed_forward(arch, params, x)
        total += loss(arch.loss, z[arch.L], a[arch.L], y)
    return _reduce(arch, total, len(x_rows)) + l2_term(arch, params)


def backward_pass(
    arch: Architecture,
    params: Parameters,
    z: list[list[float]],
    a: list[list[float]],
    y: list[float],
) -> list[list[float]]:
    """δ[L] from BP1, then δ[l][i] = φ_l'(z[l][i]) · Σ_j W[l+1][j][i] · δ[l+1][j] (BP2).

    Returns δ indexed by layer; δ[0] is empty.
    """
    L = arch.L
    delta: list[list[float]] = [[] for _ in range(L + 1)]
    delta[L] = output_delta(arch.activations[L - 1], arch.loss, z[L], a[L], y)
    for l in range(L - 1, 0, -1):
        delta[l] = hidden_delta(arch.activations[l - 1], params.W[l], delta[l + 1], z[l], a[l])
    return delta


def hidden_delta(
    name: str, W_next: Matrix, delta_next: list[float], z_l: list[float], a_l: list[float]
) -> list[float]:
    """δ[l][i] = φ_l'(z[l][i]) · Σ_j W[l+1][j][i] · δ[l+1][j] (BP2) for one layer l."""
    delta_l = []
    for i in range(len(z_l)):
        s = 0.0
        for j in range(len(delta_next)):
            s += W_next[j][i] * delta_next[j]
        delta_l.append(phi_prime(name, z_l[i], a_l[i]) * s)
    return delta_l


def backward(
    arch: Architecture, params: Parameters, X: list[list[float]], Y: list[list[float]]
) -> Gradients:
    """∂C/∂W[l][j][i] = Σ_n δ[l][j]·a[l-1][i] (BP4), ∂C/∂b[l][j] = Σ_n δ[l][j] (BP3); /N if mean;
    + λ·W[l][j][i] for L2 (reference.regularization).

    With bias 'off' there is no bias parameter and ∂C/∂b is reported as zeros; with bias
    'frozen' it is the true gradient (the step does not apply it).
    """
    check_parameters(arch, params)
    x_rows, y_rows = check_data(arch, X, Y)
    return gradients(arch, params, x_rows, y_rows)


def gradients(
    arch: Architecture, params: Parameters, X: list[list[float]], Y: list[list[float]]
) -> Gradients:
    """BP1–BP4 summed over the batch, as ``backward``, on inputs already checked (the loops
    alone: what a training loop runs after checking its data and parameters once)."""
    dW = [[[0.0] * arch.sizes[l - 1] for _ in range(arch.sizes[l])] for l in range(1, arch.L + 1)]
    db = [[0.0] * arch.sizes[l] for l in range(1, arch.L + 1)]
    total = 0.0
    for x, y in zip(X, Y, strict=True):
        z, a = feed_forward(arch, params, x)
        total += loss(arch.loss, z[arch.L], a[arch.L], y)
        delta = backward_pass(arch, params, z, a, y)
        for l in range(1, arch.L + 1):
            dW_l, db_l, a_prev = dW[l - 1], db[l - 1], a[l - 1]
            for j, delta_lj in enumerate(delta[l]):
                dW_lj = dW_l[j]
                for i, a_prev_i in enumerate(a_prev):
                    dW_lj[i] += delta_lj * a_prev_i
                db_l[j] += delta_lj
    N = len(X)
    if arch.reduction == "mean":
        dW = [[[g / N for g in row] for row in dW_l] for dW_l in dW]
        db = [[g / N for g in db_l] for db_l in db]
    if arch.bias == "off":
        db = [[0.0] * len(db_l) for db_l in db]
    dW = with_l2_gradient(arch, params, dW)
    return Gradients(dW, db, _reduce(arch, total, N) + l2_term(arch, params))


def apply_update(
    arch: Architecture, params: Parameters, grads: Gradients, learning_rate: float
) -> Parameters:
    """W[l][j][i] ← W[l][j][i] − η ∂C/∂W[l][j][i]; b[l][j] ← b[l][j] − η ∂C/∂b[l][j] if bias on."""
    W = [
        [
            [w - learning_rate * g for w, g in zip(W_j, gW_j, strict=True)]
            for W_j, gW_j in zip(W_l, gW_l, strict=True)
        ]
        for W_l, gW_l in zip(params.W, grads.W, strict=True)
    ]
    if arch.bias == "on":
        b = [
            [v - learning_rate * g for v, g in zip(b_l, gb_l, strict=True)]
            for b_l, gb_l in zip(params.b, grads.b, strict=True)
        ]
    else:
        b = [list(b_l) for b_l in params.b]
    return Parameters(W, b)


def sgd_step(
    arch: Architecture,
    params: Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
) -> Parameters:
    """One gradient-descent step on the batch: θ ← θ − η ∂C/∂θ. Returns new parameters."""
    eta = check_learning_rate(learning_rate)
    return apply_update(arch, params, backward(arch, params, X, Y), eta)
