"""How the traces print: one number format, negative factors in parentheses, symmetric
elision of wide layers, and lines that fit in 80 columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 80
MINUS = "\N{MINUS SIGN}"


def num(v: float) -> str:
    """A number as every trace prints it: 9 significant digits, a true minus sign, never −0."""
    text = f"{v:.9g}"
    if text.startswith("-"):
        text = text[1:] if text.strip("-0.") == "" else MINUS + text[1:]
    return text


def fac(v: float) -> str:
    """A number as a factor of a product or a term after an operator: (−0.5), not ·−0.5."""
    text = num(v)
    return f"({text})" if text.startswith(MINUS) else text


def shown(n: int, limit: int) -> list[int | None]:
    """The indices 0..n-1 to print, at most ``limit`` of them: the first and the last halves
    with ``None`` where the middle is left out (8 of 784 with limit 6: 0 1 2 None 781 782 783)."""
    if n <= limit:
        return list(range(n))
    head = (limit + 1) // 2
    tail = limit - head
    return [*range(head), None, *range(n - tail, n)]


def elided(parts: Sequence[str], limit: int) -> list[str]:
    """``parts`` cut to ``limit`` with "… (k more) …" standing for the middle."""
    keep = shown(len(parts), limit)
    hidden = len(parts) - (len(keep) - 1)
    return [parts[i] if i is not None else f"… ({hidden} more) …" for i in keep]


def vector(values: Sequence[float], limit: int) -> str:
    """[v0, v1, …] with wide vectors elided symmetrically."""
    return "[" + ", ".join(elided([num(v) for v in values], limit)) + "]"


def flow(first: str, pieces: Sequence[str], indent: int, width: int = WIDTH) -> list[str]:
    """``first`` followed by ``pieces``, broken before a piece that would pass ``width``;
    continuation lines start ``indent`` spaces in, without the piece's leading spaces."""
    lines = [first]
    for piece in pieces:
        if len(lines[-1]) + len(piece) > width and lines[-1].strip():
            lines.append(" " * indent + piece.lstrip())
        else:
            lines[-1] += piece
    return lines


def equation(lhs: str, steps: Sequence[Sequence[str]], joiner: str = " + ") -> list[str]:
    """``lhs = s1 = s2 = …``, each step the terms of one expression joined by ``joiner``:
    on one line if it fits in 80 columns, else one step a line under the first ``=``, a
    step too long for its line folded between its terms."""
    joined = [joiner.join(terms) for terms in steps]
    one = lhs + "".join(" = " + t for t in joined)
    if len(one) <= WIDTH:
        return [one]
    indent = len(lhs) - len(lhs.lstrip())
    lines: list[str] = []
    for k, terms in enumerate(steps):
        first = lhs if k == 0 else " " * (indent + 2)
        pieces = [" = " + terms[0], *(joiner + t for t in terms[1:])]
        lines += flow(first, pieces, indent + 4)
    return lines


def fold(line: str, width: int = WIDTH) -> list[str]:
    """A line longer than ``width`` broken at spaces, continuation lines indented 4 more."""
    if len(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    words = line.split(" ")
    lines = [words[0]]
    for w in words[1:]:
        if len(lines[-1]) + 1 + len(w) > width and lines[-1].strip():
            lines.append(indent + w)
        else:
            lines[-1] += " " + w
    return lines


@dataclass(frozen=True)
class Section:
    """One part of a trace: ``key`` names the stage (forward, loss, bp1, bp2, gradients,
    update, after) so that two traces of the same step can be set side by side."""

    key: str
    title: str
    lines: tuple[str, ...]


def text(sections: Sequence[Section]) -> str:
    """The sections as plain text: each title, then its lines, a blank line between."""
    out: list[str] = []
    for s in sections:
        if out:
            out.append("")
        for line in [s.title, *s.lines] if s.title else s.lines:
            out += fold(line)
    return "\n".join(out)
