"""The process a user's code runs in (``python -m backprop_verify.child CONFIG``), started by
backprop_verify.isolation: it sets its limits, imports the module under watch, runs the
check or the exercise, and sends each result to the checker as a JSON line on its own pipe.
The module's stdout and stderr are the checker's to show apart; nothing of this process is
written there."""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import json
import mmap
import os
import resource
import signal
import sys
import traceback
import types
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO

from backprop_verify.guard import SIZE, ModuleExitError, Watch

HUNG_STATUS = 86  # this process' own exit status after it stopped a call past its deadline
_PR_SET_PDEATHSIG = 1


class _Channel:
    """JSON lines to the checker."""

    def __init__(self, fd: int) -> None:
        self.out: BinaryIO = os.fdopen(fd, "wb", buffering=0)

    def send(self, **event: Any) -> None:
        self.out.write(json.dumps(event).encode() + b"\n")


def own_frames(folder: str | None, stack: list[traceback.FrameSummary]) -> list[str]:
    """The frames of ``stack`` in the module's folder, as path:line and the line's text."""
    from backprop_verify.floating import shown_path

    if not folder:
        return []
    root = Path(folder)
    out = []
    for frame in stack:
        path = Path(frame.filename).resolve()
        if path.is_relative_to(root):
            out.append(f"{shown_path(path)}:{frame.lineno}  {(frame.line or '').strip()}")
    return out


def _limit(memory_mb: int) -> None:
    """The address space this process may take, and its end with the checker's."""
    size = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    # Linux: killed if the checker dies, so that no hung module outlives it.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _watched(module: types.ModuleType, watch: Watch, names: tuple[str, ...]) -> types.ModuleType:
    """A stand-in for ``module`` whose functions named ``names`` are watched."""
    stand_in = types.ModuleType(module.__name__)
    stand_in.__file__ = getattr(module, "__file__", None)
    for name in names:
        fn = getattr(module, name, None)
        if callable(fn):
            setattr(stand_in, name, watch.wrap(name, fn))
    if hasattr(module, "CAPABILITIES"):
        stand_in.CAPABILITIES = module.CAPABILITIES  # type: ignore[attr-defined]
    return stand_in


def _folder(module: Any) -> str | None:
    file = getattr(module, "__file__", None)
    return str(Path(file).resolve().parent) if file else None


def _imported(watch: Watch, load: Callable[..., Any], *args: str) -> Any:
    """``load(*args)`` under watch: an exit at import is a module that cannot be checked."""
    from reference.contract import ContractError

    try:
        return watch.wrap("import", load)(*args)
    except ModuleExitError as exc:
        raise ContractError(f"{args[-1]}: importing it raised {exc}") from None


def _check(config: dict[str, Any], watch: Watch, channel: _Channel) -> None:
    from backprop_verify import properties
    from backprop_verify.adapters import OPTIONAL, REQUIRED, load
    from backprop_verify.check import run_property

    impl = _imported(watch, load, config["spec"])
    folder = watch.folder = _folder(impl.module)
    channel.send(
        event="loaded",
        dtype=impl.dtype,
        capabilities=impl.caps.describe(),
        declared=impl.declared,
        folder=folder,
    )
    impl = replace(impl, module=_watched(impl.module, watch, REQUIRED + OPTIONAL))
    table = properties.table()
    for index in range(config["start"], len(table)):
        watch.prop = index
        outcome = run_property(table[index], impl, config["examples"], config["seed"])
        channel.send(event="outcome", index=index, outcome=asdict(outcome))


def _exercise(config: dict[str, Any], watch: Watch, channel: _Channel) -> None:
    from backprop_verify.exercises import function_of, judge

    module, fn = _imported(watch, function_of, config["name"], config["path"])
    watch.folder = _folder(module)
    channel.send(event="loaded", folder=watch.folder)
    verdict = judge(config["name"], watch.wrap("the function", fn), config["seed"], config["count"])
    channel.send(event="verdict", verdict=asdict(verdict))


JOBS = {"check": _check, "exercise": _exercise}


def main(argv: list[str]) -> None:
    """Run the job the checker gave in ``argv[0]`` (JSON), then end without the module's
    exit handlers."""
    config = json.loads(argv[0])
    sys.path[:] = config["path_entries"]
    channel = _Channel(config["events_fd"])
    faulthandler.enable(file=os.fdopen(config["fault_fd"], "w"), all_threads=False)
    _limit(config["memory_mb"])
    buffer = mmap.mmap(config["record_fd"], SIZE)

    def hung(call: str, frame: FrameType | None) -> None:
        stack = traceback.extract_stack(frame) if frame is not None else []
        channel.send(event="hung", call=call, frames=own_frames(watch.folder, stack))
        os._exit(HUNG_STATUS)

    watch = Watch(buffer, config["seconds"], hung)
    from reference.contract import ContractError

    try:
        JOBS[config["job"]](config, watch, channel)
    except ContractError as exc:
        channel.send(event="refused", message=str(exc))
    except Exception:
        channel.send(event="internal", message=traceback.format_exc())
    channel.send(event="done")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
