"""docs/api.md names only what exists: every name of its table, in every module its row
gives, is an attribute there (a renamed or removed function fails here, not for a user)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"
BOTH = ("reference", "vectorized")


def _rows() -> list[tuple[str, str]]:
    """(name, module) for every name of the table's first column and every module of its
    second ("both" is reference and vectorized)."""
    pairs = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = [
            m.group(0)
            for token in re.findall(r"`([^`]+)`", cells[0])
            if not token.startswith(".") and (m := re.match(r"[A-Za-z_][\w.]*", token))
        ]
        modules = BOTH if cells[1] == "both" else tuple(re.findall(r"`([\w.]+)`", cells[1]))
        pairs += [(name, module) for name in names for module in modules]
    return pairs


def test_the_table_is_read() -> None:
    assert len(_rows()) >= 50


@pytest.mark.parametrize(("name", "module"), _rows())
def test_each_name_exists_where_the_table_says(name: str, module: str) -> None:
    obj: object = importlib.import_module(module)
    for part in name.split("."):
        assert hasattr(obj, part), f"docs/api.md: {module}.{name} does not exist"
        obj = getattr(obj, part)
