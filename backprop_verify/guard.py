"""The watch over each call of a user's code inside its own process: a deadline per call, the
exits a module's code may raise turned into findings, and a record of the call in progress
that the checker's process reads if this one dies (backprop_verify.isolation).

The record is a few integers in memory shared with the checker: which call is running,
since when, on which property and network. Writing it costs a microsecond, so every call
of the module is recorded; after an ``os._exit`` or a signal the checker still knows where.
"""

from __future__ import annotations

import functools
import signal
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

# The calls a record can name, by their index.
CALLS = ("import", "forward", "cost", "backward", "sgd_step", "forward_pass", "the function")
MAX_DEPTH = 8  # layer sizes recorded (a network under check is small)
# in_call, call, property, calls so far, samples, depth, sizes…, started (monotonic seconds)
_RECORD = struct.Struct(f"<{6 + MAX_DEPTH}id")
SIZE = _RECORD.size


class ModuleExitError(Exception):
    """A ``SystemExit``, ``KeyboardInterrupt`` or ``GeneratorExit`` raised by the module's own
    code, caught where the checker called it: one more finding, never the checker's end."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(original)
        self.original = original

    def __str__(self) -> str:
        o = self.original
        if isinstance(o, SystemExit):
            return (
                f"SystemExit({o.code!r}): sys.exit in the module's code; a function under "
                "check must return its result"
            )
        if isinstance(o, KeyboardInterrupt):
            return "KeyboardInterrupt raised by the module's own code (not a Ctrl-C)"
        return f"{type(o).__name__} raised by the module's own code"


def named(exc: BaseException) -> str:
    """An exception as a finding says it: ``Type: message`` (an escape by its own words)."""
    if isinstance(exc, ModuleExitError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@dataclass(frozen=True)
class Record:
    """The call the module's process was in when last recorded."""

    in_call: bool
    call: str
    prop: int  # the property's index in properties.table(), −1 before any
    calls: int  # the module's calls so far (its import not counted), this one included
    samples: int  # N of the batch it was given (0 if none)
    sizes: tuple[int, ...]  # the network's layer sizes (empty if none)
    started: float  # time.monotonic() when the call began

    def where(self) -> str:
        """``in its call of backward, on a 2-3-1 network with N = 4 samples``, or after."""
        said = f"in its call of {self.call}" if self.in_call else f"after its call of {self.call}"
        if self.sizes:
            said += f", on a {'-'.join(map(str, self.sizes))} network"
            if self.samples:
                said += f" with N = {self.samples} sample{'s' if self.samples > 1 else ''}"
        return said


def read(buffer: Any) -> Record:
    """The record in ``buffer`` (a shared mmap of SIZE bytes)."""
    in_call, call, prop, calls, samples, depth, *rest = _RECORD.unpack_from(buffer, 0)
    *sizes, started = rest
    return Record(
        bool(in_call),
        CALLS[call] if 0 <= call < len(CALLS) else "?",
        prop,
        calls,
        samples,
        tuple(sizes[: max(0, min(depth, MAX_DEPTH))]),
        started,
    )


class Watch:
    """Records each call of the module in ``buffer`` and stops one that outlives ``seconds``:
    ``on_hang(call, frame)`` is given the frame the call was in and ends the process."""

    def __init__(
        self,
        buffer: Any,
        seconds: float,
        on_hang: Callable[[str, FrameType | None], None],
    ) -> None:
        self.buffer, self.seconds, self.on_hang = buffer, seconds, on_hang
        self.prop, self.calls, self.call = -1, 0, 0
        self.in_call = False
        self.folder: str | None = None  # the module's folder, for the frames of a hang
        signal.signal(signal.SIGALRM, self._alarm)

    def _alarm(self, signum: int, frame: FrameType | None) -> None:
        if self.in_call:
            self.on_hang(CALLS[self.call], frame)

    def _write(self, in_call: bool, sizes: tuple[int, ...] = (), samples: int = 0) -> None:
        shown = tuple(sizes[:MAX_DEPTH]) + (0,) * (MAX_DEPTH - min(len(sizes), MAX_DEPTH))
        _RECORD.pack_into(
            self.buffer,
            0,
            in_call,
            self.call,
            self.prop,
            self.calls,
            samples,
            len(sizes),
            *shown,
            time.monotonic(),
        )

    def enter(self, call: str, sizes: tuple[int, ...] = (), samples: int = 0) -> None:
        """A call of the module begins: record it and start its deadline."""
        self.call = CALLS.index(call)
        self.calls += call != "import"
        self._write(True, sizes, samples)
        self.in_call = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def leave(self) -> None:
        """The call returned or raised: stop its deadline."""
        signal.setitimer(signal.ITIMER_REAL, 0)
        self.in_call = False
        self._write(False)

    def wrap(self, call: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` watched: recorded, under the deadline, its escapes turned into findings."""

        @functools.wraps(fn)
        def watched(*args: Any, **kwargs: Any) -> Any:
            arch = args[0] if args else None
            sizes = tuple(getattr(arch, "sizes", ()) or ())
            X = args[2] if len(args) > 2 and sizes else None
            self.enter(call, sizes, len(X) if hasattr(X, "__len__") else 0)  # type: ignore[arg-type]
            try:
                return fn(*args, **kwargs)
            except Exception:
                raise
            except BaseException as exc:  # SystemExit, KeyboardInterrupt, GeneratorExit
                raise ModuleExitError(exc).with_traceback(exc.__traceback__) from None
            finally:
                self.leave()

        return watched
