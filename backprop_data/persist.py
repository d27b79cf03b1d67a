"""Saving and loading a trained network as .npz, never with pickle.

The file holds ``W1``..``WL``, ``b1``..``bL`` and ``architecture``: a JSON text of the
Architecture's fields stored as a NumPy unicode scalar, so ``np.load(allow_pickle=False)``
reads everything.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

from reference.contract import Architecture, ContractError
from vectorized.arrays import Parameters
from vectorized.validation import check_parameters

FORMAT = "backprop-verify/1"


def save(path: str | Path, arch: Architecture, params: Parameters) -> Path:
    """Write architecture and parameters to ``path`` atomically (a temporary file, then rename)."""
    check_parameters(arch, params)
    target = Path(path)
    meta = json.dumps({"format": FORMAT, **asdict(arch)})
    arrays = {f"W{l}": W for l, W in enumerate(params.W, start=1)}
    arrays |= {f"b{l}": b for l, b in enumerate(params.b, start=1)}
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            # NumPy's stub types **kwds like its allow_pickle flag (bool); the arrays are fine.
            np.savez(f, architecture=np.array(meta), **arrays)  # type: ignore[arg-type]
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)
    return target


def load(path: str | Path, expected: Architecture | None = None) -> tuple[Architecture, Parameters]:
    """Read a file written by ``save``; refuse anything else or another architecture."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            contents = {name: data[name] for name in data.files}
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as exc:
        raise ContractError(f"{path}: not a saved network (.npz): {exc}") from None
    if "architecture" not in contents:
        raise ContractError(f"{path}: expected an 'architecture' entry; found {sorted(contents)}")
    try:
        meta = json.loads(str(contents.pop("architecture")))
        if meta.pop("format", None) != FORMAT:
            raise ValueError(f"expected format {FORMAT!r}")
        arch = Architecture(**meta)
    except (ValueError, TypeError) as exc:
        raise ContractError(f"{path}: unreadable architecture: {exc}") from None
    if expected is not None and arch != expected:
        raise ContractError(
            f"{path}: expected a network {expected.describe()}; the file holds {arch.describe()}"
        )
    names = [f"W{l}" for l in range(1, arch.L + 1)] + [f"b{l}" for l in range(1, arch.L + 1)]
    missing = [n for n in names if n not in contents]
    if missing:
        raise ContractError(f"{path}: missing arrays {missing} for {arch.describe()}")
    params = Parameters(
        [contents[f"W{l}"] for l in range(1, arch.L + 1)],
        [contents[f"b{l}"] for l in range(1, arch.L + 1)],
    )
    try:
        check_parameters(arch, params)
    except ContractError as exc:
        raise ContractError(f"{path}: {exc}") from None
    return arch, params
