"""One SGD step printed node by node, in the order it is computed by hand."""

from __future__ import annotations

from reference.activations import phi_prime
from reference.contract import Architecture, Parameters
from reference.losses import loss as sample_loss
from reference.network import apply_update, backward, backward_pass, feed_forward


def num(v: float) -> str:
    """A number as the trace prints it: 9 significant digits."""
    return f"{v:.9g}"


def _terms(parts: list[str], limit: int, joiner: str = " + ") -> str:
    shown = parts[:limit]
    more = f"{joiner}… ({len(parts) - limit} more)" if len(parts) > limit else ""
    return joiner.join(shown) + more


def _limited(n: int, limit: int) -> tuple[range, int]:
    return range(min(n, limit)), max(0, n - limit)


def _delta_L_text(
    arch: Architecture, z: float, a: float, y: float, y_sum: float, softmax_g: str
) -> str:
    act, name = arch.activations[-1], arch.loss
    if name == "binary_cross_entropy":
        return f"a − y = {num(a)} − {num(y)}"
    if name == "categorical_cross_entropy":
        return f"a·Σ_k y_k − y = {num(a)}·{num(y_sum)} − {num(y)}"
    k = "" if name == "half_squared_error" else "2·"
    if act == "softmax":
        return f"a·(g − Σ_k g_k a_k), g = {k}(a − y): {num(a)}·({softmax_g})"
    return f"{k}(a − y)·φ'(z) = {k}({num(a)} − {num(y)})·{num(phi_prime(act, z, a))}"


