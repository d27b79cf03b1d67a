"""A trace as text, Markdown, LaTeX or HTML (standard library only), and the plain-ASCII
spelling of its symbols for outputs that cannot encode them."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from reference.typeset import Section, fold, text

FORMATS = ("text", "markdown", "latex", "html")

# What each stage of a step is called in a heading; the keys are Section.key.
STAGES = {
    "step": "",
    "names": "Mazur's names",
    "forward": "Forward pass: (1) and (2)",
    "loss": "Loss: (3)",
    "bp1": "Output error: BP1",
    "bp2": "Hidden errors: BP2",
    "gradients": "Gradients: BP3 and BP4",
    "update": "Update",
    "after": "After the step",
}

# The symbols the traces use, spelled in ASCII (for a terminal that cannot print them)
# and in LaTeX (inside an alltt block, where only \, { and } are special, so that ^ and _
# print as themselves, also between \( and \)).
SYMBOLS = {
    "δ": ("delta", r"\(\delta\)"),
    "Δ": ("Delta", r"\(\Delta\)"),
    "Σ": ("sum", r"\(\Sigma\)"),
    "σ": ("sigma", r"\(\sigma\)"),
    "η": ("eta", r"\(\eta\)"),
    "φ": ("phi", r"\(\varphi\)"),
    "ℓ": ("loss", r"\(\ell\)"),
    "∂": ("d", r"\(\partial\)"),
    "·": ("*", r"\(\cdot\)"),
    "−": ("-", "-"),
    "←": ("<-", r"\(\leftarrow\)"),
    "…": ("...", r"\ldots{}"),
    "½": ("1/2", r"\(\frac12\)"),
    "²": ("^2", r"\textsuperscript{2}"),
    "‖": ("||", r"\(\|\)"),
    "ᵀ": ("^T", r"\textsuperscript{T}"),
}


def ascii(s: str) -> str:
    """``s`` with the traces' symbols spelled in ASCII (δ → delta, · → *, − → -)."""
    return s.translate({ord(k): v[0] for k, v in SYMBOLS.items()})


def _latex_line(s: str) -> str:
    s = s.replace("\\", r"\textbackslash{}").replace("{", r"\{").replace("}", r"\}")
    return s.translate({ord(k): v[1] for k, v in SYMBOLS.items()})


def _stages(steps: Sequence[Sequence[Section]]) -> list[tuple[int, str, list[Section]]]:
    """(step, key, sections) in order of first appearance, a key's sections gathered."""
    groups: dict[tuple[int, str], list[Section]] = {}
    for t, sections in enumerate(steps):
        for s in sections:
            groups.setdefault((t, s.key), []).append(s)
    return [(t, key, found) for (t, key), found in groups.items()]


def _heading(steps: int, t: int) -> str:
    return f"Step {t + 1} of {steps}" if steps > 1 else ""


def render(fmt: str, columns: Sequence[tuple[str, Sequence[Sequence[Section]]]]) -> str:
    """The trace of one or more steps in ``fmt``; ``columns`` is (name, sections of each
    step) per form of the trace. Text, Markdown and LaTeX show the first form; HTML sets
    the forms side by side, stage by stage."""
    if fmt not in FORMATS:
        raise ValueError(f"format: expected one of {', '.join(FORMATS)}; got {fmt!r}")
    steps = columns[0][1]
    k = len(steps)
    if fmt == "text":
        return "\n\n".join(
            (f"=== {_heading(k, t)} ===\n" if k > 1 else "") + text(s) for t, s in enumerate(steps)
        )
    if fmt == "html":
        return _html(columns)
    out: list[str] = []
    if fmt == "latex":
        out += [
            r"\documentclass{article}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage{alltt,amsmath,geometry}",
            r"\geometry{margin=2cm}",
            r"\begin{document}",
        ]
    for t, key, sections in _stages(steps):
        title = STAGES.get(key, key) if key != "step" else _heading(k, t)
        if fmt == "markdown":
            if title:
                out += [f"{'##' if key == 'step' else '###'} {title}", ""]
            out += ["```text", *_body(sections), "```", ""]
        else:
            if title:
                out.append(("\\section*{%s}" if key == "step" else "\\subsection*{%s}") % title)
            body = [_latex_line(line) for line in _body(sections)]
            out += [r"\begin{alltt}\small", *body, r"\end{alltt}"]
    if fmt == "latex":
        out.append(r"\end{document}")
    return "\n".join(out).rstrip() + "\n"


def _body(sections: Sequence[Section]) -> list[str]:
    """The lines of a stage's sections, a blank line between two sections."""
    out: list[str] = []
    for s in sections:
        out += ([""] if out else []) + _lines(s)
    return out


def _lines(s: Section) -> list[str]:
    return [line for raw in ([s.title, *s.lines] if s.title else s.lines) for line in fold(raw)]


def _html(columns: Sequence[tuple[str, Sequence[Sequence[Section]]]]) -> str:
    staged = [_stages(steps) for _, steps in columns]
    k = len(columns[0][1])
    rows: list[str] = []
    order = [(t, key) for t, key, _ in staged[0]]
    for extra in staged[1:]:
        order += [(t, key) for t, key, _ in extra if (t, key) not in order]
    order.sort(key=lambda tk: tk[0])
    for t, key in order:
        if key == "step" and k > 1:
            rows.append(f'<tr><th colspan="{len(columns)}">{escape(_heading(k, t))}</th></tr>')
        cells = []
        for st in staged:
            found = [s for tt, kk, ss in st if (tt, kk) == (t, key) for s in ss]
            body = "\n".join(_body(found))
            cells.append(f"<td><pre>{escape(body)}</pre></td>")
        label = STAGES.get(key, key)
        rows.append(f'<tr class="{escape(key)}" title="{escape(label)}">{"".join(cells)}</tr>')
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in columns)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            "<title>One gradient-descent step</title>",
            "<style>td{vertical-align:top;border-top:1px solid #ccc;padding:0 1em}"
            "pre{font-size:13px;margin:0.5em 0}</style></head><body>",
            f"<table><thead><tr>{head}</tr></thead><tbody>",
            *rows,
            "</tbody></table></body></html>",
            "",
        ]
    )
