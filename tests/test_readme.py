"""The README shows what the checker prints today: its check session is a real run."""

from __future__ import annotations

from tests import readme_session


def test_the_readme_session_is_what_the_command_prints_today() -> None:
    status, text = readme_session.output()
    assert status == 1  # the planted mistake fails
    assert readme_session.normalized(readme_session.current()) == readme_session.normalized(
        readme_session.block(status, text)
    ), "the README's check session is stale: run python -m tests.readme_session"


def test_the_cut_keeps_the_table_the_first_failure_and_the_verdict() -> None:
    text = "table\n\nFAIL: a\n  why\n\nFAIL: b\n  why\n\nFAIL: c\n\nverdict: FAIL (1 of 4)\n"
    assert readme_session.cut(text) == (
        "table\n\nFAIL: a\n  why\n…  (2 more failures, cut here)\n\nverdict: FAIL (1 of 4)"
    )
    assert readme_session.cut("table\n\nverdict: PASS\n") == "table\n\nverdict: PASS"
    assert readme_session.normalized("3 of 7 applicable properties hold; 0.9 s)") == (
        "3 of 7 applicable properties hold; … s)"
    )
