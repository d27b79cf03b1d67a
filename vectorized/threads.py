"""How many BLAS threads the products of one step deserve, chosen rather than defaulted.

OpenBLAS starts one thread per core. A second thread only pays for products large enough
to split, and when another process keeps a core busy the threads wait for each other, so
small products become many times slower. Measured on this project's 2-core machine (one
step of w-h-10 networks, ``threadpoolctl`` limiting the threads, quiet machine): the
second thread gained nothing (0.98–1.04x) up to about 1.6 million multiply-adds in the
largest product of a step (784-40-10 and 784-100-10 at N ≤ 20), and 1.15–1.8x from
2 million on (784-40-10 at N = 128: 1.37x; 784-512-10 at N = 20: 1.42x). Beside another
process busy with NumPy (measured on 2026-11-30, a tenth of a softmax MNIST epoch,
784-100-10, batch 20): with one BLAS thread 1.0x its quiet time beside a one-threaded busy
process and 2.1x beside a two-threaded one; with two threads 2.9x and 20x. The benchmark
``benchmarks/test_epoch.py::test_epoch_beside_a_busy_numpy_process`` measures it per run.
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
