"""The checker's own output survives where it is sent: a pipe closed early ends quietly, a
full device is one line with status 2, and a terminal that cannot encode δ or ✓ gets
them spelled in ASCII; never a traceback, and a PASS keeps its status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_cli.options import PIPE_CLOSED
from backprop_cli.progress import is_progress_line

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "check": ["check", "tests.gallery.columns", "--examples", "3"],
    "exercise": ["exercise", "output_error", "tests/exercises/right_output_error.py"],
}


def _run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, **kwargs.pop("env", {})}  # type: ignore[dict-item]
    return subprocess.run(
        [sys.executable, "-m", "backprop_verify", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_pipe_closed_early_ends_quietly_with_the_status_of_sigpipe(command: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "backprop_verify", *COMMANDS[command]],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before the first line (`| head -0`)
    err = child.stderr.read()
    assert child.wait(timeout=300) == PIPE_CLOSED, err
    # nothing but progress lines (BACKPROP_PROGRESS_AFTER=0 shows them from the start)
    assert all(is_progress_line(line) for line in err.decode().splitlines()), err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_device_is_one_line(command: str) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "backprop_verify", *COMMANDS[command]],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=300,
            check=False,
        )
    assert done.returncode == 2 and b"Traceback" not in done.stderr, done.stderr
    assert (
        done.stderr.decode().strip().splitlines()[-1].startswith("error: ")
        and b"No space" in done.stderr
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_an_ascii_terminal_gets_ascii_and_the_verdict_keeps_its_status(command: str) -> None:
    done = _run(COMMANDS[command], env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    done.stdout.decode("ascii")  # every byte ASCII
    assert b"PASS" in done.stdout
