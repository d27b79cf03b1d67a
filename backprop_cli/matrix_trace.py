"""One SGD step printed in matrix form, checked entry by entry against the node-by-node trace."""

from __future__ import annotations

import numpy as np

import reference
from reference.network import backward_pass
from reference.network import feed_forward as forward_sample
from vectorized.activations import phi_prime
from vectorized.arrays import FloatArray, to_arrays, to_lists
from vectorized.losses import output_delta
from vectorized.network import apply_update, backward_arrays, feed_forward


def _show(name: str, M: FloatArray, limit: int) -> list[str]:
    text = np.array2string(
        M[:limit, :limit] if M.ndim == 2 else M[:limit],
        precision=9,
        separator=", ",
        max_line_width=100,
    )
    cut = " (first rows/columns shown)" if max(M.shape) > limit else ""
    return [f"  {name}, shape {M.shape}{cut}:", *("    " + line for line in text.splitlines())]


def trace(
    arch: reference.Architecture,
    params: reference.Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
    max_nodes: int = 6,
) -> str:
    """Z, A, Δ, Δᵀ·A_prev and the update for one step, and the largest difference of every
    entry from the node-by-node values of reference.trace (the same numbers)."""
    L, N = arch.L, len(X)
    p = to_arrays(params)
    Xa, Ya = np.array(X, dtype=np.float64), np.array(Y, dtype=np.float64)
    Z, A = feed_forward(arch, p, Xa)
    grads = backward_arrays(arch, p, Xa, Ya)
    new = apply_update(arch, p, grads, learning_rate)
    out = [
        f"One gradient-descent step of {arch.describe()}, η = {learning_rate:.9g}, N = {N}",
        "(a batch is one row per sample; layer l's W is params.W[l-1])",
        "",
        "forward: Z[l] = A[l-1] @ W[l].T + b[l],  A[l] = φ_l(Z[l]),  A[0] = X",
    ]
    for l in range(1, L + 1):
        out += _show(f"Z[{l}]", Z[l], max_nodes) + _show(
            f"A[{l}] = {arch.activations[l - 1]}(Z[{l}])", A[l], max_nodes
        )
    Delta = output_delta(arch.activations[-1], arch.loss, Z[L], A[L], Ya)
    deltas = {L: Delta}
    for l in range(L - 1, 0, -1):
        deltas[l] = (deltas[l + 1] @ p.W[l]) * phi_prime(arch.activations[l - 1], Z[l], A[l])
    out.append("")
    out.append(f"output error (BP1): Δ[{L}] = ∂ℓ/∂Z[{L}], one row per sample")
    out += _show(f"Δ[{L}]", deltas[L], max_nodes)
    if L > 1:
        out.append("hidden error (BP2): Δ[l] = (Δ[l+1] @ W[l+1]) * φ_l'(Z[l])")
    for l in range(L - 1, 0, -1):
        out += _show(f"Δ[{l}]", deltas[l], max_nodes)
    scale = "(1/N)·" if arch.reduction == "mean" else ""
    out.append("")
    out.append(
        f"gradients: ∂C/∂W[l] = {scale}Δ[l].T @ A[l-1] (BP4; one sample: outer(δ[l], a[l-1])),"
    )
    out.append(f"           ∂C/∂b[l] = {scale}Δ[l].sum(0) (BP3)")
    for l in range(L, 0, -1):
        out += _show(f"∂C/∂W[{l}]", grads.W[l - 1], max_nodes)
        if arch.bias != "off":
            out += _show(f"∂C/∂b[{l}]", grads.b[l - 1], max_nodes)
    out.append("")
    out.append(
        "update: W[l] ← W[l] − η ∂C/∂W[l]"
        + ("; b[l] ← b[l] − η ∂C/∂b[l]" if arch.bias == "on" else "")
    )
    for l in range(L, 0, -1):
        out += _show(f"W[{l}]", new.W[l - 1], max_nodes)
        if arch.bias == "on":
            out += _show(f"b[{l}]", new.b[l - 1], max_nodes)
    out.append("")
    out.append(f"cost C = {grads.cost:.9g}")
    check = _agreement(arch, params, X, Y, learning_rate, Z, A, deltas, grads, new)
    out.append(f"check against the node-by-node trace: {check}")
    return "\n".join(out)


def _agreement(
    arch: reference.Architecture,
    params: reference.Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
    Z: list[FloatArray],
    A: list[FloatArray],
    deltas: dict[int, FloatArray],
    grads: object,
    new: object,
) -> str:
    """Largest |matrix entry − node-by-node value| over z, a, δ, ∂C/∂W, ∂C/∂b and the update."""
    diffs: list[float] = []
    for n, (x, y) in enumerate(zip(X, Y, strict=True)):
        z, a = forward_sample(arch, params, x)
        d = backward_pass(arch, params, z, a, y)
        for l in range(1, arch.L + 1):
            for j in range(arch.sizes[l]):
                diffs.append(abs(Z[l][n, j] - z[l][j]))
                diffs.append(abs(A[l][n, j] - a[l][j]))
                diffs.append(abs(deltas[l][n, j] - d[l][j]))
    ref_grads = reference.backward(arch, params, X, Y)
    ref_new = reference.network.apply_update(arch, params, ref_grads, learning_rate)
    for mine, theirs in ((to_lists(grads), ref_grads), (to_lists(new), ref_new)):  # type: ignore[arg-type]
        for M, R in zip((*mine.W, *mine.b), (*theirs.W, *theirs.b), strict=True):
            diffs.extend(np.abs(np.array(M) - np.array(R)).ravel().tolist())
    worst = float(np.max(diffs))  # NaN if any difference is NaN (Python's max would drop it)
    if not np.isfinite(worst):
        return f"DISAGREES: a difference is {worst} (an entry is NaN or infinite in one of them)"
    return f"every entry equals the node-by-node value to {worst:.1e} (float64 rounding)"
