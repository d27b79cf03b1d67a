"""One SGD step printed node by node, in the order it is computed by hand."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reference.activations import activation, phi_prime
from reference.contract import ACTIVATIONS, LOSSES, Architecture, Parameters
from reference.losses import loss_entry
from reference.network import apply_update, backward, backward_pass, cost, feed_forward
from reference.regularization import l2_term
from reference.typeset import Section, elided, equation, fac, num, shown, text, vector

__all__ = ["MAZUR_NAMES", "num", "sections", "trace"]

# M. Mazur's names for the 2-2-2 network of "A Step by Step Backpropagation Example":
# w1..w4 go into h1, h2 from i1, i2; w5..w8 into o1, o2 from h1, h2.
MAZUR_NAMES = {
    (1, 0, 0): "w1",
    (1, 0, 1): "w2",
    (1, 1, 0): "w3",
    (1, 1, 1): "w4",
    (2, 0, 0): "w5",
    (2, 0, 1): "w6",
    (2, 1, 0): "w7",
    (2, 1, 1): "w8",
}


def _names(arch: Architecture) -> list[str]:
    """The map from Mazur's names to this project's, printed for any 2-2-2 network."""
    if tuple(arch.sizes) != (2, 2, 2):
        return []
    return [
        "  i1, i2 = a[0][0], a[0][1] (the input x)",
        "  h1, h2 = node 0, 1 of layer 1;  o1, o2 = node 0, 1 of layer 2",
        "  net_h1 = z[1][0], out_h1 = a[1][0];  net_o1 = z[2][0], out_o1 = a[2][0]; …",
        "  E_o1, E_o2 = ℓ_0, ℓ_1;  E_total = ℓ;  ∂E/∂out_o1 = ∂ℓ/∂a[2][0]",
        "  w1 w2 w3 w4 = W[1][0][0] W[1][0][1] W[1][1][0] W[1][1][1]",
        "  w5 w6 w7 w8 = W[2][0][0] W[2][0][1] W[2][1][0] W[2][1][1]",
        "  b1 = b[1][0] = b[1][1];  b2 = b[2][0] = b[2][1] (one bias a layer in the post)",
    ]


def _product(pairs: Sequence[tuple[float, float]], limit: int) -> list[str]:
    return elided([f"{fac(u)}·{fac(v)}" for u, v in pairs], limit)


def _forward(
    arch: Architecture, params: Parameters, z: list[list[float]], a: list[list[float]], limit: int
) -> list[str]:
    lines = ["forward: z[l][j] = b[l][j] + Σ_i W[l][j][i]·a[l-1][i];  a[l][j] = φ_l(z[l][j])"]
    for l in range(1, arch.L + 1):
        W, b, name = params.W[l - 1], params.b[l - 1], arch.activations[l - 1]
        for j in shown(arch.sizes[l], limit):
            if j is None:
                lines.append(f"  … ({arch.sizes[l] - limit} more nodes in layer {l}) …")
                continue
            terms = _product([(W[j][i], a[l - 1][i]) for i in range(arch.sizes[l - 1])], limit)
            if arch.bias != "off":
                terms.insert(0, num(b[j]))
            lines += equation(f"  z[{l}][{j}]", [terms, [num(z[l][j])]])
            arg = f"z[{l}])[{j}]" if ACTIVATIONS[name].output_only else num(z[l][j]) + ")"
            lines.append(f"  a[{l}][{j}] = {name}({arg} = {num(a[l][j])}")
    return lines


def _loss(
    arch: Architecture, z: list[float], a: list[float], y: list[float], limit: int
) -> list[str]:
    L = arch.L
    entry = loss_entry(arch.loss)
    terms = entry.terms(z, a, y)
    lines = [f"loss: ℓ = Σ_j ℓ_j,  ℓ_j = {entry.term_text} for output j ({arch.loss})"]
    for j in shown(len(terms), limit):
        if j is None:
            lines.append(f"  … ({len(terms) - limit} more outputs) …")
        else:
            lines.append(f"  ℓ_{j} = {entry.term_shown(z, a, y, j)} = {num(terms[j])}")
    total = [num(t) if k == 0 else fac(t) for k, t in enumerate(terms)]
    lines += equation(f"  ℓ = a[{L}] against y", [elided(total, limit), [num(math.fsum(terms))]])
    return lines


def _output_error(
    arch: Architecture, z: list[float], a: list[float], y: list[float], d: list[float], limit: int
) -> list[str]:
    """BP1 as the tables compute it: the loss's shortcut, or ∂ℓ/∂a through φ' or through the
    output layer's Jacobian."""
    L, act = arch.L, arch.activations[-1]
    entry = loss_entry(arch.loss)
    more = f"  … ({len(a) - limit} more outputs) …"
    if entry.shortcut is not None and entry.shortcut_shown is not None:
        needs = LOSSES[arch.loss].requires
        lines = [
            f"output error (BP1): δ[{L}][j] = {entry.shortcut_text} "
            f"({needs} with {arch.loss}: φ' cancels)"
        ]
        for j in shown(len(a), limit):
            shortcut = entry.shortcut_shown(z, a, y, j) if j is not None else ""
            lines.append(f"  δ[{L}][{j}] = {shortcut} = {num(d[j])}" if j is not None else more)
        return lines
    g = entry.slope(a, y)
    prime = activation(act).phi_prime
    if prime is None:  # a layer's φ: through its Jacobian ∂a_k/∂z_j = a_k(1[k=j] − a_j)
        g_dot_a = math.fsum(g_j * a_j for g_j, a_j in zip(g, a, strict=True))
        lines = [
            f"output error (BP1): δ[{L}][j] = a_j·(g_j − Σ_k g_k a_k),  g = ∂ℓ/∂a = "
            f"{entry.slope_text}",
            f"  Σ_k g_k a_k = {num(g_dot_a)}",
        ]
        for j in shown(len(a), limit):
            if j is None:
                lines.append(more)
                continue
            lines.append(f"  g_{j} = {entry.slope_shown(z, a, y, j)} = {num(g[j])}")
            lines.append(
                f"  δ[{L}][{j}] = {num(a[j])}·({num(g[j])} − {fac(g_dot_a)}) = {num(d[j])}"
            )
        return lines
    lines = [
        f"output error (BP1): δ[{L}][j] = ∂ℓ/∂a[{L}][j]·φ'(z[{L}][j])",
        f"  with ∂ℓ/∂a = {entry.slope_text} and φ' = {activation(act).prime_text}",
    ]
    for j in shown(len(a), limit):
        if j is None:
            lines.append(more)
            continue
        p = prime(z[j], a[j])
        lines.append(f"  ∂ℓ/∂a[{L}][{j}] = {entry.slope_shown(z, a, y, j)} = {num(g[j])}")
        lines.append(f"  φ'(z[{L}][{j}]) = {num(p)}")
        lines.append(f"  δ[{L}][{j}] = {fac(g[j])}·{fac(p)} = {num(d[j])}")
    return lines


