"""The IDX file format of MNIST (raw or gzip-compressed), read strictly.

Format (Y. LeCun, "THE MNIST DATABASE of handwritten digits"): two zero bytes, a type
code (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32,
0x0E float64), the number of dimensions, each dimension as a big-endian uint32, then the
data in C order, big-endian.  MNIST's images have magic 0x00000803 (2051, ubyte, 3-D),
its labels 0x00000801 (2049, ubyte, 1-D).
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from reference.contract import ContractError

TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049


class IdxError(ContractError):
    """A file that is not the IDX data it should be; the message names the file."""


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when it is gzip (by its first two bytes, 1f 8b)."""
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise IdxError(f"{path}: not a valid gzip stream ({exc})") from None


def read_idx(path: str | Path) -> npt.NDArray[Any]:
    """An IDX file as an array of its stored type and shape, once header and length check out."""
    path = Path(path)
    data = read_bytes(path)
    if len(data) < 4:
        raise IdxError(f"{path}: truncated: {len(data)} bytes, shorter than the 4-byte IDX magic")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in TYPES or ndim == 0:
        raise IdxError(
            f"{path}: not an IDX file: magic {data[:4].hex()} (expected 0000, a type code in "
            f"{sorted(hex(c) for c in TYPES)} and at least one dimension)"
        )
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxError(
            f"{path}: truncated header: {ndim} dimensions need {header} bytes, file has {len(data)}"
        )
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(TYPES[code])
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    got = len(data) - header
    if got != expected:
        problem = "truncated" if got < expected else "too long"
        shape = "×".join(str(d) for d in dims)
        says = f"header says {shape} items = {expected} bytes of data"
        raise IdxError(f"{path}: {problem}: {says}, file has {got}")
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(dims)


def read_images(path: str | Path) -> npt.NDArray[np.uint8]:
    """MNIST images: magic 2051, unsigned bytes, shape (N, rows, columns)."""
    arr = read_idx(path)
    if arr.dtype != np.uint8 or arr.ndim != 3:
        raise IdxError(
            f"{path}: expected an image file (magic {IMAGES_MAGIC}: ubyte, 3 dimensions); "
            f"got {arr.dtype} with {arr.ndim} dimensions"
        )
    return arr.astype(np.uint8, copy=False)


def read_labels(path: str | Path, classes: int = 10) -> npt.NDArray[np.uint8]:
    """MNIST labels: magic 2049, unsigned bytes, shape (N,), each in 0..classes-1."""
    arr = read_idx(path)
    if arr.dtype != np.uint8 or arr.ndim != 1:
        raise IdxError(
            f"{path}: expected a label file (magic {LABELS_MAGIC}: ubyte, 1 dimension); "
            f"got {arr.dtype} with {arr.ndim} dimensions"
        )
    if arr.size and int(arr.max()) >= classes:
        raise IdxError(f"{path}: expected labels 0..{classes - 1}; got {int(arr.max())}")
    return arr.astype(np.uint8, copy=False)


def write_idx(path: str | Path, arr: npt.NDArray[Any], compress: bool = False) -> None:
    """Write ``arr`` as IDX (for tests and small data sets)."""
    codes = {np.dtype(v).newbyteorder("="): k for k, v in TYPES.items()}
    dt = arr.dtype.newbyteorder("=")
    header = struct.pack(">HBB", 0, codes[dt], arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    data = header + arr.astype(np.dtype(TYPES[codes[dt]])).tobytes()
    Path(path).write_bytes(gzip.compress(data, mtime=0) if compress else data)
