"""User code in its own process: ``check`` and ``exercise`` run the module in a child
(backprop_verify.child) with a deadline per call and a memory limit, and read its results
over a pipe. A module that exits, hangs, is killed by a signal or crashes the interpreter is
a finding about that module; what it writes to stdout and stderr is kept apart from the
report. The checker's own process decides the exit status, and a Ctrl-C stops both at once.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from backprop_verify import guard, properties
from backprop_verify.check import Outcome, Report, advice, run_arguments
from backprop_verify.child import own_frames
from backprop_verify.exercises import Verdict, cases, exercise_arguments
from reference.contract import ContractError, check_positive, check_whole

KEPT = 64 * 1024  # bytes of each of the module's streams kept in the report
SHOWN = 20  # lines of each shown after the report
GRACE = 2.0  # seconds past the deadline before a call stuck in compiled code is killed
MAX_ENDINGS = 2  # a module's process ended this often: the remaining properties are not run
POLL = 0.1  # seconds between two looks at the child


@dataclass(frozen=True)
class Limits:
    """What a module's process may take: seconds per call of its code, and memory."""

    seconds: float = 10.0
    memory_mb: int = 4096

    def __post_init__(self) -> None:
        object.__setattr__(self, "seconds", check_positive("seconds", self.seconds))
        object.__setattr__(self, "memory_mb", check_whole("memory_mb", self.memory_mb, 256))


def checked_limits(limits: object) -> Limits:
    """``limits``, or the defaults for None; anything else is refused."""
    if limits is None:
        return Limits()
    if not isinstance(limits, Limits):
        raise ContractError(f"limits: expected a Limits(seconds=…, memory_mb=…); got {limits!r}")
    return limits


@dataclass
class Stream:
    """One of the module's output streams: the first KEPT bytes, and how many in all."""

    kept: bytearray = field(default_factory=bytearray)
    total: int = 0

    def text(self) -> str:
        return self.kept.decode("utf-8", errors="replace")


@dataclass
class Run:
    """What one child process sent, how it ended, and what the module wrote."""

    events: list[dict[str, Any]]
    ending: str = ""  # one line: how the process ended without finishing, or ""
    record: guard.Record | None = None
    frames: list[str] = field(default_factory=list)


def _drain(pipe: IO[bytes], into: Stream) -> None:
    """Read ``pipe`` to its end, keeping the first KEPT bytes."""
    while chunk := pipe.read1(65536):  # type: ignore[attr-defined]
        into.total += len(chunk)
        room = KEPT - len(into.kept)
        if room > 0:
            into.kept += chunk[:room]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _ended(status: int) -> str:
    """How a child that did not finish ended, in one phrase."""
    if status < 0:
        name = _signal_name(-status)
        why = {
            "SIGSEGV": " (a crash of the interpreter or of compiled code)",
            "SIGKILL": " (the memory limit, the system's out-of-memory killer, or from outside)",
            "SIGABRT": " (an abort in compiled code)",
        }.get(name, "")
        return f"the module's process was killed by {name}{why}"
    return (
        f"the module's process ended with status {status} before the check was done "
        f"(os._exit({status}), or a fatal error of the interpreter)"
    )


