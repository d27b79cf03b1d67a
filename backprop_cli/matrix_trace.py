"""One SGD step printed in matrix form, checked entry by entry against the node-by-node trace."""

from __future__ import annotations

import numpy as np

import reference
from reference.losses import loss_entry as node_loss_entry
from reference.network import backward_pass
from reference.network import feed_forward as forward_sample
from reference.typeset import WIDTH, Section, num, shown, text
from vectorized.activations import activation, phi_prime
from vectorized.arrays import FloatArray, to_arrays, to_lists
from vectorized.losses import loss_entry, output_delta
from vectorized.network import apply_update, backward_arrays, cost, feed_forward
from vectorized.regularization import l2_term


def _grid(M: FloatArray, limit: int) -> list[str]:
    """A matrix (or vector) in the trace's number format, wide ones elided symmetrically:
    as many columns as fit in 80, at most ``limit``."""
    M2 = M.reshape(1, -1) if M.ndim == 1 else M
    rows = shown(M2.shape[0], limit)
    k = min(limit, M2.shape[1])
    while True:  # fewer columns until the widest row fits, down to one
        cols = shown(M2.shape[1], k)
        cells = [
            [num(float(M2[r, c])) if c is not None else "…" for c in cols]
            for r in rows
            if r is not None
        ]
        widths = [max(len(row[c]) for row in cells) for c in range(len(cols))]
        lines = [
            "[" + "  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)) + "]"
            for row in cells
        ]
        if max(len(line) for line in lines) <= WIDTH - 4 or k == 1:
            break
        k -= 1
    if None in rows:
        cut = rows.index(None)
        lines.insert(cut, f"… ({M2.shape[0] - len(rows) + 1} more rows) …")
    return ["    " + line for line in lines]


def _capitals(text: str) -> str:
    """A node-by-node form (a, y) for the whole batch (A, Y)."""
    return text.replace("a", "A").replace("y", "Y")


def _show(name: str, M: FloatArray, limit: int) -> list[str]:
    return [f"  {name}, shape {M.shape}:", *_grid(M, limit)]


