"""The IDX reader and the MNIST loader: right arrays, or a clear error naming the file."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from backprop_data.idx import IdxError, read_idx, read_images, read_labels, write_idx
from backprop_data.mnist import data_dir, load_mnist, one_hot
from tests.mnist_data import fake_mnist, real_mnist_dir


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
def test_round_trip_of_every_idx_type(tmp_path: Path, compress: bool, dtype: type) -> None:
    arr = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    write_idx(tmp_path / "a.idx", arr, compress)
    back = read_idx(tmp_path / "a.idx")
    assert back.shape == (2, 3, 4) and np.array_equal(back, arr)


def _idx_bytes(arr: np.ndarray) -> bytes:
    import struct

    return (
        struct.pack(">HBB", 0, 0x08, arr.ndim)
        + struct.pack(f">{arr.ndim}I", *arr.shape)
        + arr.tobytes()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x00", r"truncated: 2 bytes, shorter than the 4-byte IDX magic"),
        (b"\x12\x34\x08\x01" + b"\x00" * 8, r"not an IDX file: magic 12340801"),
        (b"\x00\x00\x07\x01" + b"\x00" * 8, r"not an IDX file: magic 00000701"),
        (b"\x00\x00\x08\x03\x00\x00", r"truncated header: 3 dimensions need 16 bytes, file has 6"),
        (
            _idx_bytes(np.zeros((5, 28, 28), np.uint8))[:-100],
            r"truncated: header says 5×28×28 items = 3920 bytes of data, file has 3820",
        ),
        (
            _idx_bytes(np.zeros((5,), np.uint8)) + b"\x00",
            r"too long: header says 5 items = 5 bytes of data, file has 6",
        ),
        (b"\x1f\x8b" + b"garbage" * 10, r"not a valid gzip stream"),
        (
            # mtime=0: the gzip header would otherwise carry the clock, and pytest-xdist's
            # workers must collect identical parameters
            gzip.compress(_idx_bytes(np.zeros((5, 28, 28), np.uint8)), mtime=0)[:-20],
            r"not a valid gzip stream",
        ),
    ],
    ids=[
        "shorter-than-magic",
        "bad-zero-bytes",
        "unknown-type",
        "truncated-header",
        "truncated-data",
        "too-long",
        "not-gzip",
        "truncated-gzip",
    ],
)
def test_malformed_files_are_refused_by_name(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(IdxError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_images_and_labels_have_their_own_types(tmp_path: Path) -> None:
    write_idx(tmp_path / "labels", np.zeros(4, np.uint8))
    write_idx(tmp_path / "floats", np.zeros((2, 28, 28), np.float32))
    write_idx(tmp_path / "bad-labels", np.array([0, 3, 10], np.uint8))
    with pytest.raises(
        IdxError,
        match=r"expected an image file \(magic 2051: ubyte, 3 dimensions\); got uint8 with 1 dimensions",
    ):
        read_images(tmp_path / "labels")
    with pytest.raises(
        IdxError, match=r"expected an image file .*; got >f4 with 3 dimensions|got float32 with 3"
    ):
        read_images(tmp_path / "floats")
    with pytest.raises(IdxError, match=r"expected a label file \(magic 2049: ubyte, 1 dimension\)"):
        read_labels(tmp_path / "floats")
    with pytest.raises(IdxError, match=r"bad-labels: expected labels 0..9; got 10"):
        read_labels(tmp_path / "bad-labels")


def test_loader_scales_images_and_checks_counts(tmp_path: Path) -> None:
    fake_mnist(tmp_path, n_train=12, n_test=5, compress=False)
    m = load_mnist(tmp_path, verify=False)
    raw = read_images(tmp_path / "train-images-idx3-ubyte")
    assert m.train_images.shape == (12, 784) and m.train_images.dtype == np.float64
    assert np.array_equal(m.train_images, raw.reshape(12, -1) / 255.0)
    assert m.train_images.min() >= 0.0 and m.train_images.max() <= 1.0
    assert load_mnist(tmp_path, np.float32, verify=False).test_images.dtype == np.float32
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(7, np.uint8))
    with pytest.raises(
        IdxError,
        match=r"train-images-idx3-ubyte: 12 images but .*train-labels-idx1-ubyte has 7 labels",
    ):
        load_mnist(tmp_path, verify=False)


def test_loader_verifies_md5_and_names_missing_files(tmp_path: Path) -> None:
    fake_mnist(tmp_path)
    with pytest.raises(
        IdxError,
        match=r"train-images-idx3-ubyte.gz: MD5 [0-9a-f]{32} differs from the published f68b3c2dcbeaaa9fbdd348bbdeb94873",
    ):
        load_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(
        IdxError,
        match=r"expected t10k-labels-idx1-ubyte.gz or t10k-labels-idx1-ubyte; found neither",
    ):
        load_mnist(tmp_path, verify=False)


def test_data_dir_argument_then_environment_then_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("BACKPROP_MNIST_DIR", str(tmp_path))
    assert data_dir("elsewhere") == Path("elsewhere")
    assert data_dir() == tmp_path
    monkeypatch.delenv("BACKPROP_MNIST_DIR")
    assert data_dir().parts[-2:] == ("backprop-verify", "mnist")


def test_one_hot() -> None:
    Y = one_hot(np.array([3, 0, 9], np.uint8), dtype=np.float32)
    assert Y.dtype == np.float32 and Y.shape == (3, 10)
    assert Y.argmax(axis=1).tolist() == [3, 0, 9] and Y.sum() == 3.0


def test_the_real_files() -> None:
    m = load_mnist(real_mnist_dir())
    assert m.train_images.shape == (60000, 784) and m.test_images.shape == (10000, 784)
    assert m.train_labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]  # the well-known start
    assert m.test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(m.train_labels).tolist()[:3] == [5923, 6742, 5958]  # published class counts
    assert m.train_images.min() == 0.0 and m.train_images.max() == 1.0
