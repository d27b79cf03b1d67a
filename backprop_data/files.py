"""Every file the project writes, written atomically: into a temporary file beside the
target, renamed into place only when complete, the temporary removed on any error or on
SIGTERM/SIGINT; an existing read-only target is refused, and a failure names the target."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from reference.contract import ContractError


def current_umask() -> int:
    """The process's umask (read by setting it, then restoring it at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Terminated(BaseException):
    """SIGTERM arrived while a file was being written; the temporary file is removed."""


@contextmanager
def terminations_raise() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated (so that ``finally`` clauses run), in the
    main thread only; the previous handler is restored after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Terminated(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def atomic_file(
    path: str | Path, text: bool = False, failed: str = "could not be written"
) -> Iterator[IO[Any]]:
    """A file object to write ``path`` through: a temporary file in the same folder, renamed
    onto ``path`` when the block ends without error, with the usual permissions (0666 less
    the umask). On any error, Ctrl-C or SIGTERM the temporary file is removed and ``path``
    is left as it was; an OSError names ``path``, not the temporary file, and says
    ``failed``."""
    target = Path(path)
    if target.is_file() and (not target.stat().st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise ContractError(f"{target}: the file exists and is read-only; it is not replaced")
    tmp_name = ""
    try:
        with terminations_raise():
            fd, tmp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            mode = "w" if text else "wb"
            encoding, newline = ("utf-8", "") if text else (None, None)
            with os.fdopen(fd, mode, encoding=encoding, newline=newline) as f:
                yield f
            os.chmod(tmp_name, 0o666 & ~current_umask())
            os.replace(tmp_name, target)
            tmp_name = ""
    except OSError as exc:
        raise OSError(f"{target}: {failed} ({exc.strerror or exc})") from None
    finally:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> Path:
    """``path`` holding ``text`` (UTF-8), written atomically."""
    with atomic_file(path, text=True) as f:
        f.write(text)
    return Path(path)


@contextmanager
def made_folder(path: str | Path) -> Iterator[Path]:
    """The folder ``path``, made with its parents if absent; if the body fails, the folders
    made here are removed again (when empty), so a failed write leaves nothing behind."""
    folder = Path(path)
    made = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        made.append(parent)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    except BaseException:
        for parent in made:  # deepest first
            try:
                parent.rmdir()
            except OSError:  # not empty, or already gone: leave it
                break
        raise
