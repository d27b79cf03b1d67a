"""User code in its own process: whatever a module does (exit, hang, kill itself, crash the
interpreter, print, take all memory, start processes), it is a finding about that module,
never the checker's exit status or a corrupted report; a Ctrl-C still stops everything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from backprop_cli.progress import is_progress_line
from backprop_verify.check import check, format_report
from backprop_verify.guard import ModuleExitError, named
from backprop_verify.isolation import Limits, check_isolated, exercise_isolated

ROOT = Path(__file__).resolve().parent.parent
# A right module (tests.gallery.rows) with one function replaced by ``body``.
HEAD = "import os, signal, sys, time\nfrom tests.gallery.rows import *  # noqa: F403\n"
FAST = Limits(seconds=1.0)


def _module(tmp_path: Path, body: str, name: str = "mine") -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(HEAD + textwrap.dedent(body))
    return str(path)


def _cli(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backprop_verify", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def _ended(report_text: str) -> list[str]:
    return [line for line in report_text.splitlines() if "process" in line or "hung" in line]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            "def backward(arch, p, X, Y):\n    os._exit(0)\n",
            "the module's process ended with status 0 before the check was done (os._exit(0)",
        ),
        (
            "def backward(arch, p, X, Y):\n    os.kill(os.getpid(), signal.SIGKILL)\n",
            "the module's process was killed by SIGKILL",
        ),
        (
            "def backward(arch, p, X, Y):\n    import ctypes\n    return ctypes.string_at(0)\n",
            "the module's process was killed by SIGSEGV (a crash of the interpreter",
        ),
        (
            "def backward(arch, p, X, Y):\n    while True:\n        pass\n",
            "the module hung: no return within 1 s (stopped)",
        ),
        (
            "def backward(arch, p, X, Y):\n    time.sleep(100)\n",
            "the module hung: no return within 1 s (stopped)",
        ),
    ],
    ids=["os._exit", "SIGKILL", "SIGSEGV", "a loop", "a sleep"],
)
def test_a_module_that_ends_or_hangs_its_process_is_a_finding_of_its_own(
    tmp_path: Path, body: str, said: str
) -> None:
    report = check_isolated(_module(tmp_path, body), examples=5, limits=FAST)
    assert report.verdict == "process" and report.exit_status == 1
    text = format_report(report)
    assert f"{said}" in text, text
    assert "in its call of backward, on a " in text, text
    ended = [o for o in report.outcomes if o.kind == "process"]
    assert 1 <= len(ended) <= 2  # each ending costs a new process; two are the most


def test_the_line_of_a_hang_or_a_crash_is_named_in_the_module_s_code(tmp_path: Path) -> None:
    looping = _module(tmp_path, "def backward(arch, p, X, Y):\n    while 1:\n        pass\n", "l")
    crashing = _module(
        tmp_path, "def backward(arch, p, X, Y):\n    import ctypes; ctypes.string_at(0)\n", "c"
    )
    for path, line in ((looping, "l.py:4  while 1:"), (crashing, "c.py:4  import ctypes")):
        text = format_report(check_isolated(path, examples=3, limits=FAST))
        assert "in your code:" in text and line in text, text


def test_a_call_that_holds_off_its_deadline_is_killed(tmp_path: Path) -> None:
    """A module that ignores the deadline's alarm is stopped from outside, GRACE later."""
    path = _module(
        tmp_path,
        "def backward(arch, p, X, Y):\n"
        "    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
        "    time.sleep(100)\n",
    )
    text = format_report(check_isolated(path, examples=3, limits=FAST))
    assert "the module hung: no return within 1 s, in compiled code (killed)" in text, text


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        ("sys.exit(0)", "SystemExit(0): sys.exit in the module's code"),
        ("sys.exit(3)", "SystemExit(3): sys.exit in the module's code"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt raised by the module's own code"),
        ("raise GeneratorExit", "GeneratorExit raised by the module's own code"),
    ],
)
def test_an_exit_raised_by_the_module_is_a_crash_finding_and_the_check_goes_on(
    tmp_path: Path, raised: str, said: str
) -> None:
    path = _module(tmp_path, f"def backward(arch, p, X, Y):\n    {raised}\n")
    report = check_isolated(path, examples=5, limits=FAST)
    assert report.verdict == "crash" and report.exit_status == 1
    text = format_report(report)
    assert f"RAISES: {said}" in text, text
    assert any(o.verdict == "pass" for o in report.outcomes)  # SGD steps: judged as usual


