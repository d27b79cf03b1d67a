"""Checks of the paths a command will write, made before any work starts (standard library
only)."""

from __future__ import annotations

import os
from pathlib import Path

from reference.contract import ContractError


def writable_file(option: str, path: str, suffixes: tuple[str, ...]) -> Path:
    """A path to write: a known suffix, in a folder that exists and is writable, not a folder."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise ContractError(
            f"{option}: expected a file name ending in {' or '.join(suffixes)}; got {path!r}"
        )
    folder = target.parent
    if not folder.is_dir():
        raise ContractError(f"{option}: the folder {str(folder)!r} of {path!r} does not exist")
    if target.is_dir():
        raise ContractError(f"{option}: {path!r} is a folder; expected a file name")
    read_only = target.is_file() and not target.stat().st_mode & 0o222
    if read_only:
        raise ContractError(f"{option}: {path!r} exists and is read-only; it is not replaced")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ContractError(f"{option}: {path!r} cannot be written (permission denied)")
    return target


def writable_folder(option: str, path: str) -> Path:
    """A folder to write into: it exists and is writable, or it can be created."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ContractError(f"{option}: {path!r} is a file; expected a folder")
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise ContractError(f"{option}: {path!r} cannot be written (permission denied)")
    return folder
