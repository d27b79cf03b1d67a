"""What a command wrote to stderr, read the way a person reads a log: its progress lines
(which a slow run on a busy machine writes, and a fast one does not) set apart."""

from __future__ import annotations

from backprop_cli.progress import is_progress_line


def error_lines(err: str) -> list[str]:
    """The lines of ``err`` that are not progress; a captured stream never holds the
    carriage-return frames of a terminal's bar."""
    assert "\r" not in err, (
        f"carriage-return frames reached a stream that is not a terminal: {err!r}"
    )
    return [line for line in err.splitlines() if not is_progress_line(line)]


def one_line(err: str) -> str:
    """The one line of ``err`` besides progress, with its newline: what a refusal writes."""
    lines = error_lines(err)
    assert len(lines) == 1 and err.endswith("\n"), err
    return lines[0] + "\n"