def test_an_escape_is_named_by_what_it_was() -> None:
    assert named(ModuleExitError(SystemExit(2))).startswith("SystemExit(2): sys.exit")
    assert named(ValueError("x")) == "ValueError: x"


def test_the_exit_status_is_the_checker_s_whatever_the_module_exits_with(tmp_path: Path) -> None:
    for code in (0, 3):
        path = _module(tmp_path, f"def backward(arch, p, X, Y):\n    sys.exit({code})\n")
        done = _cli(["check", path, "--examples", "3", "--timeout", "2"])
        assert done.returncode == 1, done.stdout + done.stderr
        assert f"SystemExit({code})" in done.stdout


@pytest.mark.parametrize("ending", ["sys.exit(0)", "os._exit(0)", "while True: pass"])
def test_a_module_that_ends_while_it_is_imported_cannot_be_checked(
    tmp_path: Path, ending: str
) -> None:
    path = tmp_path / "early.py"
    path.write_text(f"import os, sys\nprint('hello')\n{ending}\n")
    done = _cli(["check", str(path), "--timeout", "1"])
    assert done.returncode == 2, done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if not is_progress_line(line)]
    assert len(errors) == 1 and errors[0].startswith(f"error: {path}: importing it"), errors
    assert done.stdout == ""


def test_what_the_module_prints_is_kept_apart_and_json_stays_json(tmp_path: Path) -> None:
    path = _module(
        tmp_path,
        """\
        print("imported")
        from tests.gallery import rows
        def backward(arch, p, X, Y):
            print("loss so far", 1.5)
            sys.stderr.write("a warning of its own\\n")
            return rows.backward(arch, p, X, Y)
        """,
    )
    done = _cli(["check", path, "--examples", "3", "--json"])
    report = json.loads(done.stdout)  # the whole of stdout is the report
    assert report["verdict"] == "pass", report
    assert report["output"]["stdout"].startswith("imported\nloss so far 1.5\n")
    assert "a warning of its own" in report["output"]["stderr"]
    assert "--- the module's stdout:" in done.stderr
    text = _cli(["check", path, "--examples", "3"])
    assert text.returncode == 0
    assert "OUTPUT: the module wrote" in text.stdout
    assert "loss so far" not in text.stdout and "loss so far 1.5" in text.stderr


def test_megabytes_of_output_neither_block_nor_swell_the_report(tmp_path: Path) -> None:
    path = _module(
        tmp_path,
        """\
        from tests.gallery import rows
        def backward(arch, p, X, Y):
            print("x" * 100_000)
            return rows.backward(arch, p, X, Y)
        """,
    )
    report = check_isolated(path, examples=3, limits=FAST)
    assert report.verdict == "pass"
    wrote = report.output["stdout_bytes"]
    assert wrote > 2_000_000 and wrote % 100_001 == 0  # every line counted, none cut
    assert len(report.output["stdout"]) == 64 * 1024


def test_memory_beyond_the_limit_is_a_memory_error_of_the_module(tmp_path: Path) -> None:
    path = _module(
        tmp_path,
        "import numpy as np\ndef backward(arch, p, X, Y):\n    return np.ones(2 * 1024**3 // 8)\n",
    )
    report = check_isolated(path, examples=3, limits=Limits(seconds=5.0, memory_mb=1024))
    assert report.verdict == "crash"
    assert "RAISES: MemoryError" in format_report(report)