def trace(
    arch: Architecture,
    params: Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
    max_nodes: int = 6,
    max_samples: int = 2,
) -> str:
    """The text of one step: every z, a, ℓ, δ (BP1, BP2), ∂C/∂W, ∂C/∂b (BP3, BP4), update."""
    L, N = arch.L, len(X)
    out: list[str] = [
        f"One gradient-descent step of {arch.describe()}, η = {num(learning_rate)}, N = {N}",
        "(notation of docs/notation.md; layer l's W is params.W[l-1]; 9 significant digits)",
    ]
    for n in range(min(N, max_samples)):
        x, y = X[n], Y[n]
        z, a = feed_forward(arch, params, x)
        delta = backward_pass(arch, params, z, a, y)
        out.append("")
        xs, ys = ", ".join(num(v) for v in x), ", ".join(num(v) for v in y)
        out.append(f"sample {n}: x = [{xs}], y = [{ys}]")
        out.append(
            "  forward: z[l][j] = b[l][j] + Σ_i W[l][j][i]·a[l-1][i],  a[l][j] = φ_l(z[l][j])"
        )
        for l in range(1, L + 1):
            W, b, name = params.W[l - 1], params.b[l - 1], arch.activations[l - 1]
            nodes, hidden = _limited(arch.sizes[l], max_nodes)
            for j in nodes:
                parts = [f"{num(W[j][i])}·{num(a[l - 1][i])}" for i in range(arch.sizes[l - 1])]
                if arch.bias != "off":
                    parts.insert(0, num(b[j]))
                out.append(f"    z[{l}][{j}] = {_terms(parts, max_nodes)} = {num(z[l][j])}")
                arg = f"z[{l}])[{j}]" if name == "softmax" else f"z[{l}][{j}])"
                out.append(f"    a[{l}][{j}] = {name}({arg} = {num(a[l][j])}")
            if hidden:
                out.append(f"    … {hidden} more nodes in layer {l}")
        ell = sample_loss(arch.loss, z[L], a[L], y)
        out.append(f"  loss: ℓ = {arch.loss}(a[{L}], y) = {num(ell)}")
        out.append(f"  output error (BP1): δ[{L}][j] = ∂ℓ/∂z[{L}][j]")
        y_sum = sum(y)
        g = [
            (1.0 if arch.loss == "half_squared_error" else 2.0) * (a_j - y_j)
            for a_j, y_j in zip(a[L], y, strict=True)
        ]
        g_dot_a = sum(g_k * a_k for g_k, a_k in zip(g, a[L], strict=True))
        nodes, hidden = _limited(arch.sizes[L], max_nodes)
        for j in nodes:
            text = _delta_L_text(
                arch, z[L][j], a[L][j], y[j], y_sum, f"{num(g[j])} − {num(g_dot_a)}"
            )
            out.append(f"    δ[{L}][{j}] = {text} = {num(delta[L][j])}")
        if hidden:
            out.append(f"    … {hidden} more")
        if L > 1:
            out.append("  hidden error (BP2): δ[l][i] = φ_l'(z[l][i]) · Σ_j W[l+1][j][i]·δ[l+1][j]")
        for l in range(L - 1, 0, -1):
            nodes, hidden = _limited(arch.sizes[l], max_nodes)
            for i in nodes:
                d = phi_prime(arch.activations[l - 1], z[l][i], a[l][i])
                parts = [
                    f"{num(params.W[l][j][i])}·{num(delta[l + 1][j])}"
                    for j in range(arch.sizes[l + 1])
                ]
                out.append(
                    f"    δ[{l}][{i}] = {num(d)}·({_terms(parts, max_nodes)}) = {num(delta[l][i])}"
                )
            if hidden:
                out.append(f"    … {hidden} more")
    if max_samples < N:
        out.append(f"\n… {N - max_samples} more samples, computed the same way")
    grads = backward(arch, params, X, Y)
    mean = arch.reduction == "mean"
    out.append("")
    out.append(f"cost: C = {'(1/N)·' if mean else ''}Σ_n ℓ_n = {num(grads.cost)}")
    over = "(1/N)·Σ_n " if mean else ("Σ_n " if N > 1 else "")
    out.append(f"gradients: ∂C/∂W[l][j][i] = {over}δ[l][j]·a[l-1][i] (BP4),")
    out.append(f"           ∂C/∂b[l][j] = {over}δ[l][j] (BP3)")
    z0, a0 = feed_forward(arch, params, X[0])
    d0 = backward_pass(arch, params, z0, a0, Y[0])
    for l in range(L, 0, -1):
        nodes, hidden = _limited(arch.sizes[l], max_nodes)
        for j in nodes:
            cols, more = _limited(arch.sizes[l - 1], max_nodes)
            for i in cols:
                how = f"{num(d0[l][j])}·{num(a0[l - 1][i])} = " if N == 1 and not mean else ""
                out.append(f"    ∂C/∂W[{l}][{j}][{i}] = {how}{num(grads.W[l - 1][j][i])}")
            if more:
                out.append(f"    … {more} more weights into node {j}")
            if arch.bias != "off":
                out.append(f"    ∂C/∂b[{l}][{j}] = {num(grads.b[l - 1][j])}")
        if hidden:
            out.append(f"    … {hidden} more nodes in layer {l}")
    new = apply_update(arch, params, grads, learning_rate)
    rule = {"on": "b ← b − η ∂C/∂b", "frozen": "biases frozen", "off": "no biases"}[arch.bias]
    out.append("")
    out.append(f"update: W ← W − η ∂C/∂W; {rule}")
    for l in range(L, 0, -1):
        nodes, hidden = _limited(arch.sizes[l], max_nodes)
        for j in nodes:
            cols, more = _limited(arch.sizes[l - 1], max_nodes)
            for i in cols:
                w, gw, w_new = params.W[l - 1][j][i], grads.W[l - 1][j][i], new.W[l - 1][j][i]
                eta = num(learning_rate)
                out.append(f"    W[{l}][{j}][{i}] = {num(w)} − {eta}·{num(gw)} = {num(w_new)}")
            if more:
                out.append(f"    … {more} more weights into node {j}")
            if arch.bias == "on":
                v, gb, v_new = params.b[l - 1][j], grads.b[l - 1][j], new.b[l - 1][j]
                eta = num(learning_rate)
                out.append(f"    b[{l}][{j}] = {num(v)} − {eta}·{num(gb)} = {num(v_new)}")
        if hidden:
            out.append(f"    … {hidden} more nodes in layer {l}")
    return "\n".join(out)
