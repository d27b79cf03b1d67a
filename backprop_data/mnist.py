"""MNIST: where the four files are, a verified download, and loading as arrays."""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backprop_data.files import current_umask, made_folder, terminations_raise
from backprop_data.idx import IdxError, read_images, read_labels
from reference.contract import Architecture, check_whole
from vectorized.arrays import FloatArray, check_dtype
from vectorized.validation import check_labels

ENV = "BACKPROP_MNIST_DIR"
# A public mirror of the original files (the one torchvision uses); any other works with --mirror.
MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"

# The canonical files and their MD5 sums, gzip-compressed and uncompressed
# (as published with the data by Y. LeCun, C. Cortes and C. J. C. Burges).
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


# Sizes of the four .gz files in bytes, for the download's progress bar.
EXPECTED_BYTES = {
    "train-images-idx3-ubyte": 9_912_422,
    "train-labels-idx1-ubyte": 28_881,
    "t10k-images-idx3-ubyte": 1_648_877,
    "t10k-labels-idx1-ubyte": 4_542,
}


@dataclass(frozen=True)
class Config:
    """A network and how to train it on MNIST."""

    arch: Architecture
    learning_rate: float
    batch_size: int
    epochs: int

    @property
    def summary(self) -> str:
        """``784-40-10 sigmoid, η 5, batch 20, 3 epochs``."""
        shape = "-".join(map(str, self.arch.sizes))
        return (
            f"{shape} {'/'.join(self.arch.activations)} {self.arch.loss}, "
            f"η {self.learning_rate:g}, batch {self.batch_size}, {self.epochs} epochs"
        )


CONFIGS = {
    # "A small and simple neural network in Python": 784-40-10 sigmoid, squared error,
    # mini-batches of 20, learning rate 5.0.
    "small": Config(
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


def cache_dir() -> Path:
    """The user cache: $XDG_CACHE_HOME/backprop-verify/mnist, by default under ~/.cache."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "backprop-verify" / "mnist"


def data_dir(directory: str | Path | None = None) -> Path:
    """The one lookup: the folder given, else $BACKPROP_MNIST_DIR, else the user cache."""
    if directory is not None:
        return Path(directory)
    env = os.environ.get(ENV)
    return Path(env) if env else cache_dir()


def missing(directory: Path) -> list[str]:
    """The files (by stem) that ``directory`` lacks, compressed or not."""
    return [
        stem
        for stem, _, _ in FILES.values()
        if not ((directory / f"{stem}.gz").is_file() or (directory / stem).is_file())
    ]


def ensure(
    directory: str | Path | None = None,
    mirror: str = MIRROR,
    on_progress: Callable[[int, int], None] | None = None,
) -> Path:
    """The MNIST folder of the one lookup, downloading the files there (verified) if missing.

    Fails with one line naming both remedies when the files are missing and the download
    fails.
    """
    where = data_dir(directory)
    if not missing(where):
        return where
    try:
        return download(where, mirror, on_progress=on_progress)
    except (IdxError, OSError) as exc:
        raise IdxError(
            f"MNIST files not found in {where} and the download failed ({exc}); "
            f"set {ENV} to a folder holding the four files, or run "
            "python -m vectorized download when the network is reachable"
        ) from None


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
        f"{directory}: expected {stem}.gz or {stem}; found neither (python -m vectorized "
        f"download fetches them, or set {ENV} to a folder that holds them)"
    )


def one_hot(
    labels: npt.NDArray[Any], classes: int = 10, dtype: npt.DTypeLike = np.float64
) -> FloatArray:
    """Row n has a 1 in column labels[n] and 0 elsewhere; labels must lie in 0..classes-1."""
    classes = check_whole("classes", classes)
    labels = check_labels("labels", labels, np.shape(labels)[0] if np.ndim(labels) else -1, classes)
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
    on_progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Fetch the four .gz files into ``directory`` (default: as data_dir), each verified by MD5.

    A file already present with the right MD5 is kept. Each download goes to a temporary
    file beside its target and is renamed into place only after its MD5 matches; on any
    failure the temporary file is deleted, so no partial or wrong file is ever left. Files
    get the usual permissions (0666 less the umask). ``on_progress(bytes, total)`` follows
    the transfer.
    """
    where = data_dir(directory)
    mode = 0o666 & ~current_umask()
    done, total = 0, sum(EXPECTED_BYTES.get(stem, 0) for stem, _, _ in files.values())
    with terminations_raise(), made_folder(where):  # SIGTERM too removes a partial download
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
                            try:
                                out.write(block)
                            except OSError as exc:  # a full disk: the target is named
                                raise IdxError(
                                    f"{target}: could not be written ({exc.strerror}); nothing kept"
                                ) from None
                            size += len(block)
                            done += len(block)
                            if on_progress is not None:
                                on_progress(done, max(total, done))
                    if claimed is not None and size != int(claimed):
                        raise http.client.IncompleteRead(b"", int(claimed) - size)
                except (OSError, http.client.HTTPException) as exc:
                    raise IdxError(f"{url}: download failed ({exc!r}); nothing kept") from None
                got = md5(tmp)
                if got != gz_sum:
                    raise IdxError(
                        f"{url}: MD5 {got} differs from the published {gz_sum}; file discarded"
                    )
                os.chmod(tmp, mode)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
    return where
