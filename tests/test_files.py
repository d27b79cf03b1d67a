"""Every file written atomically: complete or not at all, the temporary file removed on an
error, a full disk or SIGTERM, an existing read-only file refused, the target named."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import reference
import vectorized
from backprop_cli.reference_cli import main as reference_main
from backprop_data.files import Terminated, atomic_file, current_umask, write_text
from backprop_data.persist import load, save
from reference import ContractError

ARCH = reference.Architecture((3, 4, 2), ("tanh", "sigmoid"), "half_squared_error")


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_complete_file_takes_the_usual_permissions(tmp_path: Path) -> None:
    path = write_text(tmp_path / "page.md", "δ = a − y\n")
    assert path.read_text(encoding="utf-8") == "δ = a − y\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~current_umask()
    assert _left(tmp_path) == ["page.md"]


def test_an_error_midway_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = write_text(tmp_path / "page.md", "old\n")
    with pytest.raises(ZeroDivisionError), atomic_file(path, text=True) as f:
        f.write("new, half written")
        _ = 1 / 0
    assert path.read_text(encoding="utf-8") == "old\n" and _left(tmp_path) == ["page.md"]


def test_sigterm_midway_removes_the_temporary_and_leaves_the_old_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "net.txt", "old\n")
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Terminated), atomic_file(path, text=True) as f:
        f.write("new")
        os.kill(os.getpid(), signal.SIGTERM)
    assert path.read_text(encoding="utf-8") == "old\n" and _left(tmp_path) == ["net.txt"]
    assert signal.getsignal(signal.SIGTERM) == before  # the handler is put back


def test_a_read_only_file_is_refused_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "net.npz"
    path.write_bytes(b"keep")
    path.chmod(0o444)
    params = vectorized.to_arrays(reference.init_parameters(ARCH, 0))
    with pytest.raises(
        ContractError, match=r"net\.npz: the file exists and is read-only; it is not replaced"
    ):
        save(path, ARCH, params)
    assert path.read_bytes() == b"keep"
    picture = tmp_path / "step.svg"
    picture.write_text("keep")
    picture.chmod(0o444)
    assert reference_main(["trace", "mazur", "--picture", str(picture)]) == 2
    assert "exists and is read-only; it is not replaced" in capsys.readouterr().err
    assert picture.read_text() == "keep"


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
{body}
"""


def _on_a_full_disk(body: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(FULL_DISK).format(body=textwrap.dedent(body))
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


def test_a_full_disk_names_the_path_and_keeps_the_old_file(tmp_path: Path) -> None:
    old = save(tmp_path / "net.npz", ARCH, vectorized.to_arrays(reference.init_parameters(ARCH, 0)))
    done = _on_a_full_disk(
        """
        import reference, vectorized
        from backprop_data.persist import save
        arch = reference.Architecture((60, 40, 10), ("tanh", "sigmoid"), "half_squared_error")
        save("net.npz", arch, vectorized.to_arrays(reference.init_parameters(arch, 0)))
        """,
        tmp_path,
    )
    assert done.returncode == 1
    assert "OSError: net.npz: could not write the network (File too large)" in done.stderr
    assert load(old)[0] == ARCH and _left(tmp_path) == ["net.npz"]


def test_a_full_disk_under_a_command_is_one_line(tmp_path: Path) -> None:
    done = _on_a_full_disk(
        """
        from backprop_cli.reference_cli import main
        sys.exit(main(["trace", "mazur", "--picture", "step.svg"]))
        """,
        tmp_path,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: step.svg: could not be written (File too large)"), (
        done.stderr
    )
    assert _left(tmp_path) == []
