"""Other processes doing NumPy work beside a measurement: each keeps one core busy with
matrix products (one BLAS thread) until it is stopped, and for ten minutes at the most."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

BUSY = """
import time, numpy as np
a = np.random.default_rng(0).random((600, 600))
end = time.monotonic() + {seconds}
while time.monotonic() < end:
    a @ a
"""


@contextmanager
def busy_numpy(processes: int = 1, seconds: float = 600.0) -> Iterator[None]:
    """``processes`` busy NumPy processes for the block's duration (killed when it ends)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    code = BUSY.format(seconds=seconds)
    busy = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(processes)]
    try:
        time.sleep(1.0)  # let them start multiplying
        yield
    finally:
        for p in busy:
            p.kill()
            p.wait()