def sections(
    arch: reference.Architecture,
    params: reference.Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
    max_nodes: int = 6,
) -> list[Section]:
    """One step in matrix form, in sections named as the node-by-node trace's: (1)-(2) Z and
    A, BP1 Δ[L] with ∂ℓ/∂A and φ'(Z), BP2 Δ[l+1] @ W[l+1] and φ'(Z[l]), BP3-BP4, update;
    then the largest difference of every entry from the node-by-node values."""
    L, N, limit = arch.L, len(X), max_nodes
    p = to_arrays(params)
    Xa, Ya = np.array(X, dtype=np.float64), np.array(Y, dtype=np.float64)
    Z, A = feed_forward(arch, p, Xa)
    grads = backward_arrays(arch, p, Xa, Ya)
    new = apply_update(arch, p, grads, learning_rate)
    out = [
        Section(
            "step",
            f"One gradient-descent step, η = {num(learning_rate)}, N = {N}, of the network",
            (
                f"  {arch.describe()}",
                "(a batch is one row per sample; W[l] is params.W[l-1]; 9 significant digits)",
            ),
        )
    ]
    lines = ["forward: Z[l] = A[l-1] @ W[l].T + b[l];  A[l] = φ_l(Z[l]);  A[0] = X"]
    for l in range(1, L + 1):
        lines += _show(f"Z[{l}]", Z[l], limit)
        lines += _show(f"A[{l}] = {arch.activations[l - 1]}(Z[{l}])", A[l], limit)
    out.append(Section("forward", "", tuple(lines)))
    act = arch.activations[-1]
    Delta = output_delta(act, arch.loss, Z[L], A[L], Ya)
    entry, text_of = loss_entry(arch.loss), node_loss_entry(arch.loss)
    if entry.shortcut is not None:
        how = f" = {text_of.shortcut_text.replace('a', 'A').replace('y', 'Y')}"
    elif activation(act).phi_prime is not None:
        how = f" = ∂ℓ/∂A[{L}] * φ'(Z[{L}])"
    else:
        how = f" = A * (G − (G * A).sum(axis=1)), G = ∂ℓ/∂A[{L}]"
    lines = [f"output error (BP1): Δ[{L}] = ∂ℓ/∂Z[{L}]{how}, one row per sample"]
    if entry.shortcut is None:
        G = entry.slope(A[L], Ya)
        lines += _show(f"∂ℓ/∂A[{L}] = {_capitals(text_of.slope_text)}", G, limit)
        if activation(act).phi_prime is not None:
            lines += _show(f"φ'(Z[{L}])", phi_prime(act, Z[L], A[L]), limit)
    lines += _show(f"Δ[{L}]", Delta, limit)
    out.append(Section("bp1", "", tuple(lines)))
    deltas = {L: Delta}
    if L > 1:
        lines = [
            "hidden error (BP2): Δ[l] = (Δ[l+1] @ W[l+1]) * φ_l'(Z[l]);",
            "  row n of Δ[l+1] @ W[l+1] is Σ_j δ_n[l+1][j]·W[l+1][j][i] (Nielsen's Wᵀδ)",
        ]
        for l in range(L - 1, 0, -1):
            back = deltas[l + 1] @ p.W[l]
            prime = phi_prime(arch.activations[l - 1], Z[l], A[l])
            deltas[l] = back * prime
            lines += _show(f"Δ[{l + 1}] @ W[{l + 1}]", back, limit)
            lines += _show(f"φ'(Z[{l}])", prime, limit)
            lines += _show(f"Δ[{l}]", deltas[l], limit)
        out.append(Section("bp2", "", tuple(lines)))
    over = "(1/N)·" if arch.reduction == "mean" else ""
    if arch.l2:
        decay = l2_term(arch, p)
        lines = [
            f"cost: C = {over}Σ_n ℓ_n + (λ/2)·Σ_l ‖W[l]‖² (L2, λ = {num(arch.l2)})",
            f"        = {num(grads.cost - decay)} + {num(decay)} = {num(grads.cost)}",
            f"gradients: ∂C/∂W[l] = {over}Δ[l].T @ A[l-1] + λ·W[l] (BP4 + L2),",
            f"           ∂C/∂b[l] = {over}Δ[l].sum(axis=0) (BP3; the biases are not regularized)",
        ]
    else:
        lines = [
            f"cost: C = {over}Σ_n ℓ_n = {num(grads.cost)}",
            f"gradients: ∂C/∂W[l] = {over}Δ[l].T @ A[l-1] (BP4; a sum of outer products),",
            f"           ∂C/∂b[l] = {over}Δ[l].sum(axis=0) (BP3; a sum over samples)",
        ]
    for l in range(L, 0, -1):
        lines += _show(f"∂C/∂W[{l}]", grads.W[l - 1], limit)
        if arch.bias != "off":
            lines += _show(f"∂C/∂b[{l}]", grads.b[l - 1], limit)
    out.append(Section("gradients", "", tuple(lines)))
    rule = "; b[l] ← b[l] − η ∂C/∂b[l]" if arch.bias == "on" else ""
    lines = [f"update: W[l] ← W[l] − η ∂C/∂W[l]{rule}"]
    for l in range(L, 0, -1):
        lines += _show(f"W[{l}]", new.W[l - 1], limit)
        if arch.bias == "on":
            lines += _show(f"b[{l}]", new.b[l - 1], limit)
    out.append(Section("update", "", tuple(lines)))
    after = cost(arch, new, Xa, Ya)
    check = _agreement(arch, params, X, Y, learning_rate, Z, A, deltas, grads, new)
    out.append(
        Section(
            "after",
            "",
            (
                f"cost after the step, same batch: C = {num(after)} (before {num(grads.cost)})",
                f"check against the node-by-node trace: {check}",
            ),
        )
    )
    return out


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
    return text(sections(arch, params, X, Y, learning_rate, max_nodes))


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
    return f"every entry equal to {worst:.1e} (float64 rounding)"
