"""docs/lesson.md runs: every `>>>` line of its code blocks, each printed line compared with
the one the lesson shows (doctest), in one namespace from Mazur's numbers to MNIST."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

from tests.mnist_data import real_mnist_dir

LESSON = Path(__file__).resolve().parent.parent / "docs" / "lesson.md"


def test_the_lesson_runs_and_prints_what_it_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKPROP_MNIST_DIR", str(real_mnist_dir()))  # the data, never a download
    text = LESSON.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, "lesson", str(LESSON), 0)
    assert len(test.examples) > 40
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=lambda report: pytest.fail(report, pytrace=False))
    assert result.failed == 0 and result.attempted == len(test.examples)
