"""MNIST: where the four files are, a verified download, and loading as arrays."""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from reference.contract import Architecture
from vectorized.arrays import FloatArray, check_dtype
from vectorized.idx import IdxError, read_images, read_labels

ENV = "BACKPROP_MNIST_DIR"
CACHE = Path.home() / ".cache" / "backprop-verify" / "mnist"
# A public mirror of the original files (the one torchvision uses); any other works with --mirror.
MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"

# The canonical files and their MD5 sums, gzip-compressed and uncompressed
# (as published with the data; see ../shared/data/mnist/SOURCE.md).
FILES = {
    "train_images": (
        "train-images-idx3-ubyte",
        "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "6bbc9ace898e44ae57da46a324031adb",
    ),
    "train_labels": (
        "train-labels-idx1-ubyte",
        "d53e105ee54ea40749a09fcbcd1e9432",
        "a25bea736e30d166cdddb491f175f624",
    ),
    "test_images": (
        "t10k-images-idx3-ubyte",
        "9fb629c4189551a2d022fa330f9573f3",
        "2646ac647ad5339dbf082846283269ea",
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte",
        "ec29112dd5afa0611ce80d1b7f02629c",
        "27ae3e4e09519cfbb04c329615203637",
    ),
}


@dataclass(frozen=True)
class Config:
    """A network and how to train it on MNIST."""

    arch: Architecture
    learning_rate: float
    batch_size: int
    epochs: int


CONFIGS = {
    # Seed 004: 784-40-10 sigmoid, squared error, mini-batches of 20, learning rate 5.0.
    "seed004": Config(
        Architecture((784, 40, 10), ("sigmoid", "sigmoid"), "half_squared_error", "mean"),
        5.0,
        20,
        3,
    ),
    # Softmax output with cross-entropy, 100 hidden sigmoid nodes.
    "softmax": Config(
        Architecture((784, 100, 10), ("sigmoid", "softmax"), "categorical_cross_entropy", "mean"),
        0.5,
        20,
        5,
    ),
}


@dataclass
class Mnist:
    """Images as floats in [0, 1], one row of 784 per image; labels as integers 0..9."""

    train_images: FloatArray
    train_labels: npt.NDArray[np.uint8]
    test_images: FloatArray
    test_labels: npt.NDArray[np.uint8]


def data_dir(directory: str | Path | None = None) -> Path:
    """The directory given, else $BACKPROP_MNIST_DIR, else ~/.cache/backprop-verify/mnist."""
    if directory is not None:
        return Path(directory)
    env = os.environ.get(ENV)
    return Path(env) if env else CACHE


def md5(path: Path) -> str:
    """The MD5 hex digest of a file's bytes."""
    h = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def find(directory: Path, stem: str) -> Path:
    """``stem.gz`` or ``stem`` in ``directory``."""
    for candidate in (directory / f"{stem}.gz", directory / stem):
        if candidate.is_file():
            return candidate
    raise IdxError(
        f"{directory}: expected {stem}.gz or {stem}; found neither "
        "(python -m vectorized download fetches them)"
    )


def one_hot(
    labels: npt.NDArray[Any], classes: int = 10, dtype: npt.DTypeLike = np.float64
) -> FloatArray:
    """Row n has a 1 in column labels[n] and 0 elsewhere."""
    Y: FloatArray = np.zeros((labels.shape[0], classes), dtype=check_dtype(dtype))
    Y[np.arange(labels.shape[0]), labels] = 1.0
    return Y


def load_mnist(
    directory: str | Path | None = None, dtype: npt.DTypeLike = np.float64, verify: bool = True
) -> Mnist:
    """The four files, checked (MD5 when ``verify``, header, length, label range, counts)."""
    where = data_dir(directory)
    dt = check_dtype(dtype)
    paths = {key: find(where, stem) for key, (stem, _, _) in FILES.items()}
    if verify:
        for key, path in paths.items():
            _, gz_sum, raw_sum = FILES[key]
            want = gz_sum if path.suffix == ".gz" else raw_sum
            got = md5(path)
            if got != want:
                raise IdxError(
                    f"{path}: MD5 {got} differs from the published {want}: not the canonical file"
                )
    arrays = {}
    for split in ("train", "test"):
        images = read_images(paths[f"{split}_images"])
        labels = read_labels(paths[f"{split}_labels"])
        if images.shape[0] != labels.shape[0]:
            raise IdxError(
                f"{paths[f'{split}_images']}: {images.shape[0]} images but "
                f"{paths[f'{split}_labels']} has {labels.shape[0]} labels"
            )
        X = images.reshape(images.shape[0], -1).astype(dt)
        X /= dt.type(255.0)
        arrays[split] = (X, labels)
    return Mnist(arrays["train"][0], arrays["train"][1], arrays["test"][0], arrays["test"][1])


def download(
    directory: str | Path | None = None,
    mirror: str = MIRROR,
    files: dict[str, tuple[str, str, str]] = FILES,
    timeout: float = 60.0,
) -> Path:
    """Fetch the four .gz files into ``directory`` (default: as data_dir), each verified by MD5.

    A file already present with the right MD5 is kept. Each download goes to a temporary
    file beside its target and is renamed into place only after its MD5 matches; on any
    failure the temporary file is deleted, so no partial or wrong file is ever left.
    """
    where = data_dir(directory)
    where.mkdir(parents=True, exist_ok=True)
    for stem, gz_sum, _ in files.values():
        target = where / f"{stem}.gz"
        if target.is_file() and md5(target) == gz_sum:
            continue
        url = mirror.rstrip("/") + f"/{stem}.gz"
        fd, tmp_name = tempfile.mkstemp(dir=where, prefix=f".{stem}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            try:
                with (
                    os.fdopen(fd, "wb") as out,
                    urllib.request.urlopen(url, timeout=timeout) as response,
                ):
                    claimed, size = response.headers.get("Content-Length"), 0
                    for block in iter(lambda: response.read(1 << 16), b""):
                        out.write(block)
                        size += len(block)
                if claimed is not None and size != int(claimed):
                    raise http.client.IncompleteRead(b"", int(claimed) - size)
            except (OSError, http.client.HTTPException) as exc:
                raise IdxError(f"{url}: download failed ({exc!r}); nothing kept") from None
            got = md5(tmp)
            if got != gz_sum:
                raise IdxError(
                    f"{url}: MD5 {got} differs from the published {gz_sum}; file discarded"
                )
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return where