_FAULT_FRAME = re.compile(r'\s*File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _fault_frames(text: str, folder: str | None) -> list[str]:
    """The frames of a fatal-signal dump (faulthandler, innermost first) in ``folder``."""
    stack = []
    for line in text.splitlines():
        m = _FAULT_FRAME.match(line)
        if m:
            stack.append(traceback.FrameSummary(m["file"], int(m["line"]), "", lookup_line=True))
    return own_frames(folder, stack[::-1])


def run_child(
    config: dict[str, Any],
    limits: Limits,
    on_event: Callable[[dict[str, Any]], None],
    on_tick: Callable[[guard.Record], None] = lambda record: None,
    output: tuple[Stream, Stream] | None = None,
) -> Run:
    """Start a child on ``config``, pass each event it sends to ``on_event`` and the call in
    progress to ``on_tick`` every POLL seconds, and end it: finished, hung past the
    deadline, or dead. The module's stdout and stderr go to ``output``."""
    out, err = output if output is not None else (Stream(), Stream())
    events_r, events_w = os.pipe()
    with tempfile.TemporaryFile() as record_file, tempfile.TemporaryFile() as fault_file:
        record_file.truncate(guard.SIZE)
        buffer = mmap.mmap(record_file.fileno(), guard.SIZE)
        fds = (events_w, record_file.fileno(), fault_file.fileno())
        config = {
            **config,
            "seconds": limits.seconds,
            "memory_mb": limits.memory_mb,
            "path_entries": [p or os.getcwd() for p in sys.path],
            "events_fd": events_w,
            "record_fd": fds[1],
            "fault_fd": fds[2],
        }
        child = subprocess.Popen(
            [sys.executable, "-m", "backprop_verify.child", json.dumps(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=fds,
            start_new_session=True,  # a Ctrl-C reaches the checker only, which stops both
            env=_child_environment(),
        )
        os.close(events_w)
        assert child.stdout is not None and child.stderr is not None
        readers = [
            threading.Thread(target=_drain, args=(child.stdout, out), daemon=True),
            threading.Thread(target=_drain, args=(child.stderr, err), daemon=True),
        ]
        for reader in readers:
            reader.start()
        run = Run([])
        try:
            _follow(child, events_r, buffer, limits, run, on_event, on_tick)
        finally:
            os.close(events_r)
            _stop(child)
            for reader in readers:
                reader.join(timeout=1.0)
        finished = bool(run.events) and run.events[-1].get("event") == "done"
        if not run.ending and not finished:
            run.ending = _ended(child.returncode)
            run.record = guard.read(buffer)
        if run.ending and not run.frames:
            fault_file.seek(0)
            folder = next((e.get("folder") for e in run.events if e["event"] == "loaded"), None)
            run.frames = _fault_frames(fault_file.read().decode(errors="replace"), folder)
        buffer.close()
    return run


def _child_environment() -> dict[str, str]:
    """The checker's environment, with the folder this package was imported from first on
    PYTHONPATH: the child imports backprop_verify.child before it reads the parent's path."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [here, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


def _follow(
    child: subprocess.Popen[bytes],
    events: int,
    buffer: mmap.mmap,
    limits: Limits,
    run: Run,
    on_event: Callable[[dict[str, Any]], None],
    on_tick: Callable[[guard.Record], None],
) -> None:
    """Read the child's events until it ends, or stop it if a call outlives its deadline."""
    pending = b""
    while True:
        ready, _, _ = select.select([events], [], [], POLL)
        if ready:
            chunk = os.read(events, 65536)
            if not chunk:
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                event = json.loads(line)
                run.events.append(event)
                if event["event"] == "hung":
                    record = guard.read(buffer)
                    run.ending = f"the module hung: no return within {limits.seconds:g} s (stopped)"
                    run.record, run.frames = record, event["frames"]
                    return
                on_event(event)
        record = guard.read(buffer)
        if record.in_call and time.monotonic() - record.started > limits.seconds + GRACE:
            run.ending = (
                f"the module hung: no return within {limits.seconds:g} s, in compiled code (killed)"
            )
            run.record = record
            return
        on_tick(record)


def _stop(child: subprocess.Popen[bytes]) -> None:
    """End the child and anything it started (its own process group), and reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _ending_text(run: Run) -> str:
    """The ending's line, where it was, and the frames of the module's code."""
    lines = [run.ending]
    if run.record is not None and run.record.call != "import":
        lines[0] += f", {run.record.where()}"
    if run.frames:
        lines += ["in your code:", *(f"  {f}" for f in run.frames)]
    return "\n".join(lines)


def output_of(out: Stream, err: Stream) -> dict[str, Any]:
    """What the module wrote, as a report holds it."""
    return {
        "stdout": out.text(),
        "stderr": err.text(),
        "stdout_bytes": out.total,
        "stderr_bytes": err.total,
    }


def check_isolated(
    spec: str,
    examples: int = 50,
    seed: int = 0,
    limits: Limits | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> Report:
    """``check.check`` with the module in its own process: every property, in order; a
    property whose process ended is a finding of kind "process", and the next property
    starts in a new process (up to MAX_ENDINGS endings)."""
    examples, seed = run_arguments(spec, examples, seed)
    limits = checked_limits(limits)
    table = properties.table()
    outcomes: dict[int, Outcome] = {}
    loaded: dict[str, Any] = {}
    streams = Stream(), Stream()
    start = time.perf_counter()
    endings = 0
    done = 0

    def on_event(event: dict[str, Any]) -> None:
        nonlocal done
        if event["event"] == "loaded":
            loaded.update(event)
        elif event["event"] == "outcome":
            outcomes[event["index"]] = Outcome(**event["outcome"])
            done = len(outcomes)
        elif event["event"] == "refused":
            raise ContractError(event["message"])
        elif event["event"] == "internal":
            raise RuntimeError(f"the checker failed in the module's process:\n{event['message']}")
        if on_progress is not None:
            on_progress(done, len(table), "")

    def on_tick(record: guard.Record) -> None:
        if on_progress is not None and 0 <= record.prop < len(table):
            on_progress(done, len(table), f"({table[record.prop].name})")

    first = 0
    while first < len(table):
        config = {"job": "check", "spec": spec, "examples": examples, "seed": seed, "start": first}
        run = run_child(config, limits, on_event, on_tick, streams)
        if not run.ending:
            break
        if not loaded:  # it ended while it was imported: it cannot be checked
            raise ContractError(f"{spec}: importing it, {_ending_text(run)}")
        endings += 1
        index = run.record.prop if run.record is not None and run.record.prop >= 0 else first
        outcomes[index] = Outcome(
            table[index].name, "FAIL", examples=0, kind="process", message=_ending_text(run)
        )
        first = index + 1
        if endings >= MAX_ENDINGS:
            for k in range(first, len(table)):
                outcomes[k] = Outcome(
                    table[k].name,
                    "n/a",
                    reason=f"not run: the module's process ended {endings} times",
                )
            break
    took = time.perf_counter() - start
    ordered = [outcomes[k] for k in range(len(table))]
    report = Report(
        spec,
        loaded["dtype"],
        loaded["capabilities"],
        ordered,
        took,
        advice(loaded["declared"], ordered),
    )
    report.output = output_of(*streams)
    return report


def exercise_isolated(
    name: str, path: str, seed: int = 0, count: int = 30, limits: Limits | None = None
) -> tuple[Verdict, dict[str, Any]]:
    """``exercises.check_exercise`` with the student's code in its own process: the verdict
    (an ending of the process is a failure on the case it was given), and what it wrote."""
    seed, count = exercise_arguments(name, path, seed, count)
    limits = checked_limits(limits)
    got: dict[str, Any] = {}
    streams = Stream(), Stream()

    def on_event(event: dict[str, Any]) -> None:
        if event["event"] == "refused":
            raise ContractError(event["message"])
        if event["event"] == "internal":
            raise RuntimeError(f"the checker failed in the module's process:\n{event['message']}")
        got.update(event)

    config = {"job": "exercise", "name": name, "path": path, "seed": seed, "count": count}
    run = run_child(config, limits, on_event, output=streams)
    if run.ending:
        if "folder" not in got:
            raise ContractError(f"{path}: importing it, {_ending_text(run)}")
        calls = run.record.calls if run.record is not None else 0
        labels = [c.label for c in cases(seed, count)]
        case = labels[min(max(calls - 1, 0), len(labels) - 1)]
        said = run.ending.replace("the module hung", f"{name} hung", 1)
        lines = [f"on {case}, {said if said != run.ending else f'{name}: {said}'}"]
        lines += ["in your code:", *(f"  {f}" for f in run.frames)] if run.frames else []
        verdict = Verdict(name, passed=max(calls - 1, 0), lines=lines, failed=True)
    else:
        verdict = Verdict(**got["verdict"])
    return verdict, output_of(*streams)


def show_output(output: dict[str, Any], stream: IO[str]) -> None:
    """The first SHOWN lines of the module's own output, framed and apart from the report
    (on ``stream``); --json holds the first KEPT bytes."""
    for which in ("stdout", "stderr"):
        total = output.get(f"{which}_bytes", 0)
        if not total:
            continue
        lines = output[which].splitlines()
        stream.write(f"--- the module's {which}: {total} bytes, its first lines ---\n")
        stream.write("".join(f"{line}\n" for line in lines[:SHOWN]))
        if len(lines) > SHOWN or total > KEPT:
            stream.write(f"--- … and more (--json holds the first {KEPT // 1024} KiB) ---\n")
        else:
            stream.write(f"--- end of the module's {which} ---\n")
    stream.flush()
