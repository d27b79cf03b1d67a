"""Where a module's NaN or ∞ is born: the first floating-point error NumPy signals while one
of its functions runs (overflow, division by zero, an invalid operation), the line of the
module's own code that did it, and what that operation usually is in a backprop."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np


@dataclass(frozen=True)
class FloatingError:
    """NumPy's name of the error ("overflow", "divide by zero", "invalid value", "underflow"
    is never asked for) and the frame of the module's own code where it was signalled."""

    kind: str
    where: str  # path:line
    line: str  # that line's text


# What each error usually is, by the operation on its line: (kind, a word on the line,
# what happened, the fix). The first that matches is said; the last of a kind has no word.
CAUSES: tuple[tuple[str, str, str, str], ...] = (
    (
        "overflow",
        "exp",
        "exp overflowed: e^z is ∞ for z past about 709 (88 in float32)",
        "compute σ(z) from e^{−|z|}, softmax from z − max z, or clip z",
    ),
    ("overflow", "", "a result overflowed to ∞", "keep the intermediate numbers bounded"),
    (
        "divide by zero",
        "log",
        "log 0 = −∞: the log of a probability that rounded to 0 (or 1 − p to 0)",
        "compute the cross-entropy from the logits (log-sum-exp; max(z, 0) − y z + "
        "log1p(e^{−|z|}))",
    ),
    (
        "divide by zero",
        "",
        "a division by zero: a probability that rounded to 0 or 1 (−y/a, (a − y)/(a(1 − a)))",
        "with its pairing, δ[L] = a − y needs no division",
    ),
    (
        "invalid value",
        "log",
        "0·log 0 = NaN (or the log of a negative number)",
        "compute the cross-entropy from the logits (log-sum-exp; log1p)",
    ),
    (
        "invalid value",
        "",
        "an invalid operation: ∞ − ∞, 0·∞, ∞/∞ or 0/0 (an overflowed e^z divided by itself?)",
        "subtract max z before exp, and never divide two overflowing numbers",
    ),
)


def errors(module: ModuleType, call: Callable[[], object]) -> list[FloatingError]:
    """The floating-point errors signalled inside ``module``'s folder while ``call`` runs,
    in order, each place and kind once (its exceptions are the crash finding's business)."""
    file = getattr(module, "__file__", None)
    if not file:
        return []
    folder = Path(file).resolve().parent
    found: list[FloatingError] = []

    def signalled(kind: str, flag: int) -> None:
        for frame in reversed(traceback.extract_stack()[:-1]):
            path = Path(frame.filename).resolve()
            if path.is_relative_to(folder):
                error = FloatingError(
                    kind, f"{shown_path(path)}:{frame.lineno}", (frame.line or "").strip()
                )
                if error not in found:
                    found.append(error)
                return

    signals = np.errstate(
        over="call", divide="call", invalid="call", under="ignore", call=signalled
    )
    with signals, contextlib.suppress(Exception):  # a raise is the crash finding's business
        call()
    return found


def explain(found: list[FloatingError]) -> str | None:
    """What made the first NaN or ∞, where, and its fix: the first division by zero or
    invalid operation (or, with neither, the first overflow), and an overflow before it."""
    if not found:
        return None
    makers = [e for e in found if e.kind != "overflow"]
    first = makers[0] if makers else found[0]
    said = _one(first)
    before = [e for e in found[: found.index(first)] if e.kind == "overflow"]
    if before:
        said += f" (after {_one(before[0], fix=False)})"
    return said


def _one(error: FloatingError, fix: bool = True) -> str:
    """What the error's operation is (CAUSES has a last entry of each kind with no word)."""
    what, remedy = next(
        (w, r) for k, word, w, r in CAUSES if k == error.kind and word in error.line
    )
    return f"{what}, at {error.where}: {error.line}" + (f"; {remedy}" if fix else "")


def shown_path(path: Path) -> str:
    """A path relative to the working folder where it lies below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
