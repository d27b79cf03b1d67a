"""The line that made a NaN or ∞: NumPy's floating-point error signals, caught while a
module's function runs, name the operation of the module's own code and its fix."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from backprop_verify.floating import errors, explain

SOURCE = """
import numpy as np

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def log_zero(p):
    return -np.log(p)

def zero_log_zero(p):
    return -(p * np.log(p))

def divided(a, y):
    return -y / a

def softmax(z):
    e = np.exp(z)
    return e / e.sum()

def quiet_log(p):
    with np.errstate(all="ignore"):
        return -np.log(p)

def raises(z):
    np.exp(z)
    raise ValueError("after an overflow")
"""


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    path = tmp_path_factory.mktemp("user") / "their_net.py"
    path.write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("their_net", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _line(module: ModuleType, text: str) -> int:
    lines = Path(str(module.__file__)).read_text(encoding="utf-8").splitlines()
    return next(k + 1 for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize(
    ("function", "argument", "code", "said"),
    [
        ("log_zero", np.array([0.5, 0.0]), "-np.log(p)", "log 0 = −∞"),
        ("zero_log_zero", np.array([0.0]), "-(p * np.log(p))", "log 0 = −∞"),
        ("divided", np.array([0.0]), "-y / a", "a division by zero"),
        ("softmax", np.array([800.0, 1.0]), "e / e.sum()", "an invalid operation"),
        ("sigmoid", np.array([-800.0]), "np.exp(-z)", "exp overflowed"),
    ],
)
def test_the_operation_and_its_line_are_named(
    module: ModuleType, function: str, argument: np.ndarray, code: str, said: str
) -> None:
    if function == "divided":
        found = errors(module, lambda: module.divided(argument, np.array([1.0])))
    else:
        found = errors(module, lambda: getattr(module, function)(argument))
    text = explain(found)
    assert text is not None and text.startswith(said), text
    assert f"their_net.py:{_line(module, code)}: " in text and code in text


def test_softmax_names_the_overflow_before_the_nan(module: ModuleType) -> None:
    text = explain(errors(module, lambda: module.softmax(np.array([800.0, 1.0]))))
    assert text is not None and "(after exp overflowed" in text
    assert f"their_net.py:{_line(module, 'e = np.exp(z)')}: e = np.exp(z))" in text


def test_quiet_code_and_finite_code_say_nothing_and_a_raise_is_left_to_the_crash_finding(
    module: ModuleType,
) -> None:
    assert explain(errors(module, lambda: module.quiet_log(np.array([0.0])))) is None
    assert errors(module, lambda: module.sigmoid(np.array([0.5]))) == []
    found = errors(module, lambda: module.raises(np.array([800.0])))
    assert [e.kind for e in found] == ["overflow"]
    assert errors(ModuleType("built"), lambda: None) == []  # a module with no file of its own
    before = np.geterr()
    errors(module, lambda: module.log_zero(np.array([0.0])))
    assert np.geterr() == before  # the error state is restored
