"""A text progress bar on stderr, shown only once a run has lasted a few seconds."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``update(done)`` redraws at most ten times a second, after ``after`` seconds."""

    def __init__(
        self,
        total: int,
        label: str,
        stream: TextIO | None = None,
        after: float = 2.0,
        width: int = 30,
    ) -> None:
        self.total, self.label, self.width, self.after = max(total, 1), label, width, after
        self.stream = sys.stderr if stream is None else stream
        self.start, self.last = time.monotonic(), -float("inf")
        self.shown = False

    def update(self, done: int, note: str = "") -> None:
        """Redraw the bar for ``done`` of ``total`` units."""
        now = time.monotonic()
        if now - self.start < self.after or (now - self.last < 0.1 and done < self.total):
            return
        self.last, self.shown = now, True
        filled = self.width * done // self.total
        rate = done / max(now - self.start, 1e-9)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{self.total} {rate:.0f}/s {note}")
        self.stream.flush()

    def follow(self, done: int, total: int) -> None:
        """``update`` for a total known only as the work goes (an ``on_progress`` callback)."""
        self.total = max(total, 1)
        self.update(done)

    def clear(self) -> None:
        """Erase the bar's line so that other output can be printed; it is redrawn on update."""
        if self.shown:
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
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
