"""docs/derivation.md stays true: its trace is the code's, every number in it is printed by
the traces (or is one of Mazur's published figures, quoted as published), and every link to
a line of code lands on the code it quotes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backprop_cli import matrix_trace
from backprop_data.examples import example
from reference.trace import trace

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "derivation.md"
BLOCK = re.compile(
    r"<!-- trace:mazur:begin -->\n```text\n(.*?)\n```\n<!-- trace:mazur:end -->", re.S
)
# Mazur's post prints these; each is ours to its printed digits but two: his error after
# the step and after "10,000" steps (see the note of backprop_data.examples.mazur).
PUBLISHED = {
    "0.511301270": 0.51130127,
    "0.19956143": 0.199561432,
    "0.24975114": 0.249751144,
    "0.29950229": 0.299502287,
    "0.291027924": None,
    "0.0000351085": None,
}


def _traces() -> str:
    ex = example("mazur")
    args = (ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate)
    return trace(*args) + "\n" + matrix_trace.trace(*args) + "\n" + ex.note


def test_the_documents_trace_is_the_codes() -> None:
    found = BLOCK.search(DOC.read_text(encoding="utf-8"))
    assert found, "docs/derivation.md lost its trace block"
    ex = example("mazur")
    assert found.group(1) == trace(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate), (
        "docs/derivation.md disagrees with the code: regenerate its block from "
        "reference.trace.trace of the mazur example"
    )


def test_every_number_in_the_document_is_printed_by_a_trace() -> None:
    prose = BLOCK.sub("", DOC.read_text(encoding="utf-8"))
    printed = _traces()
    numbers = re.findall(r"(?<![\w.\[])(\d+\.\d+(?:e[-+]?\d+)?)", prose)
    significant = [n for n in numbers if len(n.replace(".", "").lstrip("0").split("e")[0]) >= 5]
    assert len(significant) > 40  # the document works its example in numbers
    for n in significant:
        if n in PUBLISHED:
            ours = PUBLISHED[n]
            if ours is not None:
                digits = len(n.split(".")[1])
                assert abs(float(n) - ours) <= 0.5 * 10.0**-digits + 1e-15, n
            continue
        assert re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", printed), (
            f"{n} in docs/derivation.md is printed by neither trace"
        )


LINK = re.compile(r"\[`([^`]+)`\]\(\.\./([\w/]+\.py)#L(\d+)\)")


def test_every_code_link_lands_on_the_code_it_quotes() -> None:
    text = DOC.read_text(encoding="utf-8")
    links = LINK.findall(text)
    assert len(links) >= 15
    for code, path, line in links:
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        if code in lines[int(line) - 1]:
            continue
        now = [k + 1 for k, text in enumerate(lines) if code in text]
        pytest.fail(f"{path}#L{line} no longer holds {code!r}; it is on line(s) {now}")