def test_processes_the_module_starts_end_with_it(tmp_path: Path) -> None:
    marker = "1234.5"
    path = _module(
        tmp_path,
        f"import subprocess\ndef backward(arch, p, X, Y):\n"
        f"    subprocess.Popen(['sleep', '{marker}'])\n    os._exit(0)\n",
    )
    check_isolated(path, examples=3, limits=FAST)
    left = subprocess.run(["pgrep", "-f", f"sleep {marker}"], capture_output=True, text=True)
    assert left.stdout == ""


def _children(path: str) -> list[str]:
    found = subprocess.run(["pgrep", "-f", path], capture_output=True, text=True)
    return found.stdout.split()


def _checking_a_sleeper(tmp_path: Path) -> tuple[str, subprocess.Popen[str]]:
    """A check of a module whose backward sleeps, once the checker and its child run."""
    path = _module(tmp_path, "def backward(arch, p, X, Y):\n    time.sleep(100)\n")
    run = subprocess.Popen(
        [sys.executable, "-m", "backprop_verify", "check", path, "--timeout", "60"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len(_children(path)) < 2 and time.monotonic() < deadline:  # the checker and its child
        time.sleep(0.1)
    return path, run


def test_ctrl_c_stops_the_check_and_the_module_at_once_with_status_130(tmp_path: Path) -> None:
    path, run = _checking_a_sleeper(tmp_path)
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    assert run.returncode == 130, err
    assert "interrupted" in err
    time.sleep(0.2)
    assert _children(path) == []


def test_a_killed_checker_takes_the_module_s_process_with_it(tmp_path: Path) -> None:
    path, run = _checking_a_sleeper(tmp_path)
    os.kill(run.pid, signal.SIGKILL)
    run.communicate()
    deadline = time.monotonic() + 10
    while _children(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _children(path) == []


def test_a_long_check_shows_its_progress_on_stderr(tmp_path: Path) -> None:
    path = _module(tmp_path, "def backward(arch, p, X, Y):\n    time.sleep(100)\n")
    done = _cli(
        ["check", path, "--timeout", "3"],
        env={**os.environ, "BACKPROP_PROGRESS": "lines", "BACKPROP_PROGRESS_AFTER": "2"},
    )
    shown = [line for line in done.stderr.splitlines() if is_progress_line(line)]
    assert shown and shown[0].startswith("check: 0/15 (0 %)"), done.stderr


@pytest.mark.parametrize(
    "module", ["tests.gallery.bug_sum_not_mean", "tests.gallery.pure_python_lists"]
)
def test_in_its_own_process_the_check_says_what_it_says_in_this_one(module: str) -> None:
    here, there = check(module, examples=8), check_isolated(module, examples=8)
    assert [
        (o.name, o.verdict, o.kind, o.examples, o.message, o.diagnosis) for o in here.outcomes
    ] == [(o.name, o.verdict, o.kind, o.examples, o.message, o.diagnosis) for o in there.outcomes]
    assert (here.verdict, here.capabilities, here.dtype) == (
        there.verdict,
        there.capabilities,
        there.dtype,
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("    sys.exit(0)\n", "output_error raised SystemExit(0): sys.exit"),
        ("    while True:\n        pass\n", "output_error hung: no return within 1 s"),
        ("    os._exit(4)\n", "output_error: the module's process ended with status 4"),
    ],
)
def test_an_exercise_that_exits_or_hangs_fails_on_the_case_it_was_given(
    tmp_path: Path, body: str, said: str
) -> None:
    path = tmp_path / "answer.py"
    path.write_text(
        "import os, sys\ncalls = []\ndef output_error(z, a, y):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 1:\n"  # Mazur's network passes, then it ends
        "        return [(aj - yj) * aj * (1 - aj) for aj, yj in zip(a, y)]\n" + body
    )
    verdict, _ = exercise_isolated("output_error", str(path), count=5, limits=FAST)
    assert verdict.failed
    assert any(said in line for line in verdict.lines), verdict.lines
    assert verdict.passed == 1 and "random network 1 of 5" in verdict.lines[0], verdict.lines
