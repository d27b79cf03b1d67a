"""The oracle needs nothing outside the standard library: proven in a NumPy-free interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import sys
sys.modules["numpy"] = None  # any `import numpy` now raises ImportError
import reference
arch = reference.Architecture((2, 3, 2), ("relu", "softmax"), "categorical_cross_entropy")
p = reference.init_parameters(arch, seed=0)
g = reference.backward(arch, p, [[0.5, -1.0]], [[0.0, 1.0]])
q = reference.sgd_step(arch, p, [[0.5, -1.0]], [[0.0, 1.0]], 0.1)
assert len(g.W[0]) == 3 and q.W != p.W
third = ("numpy", "scipy", "vectorized")
loaded = sorted(m for m, mod in sys.modules.items() if mod and m.split(".")[0] in third)
print("third-party:", loaded)
"""


def test_reference_runs_where_numpy_cannot_be_imported() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "third-party: []"


def test_the_reference_command_line_runs_where_numpy_cannot_be_imported() -> None:
    script = (
        "import sys, runpy; sys.modules['numpy'] = None; "
        "sys.argv = ['reference', 'train', 'mazur', '--steps', '3']; "
        "runpy.run_module('reference', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "final cost over the 1 sample" in done.stdout


def test_reference_imports_only_the_standard_library() -> None:
    """Every module of the oracle; its ``__main__`` only hands over to the command line."""
    allowed = set(sys.stdlib_module_names) | {"reference"}
    for path in sorted((ROOT / "reference").glob("*.py")):
        if path.name == "__main__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
