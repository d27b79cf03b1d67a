"""Progress as git and pip show it: an animated bar on a terminal only, plain lines in a pipe
or a file, nothing when turned off; and every test that reads stderr holds when progress
shows from the first unit of work, and beside busy processes."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backprop_cli.progress import LINE_EVERY, OFF, Progress, Settings, is_progress_line, settings
from backprop_cli.reference_cli import main as reference_main
from backprop_cli.vectorized_cli import main as vectorized_main
from backprop_cli.verify_cli import main as verify_main
from benchmarks.load import busy_numpy
from reference.contract import ContractError
from tests.mnist_data import real_mnist_dir
from tests.streams import error_lines, one_line

ROOT = Path(__file__).resolve().parents[1]


class Clock:
    """A fake monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _drain(leader: int) -> str:
    """Everything written to a pty whose other end is closed: a read returns what the line
    discipline holds at that moment, so read until it says there is no more."""
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the other end is closed and everything has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def _run(bar: Progress, clock: Clock, steps: list[tuple[float, int]]) -> None:
    """Advance the clock to each time and report the units done by then."""
    for at, done in steps:
        clock.now = 100.0 + at
        bar.update(done)


def test_on_a_terminal_the_bar_redraws_in_place_and_ends_its_line() -> None:
    leader, follower = pty.openpty()
    clock = Clock()
    with open(follower, "w", encoding="utf-8", closefd=True) as tty:
        assert tty.isatty()
        with Progress(
            10, "training", tty, after=2.0, width=10, given=Settings(), clock=clock
        ) as bar:
            _run(bar, clock, [(1.0, 1), (2.5, 5), (2.55, 6), (2.7, 7), (3.0, 10)])
    text = _drain(leader)
    os.close(leader)
    frames = [f for f in text.replace("\r\n", "\n").split("\r") if f.strip()]
    # Nothing before 2 s; 6 comes 0.05 s after 5 and is not drawn; the full bar always is.
    assert [f.split("] ")[1].split()[0] for f in frames] == ["5/10", "7/10", "10/10"]
    assert text.endswith("\n")
    assert frames[0].startswith("training [#####-----] 5/10")


