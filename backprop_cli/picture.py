"""The pictured step: one SGD step drawn as the network, as M. Mazur draws his example.

Inputs x on the input nodes; z and a on every other node with its error δ beside it; on
every edge the weight W[l][j][i], its gradient ∂C/∂W[l][j][i] and the weight after the
step. Written as SVG text with the standard library only, so that ``python -m reference``
draws it too. Every number is the trace's (9 significant digits) and carries its name in
a ``data-q`` attribute, so that a program can read the picture back.
"""

from __future__ import annotations

from html import escape

import reference
from reference.network import apply_update, backward_pass, feed_forward
from reference.trace import num

MAX_NODES = 8
LAYER_GAP, NODE_GAP, RADIUS = 470, 170, 46


def _text(
    x: float, y: float, name: str, value: float, label: str, size: int = 12, anchor: str = "middle"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'data-q="{escape(name)}" data-v="{float(value)!r}">{escape(label)}{num(value)}</text>'
    )


def step_svg(
    arch: reference.Architecture,
    params: reference.Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
) -> str:
    """The SVG of one step on the batch (X, Y): the first sample's x, z, a and δ, the
    batch's ∂C/∂W and the weights after the step."""
    if max(arch.sizes) > MAX_NODES:
        raise reference.ContractError(
            f"picture: expected at most {MAX_NODES} nodes in a layer, to keep it readable; "
            f"got {max(arch.sizes)} (the trace prints any size)"
        )
    grads = reference.backward(arch, params, X, Y)
    new = apply_update(arch, params, grads, reference.contract.check_learning_rate(learning_rate))
    z, a = feed_forward(arch, params, X[0])
    delta = backward_pass(arch, params, z, a, Y[0])
    L = arch.L
    height = NODE_GAP * max(arch.sizes) + 120
    width = LAYER_GAP * L + 200

    def where(l: int, j: int) -> tuple[float, float]:
        top = (height - NODE_GAP * arch.sizes[l]) / 2 + NODE_GAP / 2
        return 100 + LAYER_GAP * l, top + NODE_GAP * j

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif">',
        f"<title>One gradient-descent step of {escape(arch.describe())}, "
        f"η = {num(learning_rate)}</title>",
        f'<text x="10" y="20" font-size="13">One step of {escape(arch.describe())}, '
        f"η = {num(learning_rate)}; sample 0 of {len(X)}; ∂C/∂W over the batch</text>",
    ]
    for l in range(1, L + 1):  # edges first, so that the nodes are drawn over them
        for j in range(arch.sizes[l]):
            x1, y1 = where(l, j)
            for i in range(arch.sizes[l - 1]):
                x0, y0 = where(l - 1, i)
                parts.append(
                    f'<line x1="{x0 + RADIUS:.1f}" y1="{y0:.1f}" x2="{x1 - RADIUS:.1f}" '
                    f'y2="{y1:.1f}" stroke="#888"/>'
                )
                # along the edge by the target node, so that crossing edges' labels part
                t = 0.12 + 0.76 * (j + 0.5) / arch.sizes[l]
                ex, ey = x0 + RADIUS + t * (x1 - x0 - 2 * RADIUS), y0 + t * (y1 - y0)
                name = f"[{l}][{j}][{i}]"
                parts.append(_text(ex, ey - 14, f"W{name}", params.W[l - 1][j][i], "w ", 11))
                parts.append(_text(ex, ey, f"dC/dW{name}", grads.W[l - 1][j][i], "∂C/∂w ", 11))
                parts.append(_text(ex, ey + 14, f"new W{name}", new.W[l - 1][j][i], "→ ", 11))
    for l in range(L + 1):
        for j in range(arch.sizes[l]):
            cx, cy = where(l, j)
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS}" fill="#eef" stroke="#335"/>'
            )
            if l == 0:
                parts.append(_text(cx, cy + 4, f"x[{j}]", X[0][j], "x "))
                continue
            parts.append(_text(cx, cy - 6, f"z[{l}][{j}]", z[l][j], "z "))
            parts.append(_text(cx, cy + 12, f"a[{l}][{j}]", a[l][j], "a "))
            parts.append(_text(cx, cy + RADIUS + 16, f"delta[{l}][{j}]", delta[l][j], "δ "))
            if arch.bias != "off":
                parts.append(_text(cx, cy - RADIUS - 8, f"b[{l}][{j}]", params.b[l - 1][j], "b "))
            if l == L:
                parts.append(_text(cx, cy + RADIUS + 32, f"y[{j}]", Y[0][j], "target y "))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
