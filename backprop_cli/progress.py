"""Progress on stderr, shown only once a run has lasted a few seconds, in the form its stream
can hold: an animated bar on a terminal, a plain line every few seconds in a pipe or a file.

As with git and pip, carriage-return frames go to a terminal only. ``BACKPROP_PROGRESS``
chooses otherwise: ``auto`` (the default: the bar on a terminal, lines elsewhere), ``bar``
(always the bar, like ``git --progress``), ``lines`` (always lines) or ``off`` (nothing).
``BACKPROP_PROGRESS_AFTER`` (seconds) replaces every display's threshold; ``0`` shows
progress from the first unit of work, which the tests use to prove they hold under load.
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TextIO

from reference.contract import ContractError

MODES = ("auto", "bar", "lines", "off")
# Seconds between two plain lines: often enough to show a run is alive, seldom enough that
# a log of a long run stays readable.
LINE_EVERY = 5.0


@dataclass(frozen=True)
class Settings:
    """What the environment asks of every progress display."""

    mode: str = "auto"
    after: float | None = None  # None: each display's own threshold


OFF = Settings("off")


def settings(environ: Mapping[str, str]) -> Settings:
    """The progress settings in ``environ``; a bad value is a ContractError naming it."""
    mode = environ.get("BACKPROP_PROGRESS", "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise ContractError(
            f"BACKPROP_PROGRESS: expected one of {', '.join(MODES)}; "
            f"got {environ['BACKPROP_PROGRESS']!r}"
        )
    raw = environ.get("BACKPROP_PROGRESS_AFTER")
    if raw is None:
        return Settings(mode)
    try:
        after = float(raw)
    except ValueError:
        after = -1.0
    if not (math.isfinite(after) and after >= 0):
        raise ContractError(
            f"BACKPROP_PROGRESS_AFTER: expected a number of seconds >= 0; got {raw!r}"
        )
    return Settings(mode, after)


def _style(mode: str, stream: TextIO) -> str:
    """``bar``, ``lines`` or ``off`` for this stream."""
    if mode != "auto":
        return mode
    isatty = getattr(stream, "isatty", None)
    return "bar" if isatty is not None and isatty() else "lines"


class Progress:
    """``update(done)`` shows progress after ``after`` seconds: the bar redrawn at most ten
    times a second, or a line every ``LINE_EVERY`` seconds. ``given`` defaults to the
    settings of this process' environment."""

    def __init__(
        self,
        total: int,
        label: str,
        stream: TextIO | None = None,
        after: float = 2.0,
        width: int = 30,
        given: Settings | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        given = settings(os.environ) if given is None else given
        self.total, self.label, self.width = max(total, 1), label, width
        self.after = after if given.after is None else given.after
        self.stream = sys.stderr if stream is None else stream
        self.style = _style(given.mode, self.stream)
        self.clock = clock
        self.start, self.last = clock(), -math.inf
        self.shown = False

    def update(self, done: int, note: str = "") -> None:
        """Show ``done`` of ``total`` units, if it is time to."""
        if self.style == "off":
            return
        now = self.clock()
        gap = 0.1 if self.style == "bar" else LINE_EVERY
        full_bar = self.style == "bar" and done >= self.total  # a bar ends drawn full
        if now - self.start < self.after or (now - self.last < gap and not full_bar):
            return
        self.last, self.shown = now, True
        took = now - self.start
        rate = ""  # a rate of a moment says little
        if took >= 0.5 and done:
            rate = f" {done / took:.0f}/s" if done >= took else f" {took / done:.1f} s each"
        tail = f" {note}" if note else ""
        if self.style == "bar":
            filled = self.width * done // self.total
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total}{rate}{tail}")
        else:
            percent = 100 * done // self.total
            line = f"{self.label}: {done}/{self.total} ({percent} %){rate and ','}{rate}{tail}"
            self.stream.write(line + "\n")
        self.stream.flush()

    def follow(self, done: int, total: int) -> None:
        """``update`` for a total known only as the work goes (an ``on_progress`` callback)."""
        self.total = max(total, 1)
        self.update(done)

    def clear(self) -> None:
        """Erase the bar's line so that other output can be printed; it is redrawn on update.
        Lines need no erasing: each ended with its newline."""
        if self.shown and self.style == "bar":
            self.stream.write("\r" + " " * (self.width + 60) + "\r")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        """End the bar's line; after an error, erase the bar so that the error's one line
        stands alone."""
        if kind is None:
            self.close()
        else:
            self.clear()

    def close(self) -> None:
        """End the bar's line (if it was shown)."""
        if self.shown and self.style == "bar":
            self.stream.write("\n")
            self.stream.flush()


# One line of the ``lines`` style: "label: done/total (percent %)[, rate/s or s each][ note]".
LINE = re.compile(r"[^:\n]+: \d+/\d+ \(\d+ %\)(, (\d+/s|\d+\.\d s each))?( .*)?")


def is_progress_line(line: str) -> bool:
    """Whether a line of a log is one that ``Progress`` writes in its ``lines`` style."""
    return LINE.fullmatch(line) is not None
