"""Where the tests find the real MNIST files, and small fake IDX sets for the rest."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from vectorized.idx import write_idx
from vectorized.mnist import ENV, FILES

ROOT = Path(__file__).resolve().parents[1]


def real_mnist_dir() -> Path:
    """$BACKPROP_MNIST_DIR, else ../shared/data/mnist beside the repository.

    The files lie there on every developer's machine and in CI, so a test that needs them
    fails when they are missing: it never skips, and so never passes without the real data.
    """
    where = Path(os.environ.get(ENV) or ROOT.parent / "shared" / "data" / "mnist")
    if not all((where / f"{stem}.gz").is_file() for stem, _, _ in FILES.values()):
        message = (
            f"MNIST files not found in {where}: set {ENV} or run python -m vectorized download"
        )
        pytest.fail(message)
    return where


def fake_mnist(
    directory: Path, n_train: int = 30, n_test: int = 10, compress: bool = True, seed: int = 0
) -> Path:
    """A tiny IDX set with MNIST's layout (28×28 ubyte images, labels 0..9)."""
    rng = np.random.default_rng(seed)
    suffix = ".gz" if compress else ""
    for split, n in (("train", n_train), ("t10k", n_test)):
        write_idx(
            directory / f"{split}-images-idx3-ubyte{suffix}",
            rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
            compress,
        )
        write_idx(
            directory / f"{split}-labels-idx1-ubyte{suffix}",
            rng.integers(0, 10, n, dtype=np.uint8),
            compress,
        )
    return directory