@pytest.mark.parametrize("kind", ["pipe", "file"])
def test_in_a_pipe_or_a_file_a_plain_line_every_few_seconds(kind: str, tmp_path: Path) -> None:
    clock = Clock()
    if kind == "pipe":
        read_end, write_end = os.pipe()
        stream = open(write_end, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    else:
        stream = open(tmp_path / "log.txt", "w", encoding="utf-8")  # noqa: SIM115
    with stream, Progress(100, "speedup", stream, after=2.0, given=Settings(), clock=clock) as bar:
        bar.update(1)  # under the threshold: nothing
        steps = [(2.0 + t, 10 + t) for t in range(0, 12)]  # one unit a second from 2 s
        _run(bar, clock, [*steps, (14.0, 100)])
    if kind == "pipe":
        with open(read_end, encoding="utf-8") as pipe:
            text = pipe.read()
    else:
        text = (tmp_path / "log.txt").read_text(encoding="utf-8")
    assert "\r" not in text and text.endswith("\n")
    lines = text.splitlines()
    # At 2 s, then every LINE_EVERY seconds after the last line; the end gets no extra line.
    assert LINE_EVERY == 5.0
    assert [line.split()[1] for line in lines] == ["10/100", "15/100", "20/100"]
    assert lines[0] == "speedup: 10/100 (10 %), 5/s"
    assert all(is_progress_line(line) for line in lines)


def test_forced_styles_and_off() -> None:
    clock = Clock()
    piped = io.StringIO()
    with Progress(4, "x", piped, after=0.0, given=Settings("bar"), clock=clock) as bar:
        bar.update(4)  # a bar in a pipe when asked for, as git --progress does
    assert piped.getvalue().startswith("\rx [") and piped.getvalue().endswith("\n")
    silent = io.StringIO()
    with Progress(4, "x", silent, after=0.0, given=OFF, clock=clock) as bar:
        bar.update(4)
    assert silent.getvalue() == ""
    leader, follower = pty.openpty()
    with (
        open(follower, "w", encoding="utf-8") as tty,
        Progress(4, "x", tty, after=0.0, given=Settings("lines"), clock=clock) as bar,
    ):
        bar.update(2, "note")
    assert _drain(leader).replace("\r\n", "\n") == "x: 2/4 (50 %) note\n"
    os.close(leader)


def test_an_error_erases_the_bar_so_that_its_line_stands_alone() -> None:
    stream = io.StringIO()
    stream.isatty = lambda: True  # type: ignore[method-assign]
    with pytest.raises(RuntimeError), Progress(10, "x", stream, after=0.0, width=4) as bar:
        bar.update(3)
        raise RuntimeError
    assert stream.getvalue().endswith("\r" + " " * 64 + "\r")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, Settings("auto", None)),
        ({"BACKPROP_PROGRESS": "OFF"}, Settings("off", None)),
        ({"BACKPROP_PROGRESS": "lines", "BACKPROP_PROGRESS_AFTER": "0"}, Settings("lines", 0.0)),
        ({"BACKPROP_PROGRESS_AFTER": "2.5"}, Settings("auto", 2.5)),
    ],
)
def test_settings_from_the_environment(environ: dict[str, str], expected: Settings) -> None:
    assert settings(environ) == expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"BACKPROP_PROGRESS": "yes"},
            "BACKPROP_PROGRESS: expected one of auto, bar, lines, off; got 'yes'",
        ),
        (
            {"BACKPROP_PROGRESS_AFTER": "-1"},
            "BACKPROP_PROGRESS_AFTER: expected a number of seconds >= 0; got '-1'",
        ),
        (
            {"BACKPROP_PROGRESS_AFTER": "soon"},
            "BACKPROP_PROGRESS_AFTER: expected a number of seconds >= 0; got 'soon'",
        ),
        (
            {"BACKPROP_PROGRESS_AFTER": "nan"},
            "BACKPROP_PROGRESS_AFTER: expected a number of seconds >= 0; got 'nan'",
        ),
    ],
)
def test_bad_settings_are_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ContractError) as raised:
        settings(environ)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("main", "argv"),
    [
        (reference_main, ["train", "xor"]),
        (vectorized_main, ["train", "xor"]),
        (verify_main, ["check", "tests.gallery.columns"]),
        (verify_main, ["exercise", "output_error", "exercises/output_error.py"]),
    ],
)
def test_every_command_refuses_a_bad_setting_before_any_work(
    main: Callable[[list[str]], int],
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("BACKPROP_PROGRESS", "sometimes")
    assert main(argv) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert one_line(out.err).startswith("error: BACKPROP_PROGRESS: expected one of auto")


def _command(argv: list[str]) -> list[str]:
    return [sys.executable, "-m", *argv]


def _environ(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKPROP_PROGRESS")}
    return {**env, **extra}


def test_training_piped_with_its_output_keeps_every_line_whole(tmp_path: Path) -> None:
    """``mnist 2>&1 | grep epoch``: progress from the first step, in the same pipe."""
    argv = ["vectorized", "mnist", "--epochs", "1", "--data", str(real_mnist_dir())]
    done = subprocess.run(
        _command(argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_environ(BACKPROP_PROGRESS_AFTER="0"),
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    lines = error_lines(done.stdout)  # no carriage return anywhere
    assert any(is_progress_line(line) for line in done.stdout.splitlines())
    assert lines[0].startswith("MNIST small: 784-40-10")
    (epoch,) = [line for line in lines if "epoch 1:" in line]
    assert epoch.startswith("  epoch 1: training cost ") and epoch.endswith(" s")


def _download(folder: Path, stderr: Any, **env: str) -> subprocess.CompletedProcess[str]:
    """``download`` from the real files as a file:// mirror into ``folder``."""
    mirror = real_mnist_dir().resolve().as_uri() + "/"
    argv = ["vectorized", "download", "--mirror", mirror, "--data", str(folder)]
    return subprocess.run(
        _command(argv),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=_environ(BACKPROP_PROGRESS_AFTER="0", **env),
        check=False,
    )


def test_a_download_shows_lines_in_a_log_and_a_bar_on_a_terminal(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    with log.open("w") as stderr:
        done = _download(tmp_path / "a", stderr)
    assert done.returncode == 0 and done.stdout.startswith("MNIST verified in ")
    text = log.read_text()
    assert text and error_lines(text) == []  # progress lines only, and no frame
    assert text.splitlines()[0].startswith("download: ")
    leader, follower = pty.openpty()
    done = _download(tmp_path / "b", follower)
    os.close(follower)
    shown = _drain(leader)
    os.close(leader)
    assert done.returncode == 0
    assert shown.startswith("\rdownload [") and shown.count("\r") >= 2
    off = _download(tmp_path / "c", subprocess.PIPE, BACKPROP_PROGRESS="off")
    assert off.returncode == 0 and off.stderr == ""


def test_a_check_shows_lines_on_stderr_and_keeps_its_json_whole() -> None:
    done = subprocess.run(
        _command(
            ["backprop_verify", "check", "tests.gallery.columns", "--examples", "2", "--json"]
        ),
        capture_output=True,
        text=True,
        env=_environ(BACKPROP_PROGRESS_AFTER="0"),
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.lstrip().startswith("{") and '"passed": true' in done.stdout
    assert re.match(r"check: \d+/\d+ ", done.stderr) and error_lines(done.stderr) == []


def _stderr_tests(**env: str) -> subprocess.CompletedProcess[str]:
    """Every test marked ``stderr`` (tests/conftest.py), in a child pytest."""
    argv = ["pytest", "tests", "-m", "stderr and not runs_the_suite", "-q", "-p", "no:xdist"]
    argv += ["-p", "no:cacheprovider", "-W", "ignore::pytest.PytestUnraisableExceptionWarning"]
    return subprocess.run(
        _command(argv), capture_output=True, text=True, env=_environ(**env), cwd=ROOT, check=False
    )


def _passed(done: subprocess.CompletedProcess[str]) -> int:
    last = done.stdout.strip().splitlines()[-1]
    assert done.returncode == 0 and " passed" in last and "failed" not in last, done.stdout[-3000:]
    return int(last.split(" passed")[0].split()[-1])


@pytest.mark.runs_the_suite
def test_every_stderr_test_holds_with_progress_from_the_first_unit() -> None:
    """As a slow run shows it: every display past its threshold at once."""
    assert _passed(_stderr_tests(BACKPROP_PROGRESS_AFTER="0")) >= 30


@pytest.mark.slow
@pytest.mark.runs_the_suite
def test_every_stderr_test_holds_beside_two_busy_numpy_processes() -> None:
    """The machine of the report: two NumPy processes keep both cores busy."""
    with busy_numpy(2):
        assert _passed(_stderr_tests()) >= 30
