"""The pictured step: one SGD step drawn as the network, as M. Mazur draws his example.

Inputs x on the input nodes; z and a on every other node with its error δ beside it; on
every edge the weight W[l][j][i], its gradient ∂C/∂W[l][j][i] and the weight after the
step. Written as SVG text with the standard library only, so that ``python -m reference``
draws it too. Every number is the trace's (9 significant digits) and carries its name in
a ``data-q`` attribute, so that a program can read the picture back. ``elements`` lays
the picture out once; ``step_svg`` writes it as SVG and ``backprop_cli.plot.step_png``
draws the same elements with matplotlib, where it is installed.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import reference
from reference.network import apply_update, backward_pass, feed_forward
from reference.trace import num

MAX_NODES = 8
LAYER_GAP, NODE_GAP, RADIUS = 470, 170, 46


@dataclass(frozen=True)
class Label:
    """A number on the picture: ``label`` then the value in the trace's format; ``name``
    is the quantity (``z[1][0]``, ``dC/dW[2][0][1]``)."""

    x: float
    y: float
    name: str
    value: float
    label: str
    size: int = 12

    @property
    def text(self) -> str:
        return self.label + num(self.value)


@dataclass(frozen=True)
class Picture:
    """What the pictured step draws, in pixels from the top left."""

    width: int
    height: int
    title: str
    edges: list[tuple[float, float, float, float]]
    nodes: list[tuple[float, float]]
    labels: list[Label]


def elements(
    arch: reference.Architecture,
    params: reference.Parameters,
    X: list[list[float]],
    Y: list[list[float]],
    learning_rate: float,
) -> Picture:
    """The layout of one step on the batch (X, Y): the first sample's x, z, a and δ, the
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

    title = (
        f"One step of {arch.describe()}, η = {num(learning_rate)}; sample 0 of {len(X)}; "
        "∂C/∂W over the batch"
    )
    edges, nodes, labels = [], [], []
    for l in range(1, L + 1):  # edges first, so that the nodes are drawn over them
        for j in range(arch.sizes[l]):
            x1, y1 = where(l, j)
            for i in range(arch.sizes[l - 1]):
                x0, y0 = where(l - 1, i)
                edges.append((x0 + RADIUS, y0, x1 - RADIUS, y1))
                # along the edge by the target node, so that crossing edges' labels part
                t = 0.12 + 0.76 * (j + 0.5) / arch.sizes[l]
                ex, ey = x0 + RADIUS + t * (x1 - x0 - 2 * RADIUS), y0 + t * (y1 - y0)
                k = f"[{l}][{j}][{i}]"
                labels.append(Label(ex, ey - 14, f"W{k}", params.W[l - 1][j][i], "w ", 11))
                labels.append(Label(ex, ey, f"dC/dW{k}", grads.W[l - 1][j][i], "∂C/∂w ", 11))
                labels.append(Label(ex, ey + 14, f"new W{k}", new.W[l - 1][j][i], "→ ", 11))
    for l in range(L + 1):
        for j in range(arch.sizes[l]):
            cx, cy = where(l, j)
            nodes.append((cx, cy))
            if l == 0:
                labels.append(Label(cx, cy + 4, f"x[{j}]", X[0][j], "x "))
                continue
            labels.append(Label(cx, cy - 6, f"z[{l}][{j}]", z[l][j], "z "))
            labels.append(Label(cx, cy + 12, f"a[{l}][{j}]", a[l][j], "a "))
            labels.append(Label(cx, cy + RADIUS + 16, f"delta[{l}][{j}]", delta[l][j], "δ "))
            if arch.bias != "off":
                labels.append(Label(cx, cy - RADIUS - 8, f"b[{l}][{j}]", params.b[l - 1][j], "b "))
            if l == L:
                labels.append(Label(cx, cy + RADIUS + 32, f"y[{j}]", Y[0][j], "target y "))
    return Picture(width, height, title, edges, nodes, labels)


def step_svg(pic: Picture) -> str:
    """The pictured step as SVG text."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{pic.width}" height="{pic.height}" '
        f'font-family="sans-serif">',
        f"<title>{escape(pic.title)}</title>",
        f'<text x="10" y="20" font-size="13">{escape(pic.title)}</text>',
    ]
    parts += [
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="#888"/>'
        for x0, y0, x1, y1 in pic.edges
    ]
    parts += [
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS}" fill="#eef" stroke="#335"/>'
        for cx, cy in pic.nodes
    ]
    parts += [
        f'<text x="{t.x:.1f}" y="{t.y:.1f}" font-size="{t.size}" text-anchor="middle" '
        f'data-q="{escape(t.name)}" data-v="{float(t.value)!r}">{escape(t.text)}</text>'
        for t in pic.labels
    ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
