"""Saving and loading networks as .npz without pickle, atomically."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

import reference
import vectorized
from backprop_data.persist import FORMAT, load, save
from reference import Architecture, ContractError

ARCH = reference.Architecture(
    (5, 4, 3), ("tanh", "softmax"), "categorical_cross_entropy", "mean", "on"
)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_loading_gives_bit_identical_predictions(tmp_path: Path, dtype: type) -> None:
    params = vectorized.init_parameters(ARCH, seed=4, dtype=dtype)
    params.b = [np.full(4, 0.25, dtype), np.linspace(-1, 1, 3).astype(dtype)]
    X = np.random.default_rng(0).random((7, 5)).astype(dtype)
    save(tmp_path / "net.npz", ARCH, params)
    arch, loaded = load(tmp_path / "net.npz", expected=ARCH)
    assert arch == ARCH and loaded.dtype == dtype
    assert np.array_equal(vectorized.forward(arch, loaded, X), vectorized.forward(ARCH, params, X))
    assert [w.tobytes() for w in loaded.W] == [w.tobytes() for w in params.W]


def test_another_architecture_is_refused(tmp_path: Path) -> None:
    save(tmp_path / "net.npz", ARCH, vectorized.init_parameters(ARCH, 0))
    other = reference.Architecture((5, 4, 3), ("relu", "softmax"), "categorical_cross_entropy")
    with pytest.raises(
        ContractError,
        match=r"net.npz: expected a network 5-4-3 relu/softmax .*; the file holds 5-4-3 tanh/softmax",
    ):
        load(tmp_path / "net.npz", expected=other)


def test_truncated_and_foreign_files_are_refused(tmp_path: Path) -> None:
    good = save(tmp_path / "net.npz", ARCH, vectorized.init_parameters(ARCH, 0))
    data = good.read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(
        ContractError, match=r"cut.npz: not a saved network \(.npz written by save\)"
    ):
        load(tmp_path / "cut.npz")
    np.savez(tmp_path / "plain.npz", W1=np.zeros((4, 5)))
    with pytest.raises(
        ContractError, match=r"plain.npz: expected an 'architecture' entry; found \['W1'\]"
    ):
        load(tmp_path / "plain.npz")
    np.savez(tmp_path / "pickled.npz", architecture=np.array([{"a": 1}], dtype=object))
    with pytest.raises(
        ContractError, match=r"pickled.npz: entry 'architecture' holds Python objects; refused"
    ):
        load(tmp_path / "pickled.npz")


def test_missing_or_misshapen_arrays_are_refused(tmp_path: Path) -> None:
    params = vectorized.init_parameters(ARCH, 0)
    save(tmp_path / "net.npz", ARCH, params)
    with zipfile.ZipFile(tmp_path / "net.npz") as z:
        entries = {n: z.read(n) for n in z.namelist() if n != "b2.npy"}
    with zipfile.ZipFile(tmp_path / "missing.npz", "w") as z:
        for n, b in entries.items():
            z.writestr(n, b)
    with pytest.raises(ContractError, match=r"missing.npz: missing arrays \['b2'\]"):
        load(tmp_path / "missing.npz")
    meta = np.load(tmp_path / "net.npz")["architecture"]
    np.savez(
        tmp_path / "shape.npz",
        architecture=meta,
        W1=np.zeros((4, 6)),
        W2=params.W[1],
        b1=params.b[0],
        b2=params.b[1],
    )
    with pytest.raises(
        ContractError,
        match=r"shape.npz: W1: expected floats of shape \(4, 5\); the file declares float64 of shape \(4, 6\)",
    ):
        load(tmp_path / "shape.npz")
    np.savez(tmp_path / "meta.npz", architecture=np.array('{"format": "other"}'))
    with pytest.raises(ContractError, match=r"meta.npz: unreadable architecture"):
        load(tmp_path / "meta.npz")


def test_a_failed_save_keeps_the_good_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = save(tmp_path / "net.npz", ARCH, vectorized.init_parameters(ARCH, 0))
    before = target.read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        save(target, ARCH, vectorized.init_parameters(ARCH, 1))
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary left behind
    with pytest.raises(ContractError, match=r"W\[1\]: expected an array of shape"):
        save(
            target,
            ARCH,
            vectorized.Parameters([np.zeros((2, 2)), np.zeros((3, 4))], [np.zeros(4), np.zeros(3)]),
        )
    assert target.read_bytes() == before


def _refusal(path: Path) -> str:
    with pytest.raises(ContractError) as info:
        load(path)
    text = str(info.value)
    assert text.startswith(str(path)) and "pickle" not in text
    return text


def test_npy_oversized_and_malformed_files_are_refused_by_name(tmp_path: Path) -> None:
    npy = tmp_path / "w.npy"
    np.save(npy, np.zeros(3))
    assert "not a saved network" in _refusal(npy)
    objects = tmp_path / "objects.npz"
    np.savez(objects, architecture=np.array({"a": 1}, dtype=object))
    assert "holds Python objects" in _refusal(objects)
    arch = Architecture((2, 2), ("sigmoid",), "half_squared_error")
    meta = json.dumps({"format": FORMAT, **asdict(arch)})
    bad_meta = tmp_path / "meta.npz"
    np.savez(bad_meta, architecture=np.array("{not json"), W1=np.zeros((2, 2)), b1=np.zeros(2))
    assert "unreadable architecture" in _refusal(bad_meta)
    listed = tmp_path / "list.npz"
    np.savez(listed, architecture=np.array("[1, 2]"), W1=np.zeros((2, 2)), b1=np.zeros(2))
    assert "unreadable architecture" in _refusal(listed)
    # A header that declares a huge array: refused from the header, nothing allocated.
    huge = tmp_path / "huge.npz"
    with zipfile.ZipFile(huge, "w") as z:
        z.writestr("architecture.npy", _npy(np.array(meta)))
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (10**9, 10**9)}
        )
        z.writestr("W1.npy", b"\x93NUMPY\x01\x00" + header.getvalue()[8:])
        z.writestr("b1.npy", _npy(np.zeros(2)))
    assert "W1: expected floats of shape (2, 2); the file declares float64 of shape" in _refusal(
        huge
    )


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def test_saved_files_get_the_usual_permissions(tmp_path: Path) -> None:
    arch = Architecture((2, 2), ("sigmoid",), "half_squared_error")
    old = os.umask(0o022)
    try:
        path = save(tmp_path / "net.npz", arch, vectorized.init_parameters(arch, 0))
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
