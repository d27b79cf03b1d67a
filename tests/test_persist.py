"""Saving and loading networks as .npz without pickle, atomically."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

import reference
import vectorized
from backprop_data.persist import load, save
from reference import ContractError

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
    with pytest.raises(ContractError, match=r"cut.npz: not a saved network \(.npz\)"):
        load(tmp_path / "cut.npz")
    np.savez(tmp_path / "plain.npz", W1=np.zeros((4, 5)))
    with pytest.raises(
        ContractError, match=r"plain.npz: expected an 'architecture' entry; found \['W1'\]"
    ):
        load(tmp_path / "plain.npz")
    np.savez(tmp_path / "pickled.npz", architecture=np.array([{"a": 1}], dtype=object))
    with pytest.raises(
        ContractError, match=r"pickled.npz: not a saved network .*allow_pickle=False"
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
        ContractError, match=r"shape.npz: W\[1\]: expected an array of shape \(4, 5\); got \(4, 6\)"
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