def _hidden_errors(
    arch: Architecture,
    params: Parameters,
    z: list[list[float]],
    a: list[list[float]],
    d: list[list[float]],
    limit: int,
) -> list[str]:
    lines = [
        "hidden error (BP2): δ[l][i] = φ_l'(z[l][i])·Σ_j W[l+1][j][i]·δ[l+1][j],",
        "  a sum over the paths from node i through every node j of layer l+1",
    ]
    for l in range(arch.L - 1, 0, -1):
        act = arch.activations[l - 1]
        lines.append(f"  layer {l}: φ' = {activation(act).prime_text}")
        for i in shown(arch.sizes[l], limit):
            if i is None:
                lines.append(f"  … ({arch.sizes[l] - limit} more nodes in layer {l}) …")
                continue
            pairs = [(params.W[l][j][i], d[l + 1][j]) for j in range(arch.sizes[l + 1])]
            each = [w * dj for w, dj in pairs]
            total = math.fsum(each)
            evaluated = [num(v) if k == 0 else fac(v) for k, v in enumerate(each)]
            steps = [_product(pairs, limit)]
            if len(pairs) > 1:
                steps.append(elided(evaluated, limit))
            lines += equation(f"  Σ_j W[{l + 1}][j][{i}]·δ[{l + 1}][j]", [*steps, [num(total)]])
            p = phi_prime(act, z[l][i], a[l][i])
            lines.append(f"  φ'(z[{l}][{i}]) = {num(p)}")
            lines.append(f"  δ[{l}][{i}] = {fac(p)}·{fac(total)} = {num(d[l][i])}")
    return lines


