"""Paired timing: the ratio of two operations timed alternately, one right after the other.

On a shared machine whose speed drifts over seconds to minutes, the medians of two
benchmarks measured a minute apart can differ by tens of percent for reasons that have
nothing to do with the code. Timing A and B back to back, many times, in alternating
order, and taking the median of the per-pair ratios cancels that drift: both halves of a
pair see the same machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_pair(
    a: Callable[[], object], b: Callable[[], object], b_first: bool
) -> tuple[float, float]:
    """Seconds of a and of b, run back to back (b first when ``b_first``)."""
    clock = time.perf_counter
    first, second = (b, a) if b_first else (a, b)
    t0 = clock()
    first()
    t1 = clock()
    second()
    t2 = clock()
    return (t2 - t1, t1 - t0) if b_first else (t1 - t0, t2 - t1)


def paired_ratio(a: Callable[[], object], b: Callable[[], object], pairs: int) -> float:
    """Median over ``pairs`` of time(a) / time(b), a and b run back to back, order alternating."""
    ratios = []
    for k in range(pairs):
        ta, tb = time_pair(a, b, b_first=bool(k % 2))
        ratios.append(ta / tb)
    return statistics.median(ratios)
