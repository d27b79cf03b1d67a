"""How many BLAS threads the products of one step deserve, chosen rather than defaulted.

OpenBLAS starts one thread per core. A second thread only pays for products large enough
to split, and when another process keeps a core busy the threads wait for each other, so
small products become many times slower. The measurements behind the threshold are in
docs/performance.md (lab notes); ``benchmarks/test_epoch.py::
test_epoch_beside_a_busy_numpy_process`` measures the busy case on every benchmark run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

from reference.contract import Architecture

# Multiply-adds of a step's largest product N·n_l·n_{l-1} from which a second thread pays.
SECOND_THREAD_FROM = 2_000_000


def blas_threads(arch: Architecture, batch: int) -> int:
    """1 for small products, else one per core (at most 2, the cores these gains were
    measured on)."""
    work = max(batch * arch.sizes[l] * arch.sizes[l - 1] for l in range(1, arch.L + 1))
    return min(2, os.cpu_count() or 1) if work >= SECOND_THREAD_FROM else 1


@contextmanager
def blas_limited(threads: int) -> Iterator[None]:
    """Run the block with at most ``threads`` BLAS threads, restoring the count afterwards."""
    with threadpool_limits(limits=threads, user_api="blas"):
        yield