def _each_weight(
    arch: Architecture,
    limit: int,
    weight: Callable[[int, int, int], str],
    bias: Callable[[int, int], str | None],
) -> list[str]:
    """One line per weight W[l][j][i] and bias b[l][j], layer L first, wide layers elided."""
    lines = []
    for l in range(arch.L, 0, -1):
        for j in shown(arch.sizes[l], limit):
            if j is None:
                lines.append(f"  … ({arch.sizes[l] - limit} more nodes in layer {l}) …")
                continue
            for i in shown(arch.sizes[l - 1], limit):
                if i is None:
                    lines.append(f"  … ({arch.sizes[l - 1] - limit} more weights into node {j}) …")
                else:
                    lines.append(weight(l, j, i))
            b = bias(l, j)
            if b is not None:
                lines.append(b)
    return lines


def _norm(M: list[list[float]]) -> float:
    return math.sqrt(math.fsum(v * v for row in M for v in row))


def sections(
    arch: Architecture,
    params: Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
    max_nodes: int = 6,
    max_samples: int = 2,
) -> list[Section]:
    """One step as named sections: (1)-(2) forward, (3) loss, BP1, BP2, BP3-BP4, update."""
    L, N, limit = arch.L, len(X), max_nodes
    eta = num(learning_rate)
    out = [
        Section(
            "step",
            f"One gradient-descent step, η = {eta}, N = {N}, of the network",
            (
                f"  {arch.describe()}",
                "(notation of docs/notation.md; W[l] is params.W[l-1]; 9 significant digits)",
            ),
        )
    ]
    names = _names(arch)
    if names:
        out.append(Section("names", "Mazur's names for the 2-2-2 network:", tuple(names)))
    first: tuple[list[list[float]], ...] | None = None  # sample 0's z, a and δ
    for n in range(min(N, max_samples)):
        x, y = X[n], Y[n]
        z, a = feed_forward(arch, params, x)
        d = backward_pass(arch, params, z, a, y)
        if n == 0:
            first = z, a, d
        title = f"sample {n}: x = {vector(x, limit)}, y = {vector(y, limit)}"
        out.append(Section("forward", title, tuple(_forward(arch, params, z, a, limit))))
        out.append(Section("loss", "", tuple(_loss(arch, z[L], a[L], y, limit))))
        out.append(Section("bp1", "", tuple(_output_error(arch, z[L], a[L], y, d[L], limit))))
        if L > 1:
            out.append(Section("bp2", "", tuple(_hidden_errors(arch, params, z, a, d, limit))))
    if max_samples < N:
        more = f"… {N - max_samples} more samples, computed the same way"
        out.append(Section("bp2", "", (more,)))
    grads = backward(arch, params, X, Y)
    mean = arch.reduction == "mean"
    over = "(1/N)·Σ_n " if mean else ("Σ_n " if N > 1 else "")
    lam = arch.l2
    C0 = f"{'(1/N)·' if mean else ''}Σ_n ℓ_n"
    if lam:
        decay = l2_term(arch, params)
        lines = [
            f"cost: C = {C0} + (λ/2)·Σ_l ‖W[l]‖² (L2, λ = {num(lam)})",
            f"        = {num(grads.cost - decay)} + {num(decay)} = {num(grads.cost)}",
            f"gradients: ∂C/∂W[l][j][i] = {over}δ[l][j]·a[l-1][i] + λ·W[l][j][i]",
            "           (BP4 + L2; the biases are not regularized),",
            f"           ∂C/∂b[l][j] = {over}δ[l][j] (BP3)",
        ]
    else:
        lines = [
            f"cost: C = {C0} = {num(grads.cost)}",
            f"gradients: ∂C/∂W[l][j][i] = {over}δ[l][j]·a[l-1][i] (BP4),",
            f"           ∂C/∂b[l][j] = {over}δ[l][j] (BP3)",
        ]
    if first is None:  # no sample printed: sample 0's values are still needed below
        z, a = feed_forward(arch, params, X[0])
        first = z, a, backward_pass(arch, params, z, a, Y[0])
    _, a0, d0 = first
    mazur = tuple(arch.sizes) == (2, 2, 2)

    def gradient(l: int, j: int, i: int) -> str:
        how = f"{fac(d0[l][j])}·{fac(a0[l - 1][i])}" if N == 1 else ""
        if how and lam:
            how += f" + {num(lam)}·{fac(params.W[l - 1][j][i])}"
        how += " = " if how else ""
        name = f"  (∂E/∂{MAZUR_NAMES[l, j, i]})" if mazur else ""
        return f"  ∂C/∂W[{l}][{j}][{i}] = {how}{num(grads.W[l - 1][j][i])}{name}"

    def bias_gradient(l: int, j: int) -> str | None:
        return f"  ∂C/∂b[{l}][{j}] = {num(grads.b[l - 1][j])}" if arch.bias != "off" else None

    lines += _each_weight(arch, limit, gradient, bias_gradient)
    sizes = [_norm(grads.W[l - 1]) for l in range(1, L + 1)]
    lines.append("size of each layer's gradient (Frobenius norm ‖·‖):")
    for l in range(L, 0, -1):
        why = ""
        if N == 1 and not lam:  # an outer product's norm is the product of its vectors' norms
            d_norm, a_norm = _norm([d0[l]]), _norm([a0[l - 1]])
            why = f"‖δ[{l}]‖·‖a[{l - 1}]‖ = {num(d_norm)}·{num(a_norm)} = "
        lines.append(f"  ‖∂C/∂W[{l}]‖ = {why}{num(sizes[l - 1])}")
    if L > 1 and sizes[0] > 0:
        lines.append(f"  layer 1's is {num(sizes[-1] / sizes[0])} times smaller than layer {L}'s")
    out.append(Section("gradients", "", tuple(lines)))
    new = apply_update(arch, params, grads, learning_rate)
    rule = {"on": "b ← b − η ∂C/∂b", "frozen": "biases frozen", "off": "no biases"}[arch.bias]
    lines = [f"update: W ← W − η ∂C/∂W; {rule}"]

    def updated(l: int, j: int, i: int) -> str:
        w, gw, w_new = params.W[l - 1][j][i], grads.W[l - 1][j][i], new.W[l - 1][j][i]
        name = f"  ({MAZUR_NAMES[l, j, i]})" if mazur else ""
        return f"  W[{l}][{j}][{i}] = {num(w)} − {eta}·{fac(gw)} = {num(w_new)}{name}"

    def updated_bias(l: int, j: int) -> str | None:
        if arch.bias != "on":
            return None
        v, gb, v_new = params.b[l - 1][j], grads.b[l - 1][j], new.b[l - 1][j]
        return f"  b[{l}][{j}] = {num(v)} − {eta}·{fac(gb)} = {num(v_new)}"

    lines += _each_weight(arch, limit, updated, updated_bias)
    out.append(Section("update", "", tuple(lines)))
    after = cost(arch, new, X, Y)
    change = f"{num(after - grads.cost)}"
    out.append(
        Section(
            "after",
            "",
            (
                f"cost after the step, same batch: C = {num(after)} (before {num(grads.cost)}, "
                f"change {change})",
            ),
        )
    )
    return out


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
    return text(sections(arch, params, X, Y, learning_rate, max_nodes, max_samples))
