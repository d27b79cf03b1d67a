"""Saving and loading a trained network as .npz, never with pickle.

The file holds ``W1``..``WL``, ``b1``..``bL`` and ``architecture``: a JSON text of the
Architecture's fields stored as a NumPy unicode scalar, so ``np.load(allow_pickle=False)``
reads everything.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from backprop_data.files import atomic_file
from reference.contract import Architecture, ContractError
from vectorized.arrays import Parameters
from vectorized.validation import check_parameters

FORMAT = "backprop-verify/1"


# The architecture entry is a short JSON text; anything longer is not a file of ours.
MAX_META_CHARS = 4096


def save(path: str | Path, arch: Architecture, params: Parameters) -> Path:
    """Write architecture and parameters to ``path`` atomically (backprop_data.files); the
    file gets the usual permissions (0666 less the umask); a read-only file is refused."""
    check_parameters(arch, params)
    target = Path(path)
    meta = json.dumps({"format": FORMAT, **asdict(arch)})
    arrays = {f"W{l}": W for l, W in enumerate(params.W, start=1)}
    arrays |= {f"b{l}": b for l, b in enumerate(params.b, start=1)}
    with atomic_file(target, failed="could not write the network") as f:
        # NumPy's stub types **kwds like its allow_pickle flag (bool); the arrays are fine.
        np.savez(f, architecture=np.array(meta), **arrays)  # type: ignore[arg-type]
    return target


def _headers(
    path: Path, archive: zipfile.ZipFile
) -> dict[str, tuple[tuple[int, ...], np.dtype[Any]]]:
    """Each member's declared shape and dtype, read from its .npy header alone."""
    headers = {}
    for info in archive.infolist():
        name = info.filename.removesuffix(".npy")
        with archive.open(info) as f:
            try:
                version = np.lib.format.read_magic(f)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(f)
                else:
                    shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            except (ValueError, OSError, SyntaxError) as exc:
                raise ContractError(f"{path}: entry {name!r} is not a NumPy array: {exc}") from None
        if dtype.hasobject:
            raise ContractError(f"{path}: entry {name!r} holds Python objects; refused")
        headers[name] = (tuple(shape), dtype)
    return headers


def _read(path: Path, archive: zipfile.ZipFile, name: str) -> npt.NDArray[Any]:
    with archive.open(f"{name}.npy") as f:
        try:
            return np.lib.format.read_array(f, allow_pickle=False)
        except (ValueError, OSError, EOFError) as exc:
            raise ContractError(f"{path}: entry {name!r} is unreadable: {exc}") from None


def load(path: str | Path, expected: Architecture | None = None) -> tuple[Architecture, Parameters]:
    """Read a file written by ``save``; refuse anything else or another architecture.

    Every entry's header is checked (declared shape and dtype against the architecture)
    before any array is read, so a file cannot make this allocate more than the network."""
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        kind = "a .npy array" if path.suffix == ".npy" else "a zip archive"
        raise ContractError(
            f"{path}: not a saved network (.npz written by save); it is not {kind}: {exc}"
        ) from None
    with archive:
        headers = _headers(path, archive)
        if "architecture" not in headers:
            raise ContractError(
                f"{path}: expected an 'architecture' entry; found {sorted(headers)}"
            )
        shape, dtype = headers["architecture"]
        if shape != () or dtype.kind != "U" or dtype.itemsize > 4 * MAX_META_CHARS:
            raise ContractError(
                f"{path}: 'architecture' must be a text of at most {MAX_META_CHARS} characters; "
                f"got {dtype} of shape {shape}"
            )
        try:
            meta = json.loads(str(_read(path, archive, "architecture")))
            if not isinstance(meta, dict) or meta.pop("format", None) != FORMAT:
                raise ValueError(f"expected a JSON object of format {FORMAT!r}")
            arch = Architecture(**meta)
        except (ValueError, TypeError) as exc:
            raise ContractError(f"{path}: unreadable architecture: {exc}") from None
        if expected is not None and arch != expected:
            raise ContractError(
                f"{path}: expected a network {expected.describe()}; "
                f"the file holds {arch.describe()}"
            )
        shapes: dict[str, tuple[int, ...]] = {
            f"W{l}": (arch.sizes[l], arch.sizes[l - 1]) for l in range(1, arch.L + 1)
        }
        shapes |= {f"b{l}": (arch.sizes[l],) for l in range(1, arch.L + 1)}
        missing = [n for n in shapes if n not in headers]
        if missing:
            raise ContractError(f"{path}: missing arrays {missing} for {arch.describe()}")
        for name, want in shapes.items():
            got, dt = headers[name]
            if got != want or dt.kind != "f":
                raise ContractError(
                    f"{path}: {name}: expected floats of shape {want}; the file declares "
                    f"{dt} of shape {got}"
                )
        contents = {name: _read(path, archive, name) for name in shapes}
    params = Parameters(
        [contents[f"W{l}"] for l in range(1, arch.L + 1)],
        [contents[f"b{l}"] for l in range(1, arch.L + 1)],
    )
    try:
        check_parameters(arch, params)
    except ContractError as exc:
        raise ContractError(f"{path}: {exc}") from None
    return arch, params
