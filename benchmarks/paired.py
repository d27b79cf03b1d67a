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


def paired_ratio(a: Callable[[], object], b: Callable[[], object], pairs: int) -> float:
    """Median over ``pairs`` of time(a) / time(b), a and b run back to back, order alternating."""
    clock = time.perf_counter
    ratios = []
    for k in range(pairs):
        if k % 2:
            t0 = clock()
            b()
            t1 = clock()
            a()
            t2 = clock()
            ta, tb = t2 - t1, t1 - t0
        else:
            t0 = clock()
            a()
            t1 = clock()
            b()
            t2 = clock()
            ta, tb = t1 - t0, t2 - t1
        ratios.append(ta / tb)
    return statistics.median(ratios)
