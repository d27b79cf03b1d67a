"""Where the tests find the real MNIST files, and small fake IDX sets for the rest."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pytest

from backprop_cli.mnist_cli import fetch_mnist
from backprop_data.idx import IdxError, write_idx


@cache
def _lookup() -> Path | str:
    """The folder, or why it could not be had: looked up (and downloaded) once a session."""
    try:
        return fetch_mnist()
    except IdxError as exc:
        return str(exc)


def real_mnist_dir() -> Path:
    """The real MNIST files by the product's one lookup ($BACKPROP_MNIST_DIR, else the user
    cache), fetched there with the verified download when missing, once a session.

    A test that needs them fails, in one line naming both remedies, only when they are
    missing and the download fails: it never skips, and so never passes without real data.
    """
    found = _lookup()
    if isinstance(found, str):
        pytest.fail(found, pytrace=False)
    return found


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
