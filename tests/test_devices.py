"""The file-writing battery on real devices: a full tmpfs and a read-only mount. Every
command and function that writes a file fails in one line naming the path, exit status 2
(or a ContractError), and leaves the device as it found it. The mounts need root; where
``mount`` is refused the battery is skipped with that reason (test_files proves the same
paths with a file-size limit, which needs no root)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import reference
import vectorized
from backprop_cli.reference_cli import main as reference_main
from backprop_cli.vectorized_cli import main as vectorized_main
from backprop_data.files import write_text
from backprop_data.persist import save
from reference import ContractError
from tests.mnist_data import real_mnist_dir
from tests.streams import one_line
from tests.test_performance_page import RUN

ARCH = reference.Architecture((3, 4, 2), ("tanh", "sigmoid"), "half_squared_error")


def _mount(where: Path, options: str) -> None:
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here ({done.stderr.strip() or 'no mount'})")


@pytest.fixture(params=["full", "read-only"])
def device(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs filled to the last block, or one mounted read-only; with a file
    already there (``keep.svg``) that no failed write may change."""
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    where = tmp_path / "device"
    kind = request.param
    _mount(where, "size=64k")
    try:
        (where / "keep.svg").write_text("keep")
        if kind == "full":
            fd = os.open(where / "filler", os.O_WRONLY | os.O_CREAT)
            try:
                while os.write(fd, b"\0" * 512):
                    pass
            except OSError:  # no space left: full
                pass
            finally:
                os.close(fd)
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _state(where: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in where.iterdir()}


def _command(
    main: Callable[[list[str]], int], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    try:
        status = main(argv)
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, one_line(capsys.readouterr().err)


COMMANDS: list[tuple[str, Callable[[list[str]], int], Callable[[Path, Path], list[str]]]] = [
    ("trace --picture svg", reference_main, lambda d, t: ["trace", "mazur", "--picture", f"{d}/step.svg"]),
    ("trace --picture png", reference_main, lambda d, t: ["trace", "mazur", "--picture", f"{d}/step.png"]),
    ("trace --picture over a file", reference_main, lambda d, t: ["trace", "mazur", "--picture", f"{d}/keep.svg"]),
    ("train --plot", vectorized_main, lambda d, t: ["train", "xor", "--steps", "20", "--plot", f"{d}/cost.png"]),
    ("speedup --out", vectorized_main, lambda d, t: ["speedup", "--networks", "4-4-2", "--batches", "1", "--budget", "0.05", "--out", f"{d}/sweep"]),
    ("performance --page", vectorized_main, lambda d, t: ["performance", str(t / "run.json"), "--page", f"{d}/p.md", "--readme", str(t / "README.md")]),
    ("download --data", vectorized_main, lambda d, t: ["download", "--data", f"{d}/mnist", "--mirror", real_mnist_dir().as_uri() + "/"]),
]  # fmt: skip


@pytest.mark.parametrize(("what", "main", "argv"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_command_writing_to_the_device_fails_in_one_line_and_leaves_it_as_it_was(
    device: Path,
    what: str,
    main: Callable[[list[str]], int],
    argv: Callable[[Path, Path], list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    where = device
    (tmp_path / "run.json").write_text(json.dumps(RUN), encoding="utf-8")
    (tmp_path / "README.md").write_text("<!-- performance:begin -->\n<!-- performance:end -->\n")
    readme = (tmp_path / "README.md").read_text()
    before = _state(where)
    status, err = _command(main, argv(where, tmp_path), capsys)
    assert status == 2 and err.startswith("error: ") and str(where) in err, err
    assert "space" in err or "read-only" in err or "permission" in err, err
    assert _state(where) == before and (where / "keep.svg").read_text() == "keep"
    assert (tmp_path / "README.md").read_text() == readme  # nothing half done elsewhere


def test_functions_writing_to_the_device_raise_naming_the_path(device: Path) -> None:
    where = device
    before = _state(where)
    params = vectorized.to_arrays(reference.init_parameters(ARCH, 0))
    for write in (
        lambda: save(where / "net.npz", ARCH, params),
        lambda: write_text(where / "page.md", "δ = a − y\n" * 2000),
    ):
        with pytest.raises((ContractError, OSError), match=str(where)):
            write()
    assert _state(where) == before
