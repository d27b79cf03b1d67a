"""Imports run one way: commands → trainer and data → maths → contract."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STDLIB = set(sys.stdlib_module_names)

# Each room and what its modules may import besides the standard library and itself.
ALLOWED = {
    "reference": set(),
    "vectorized": {"numpy", "threadpoolctl", "reference.contract"},
    "backprop_data": {"numpy", "reference.contract", "vectorized"},
    "backprop_verify": {"numpy", "hypothesis", "reference", "vectorized", "backprop_data"},
    "backprop_cli": {
        "numpy",
        "threadpoolctl",
        "matplotlib",
        "reference",
        "vectorized",
        "backprop_data",
        "backprop_verify",
    },
}
# ``python -m reference``, ``vectorized`` and ``backprop_verify`` hand over to the command line.
ENTRY_POINTS = {
    "reference": "backprop_cli.reference_cli",
    "vectorized": "backprop_cli.vectorized_cli",
    "backprop_verify": "backprop_cli.verify_cli",
}


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def _allowed(name: str, room: str, allowed: set[str]) -> bool:
    """``name`` is the standard library, the room itself, or one of ``allowed`` (a package,
    or a module and what lies inside it)."""
    top = name.split(".")[0]
    return (
        top in STDLIB or top == room or any(name == a or name.startswith(a + ".") for a in allowed)
    )


@pytest.mark.parametrize("room", ALLOWED)
def test_each_room_imports_only_what_lies_below_it(room: str) -> None:
    for path in sorted((ROOT / room).glob("*.py")):
        for name in _imports(path):
            if path.name == "__main__.py" and name == ENTRY_POINTS.get(room):
                continue
            assert _allowed(name, room, ALLOWED[room]), f"{room}/{path.name} imports {name}"


def test_benchmarks_do_not_import_the_tests() -> None:
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        assert not any(n.split(".")[0] == "tests" for n in _imports(path)), path.name
