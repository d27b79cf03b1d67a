"""Exercises: a student writes one piece of backpropagation, and this checks it against the
oracle, first on M. Mazur's network and then on random small networks, naming the
equation that is wrong and the usual mistake the numbers fit (the checker's diagnosis).

Every exercise is on sigmoid layers with the half squared error, one sample at a time,
as plain lists; the stubs in ``exercises/`` give the signatures.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from backprop_verify.adapters import import_module
from backprop_verify.diagnosis import FIT, HALF, SIGN, TRANSPOSE, VARIANTS
from backprop_verify.guard import named
from backprop_verify.rounding import error_bound
from reference.activations import sigmoid
from reference.contract import Architecture, ContractError, Parameters, check_whole
from reference.network import backward, backward_pass, feed_forward, hidden_delta
from reference.typeset import fold, num

Vec = list[float]
# What an exercise needs of a case: the function's arguments, the oracle's answer as
# (name, value, tolerance) per entry, and each known mistake's answer.
Task = tuple[tuple[Any, ...], list[tuple[str, float, float]], dict[str, Vec]]

# The mistakes students make most, each with the numbers it would give (from the oracle's
# own values) and what to say; the wording is the checker's where the checker has one.
NO_PRIME_L = "BP1 without φ'(z[L]): δ[L] is ∂ℓ/∂a only; the chain rule also needs ∂a/∂z"
NO_PRIME_l = "BP2 without φ'(z[l]): the weighted sum of δ[l+1] is ∂ℓ/∂a[l], not ∂ℓ/∂z[l]"
Z_FOR_A = "σ' written z(1 − z): the sigmoid's slope is a(1 − a) with a = σ(z), not z(1 − z)"
NO_TRANSPOSE = (
    "the weights not transposed in BP2: Σ_j W[l+1][i][j]·δ[l+1][j] where the sum runs "
    "over the nodes j that node i feeds, Σ_j W[l+1][j][i]·δ[l+1][j] (Nielsen's Wᵀδ)"
)
WRONG_INPUT = "∂C/∂W[l] built with a[l] instead of a[l−1], the input of layer l (BP4)"


@dataclass(frozen=True)
class Case:
    """A network with one sample (sigmoid layers, half squared error, summed, biases on)."""

    label: str
    arch: Architecture
    params: Parameters
    x: Vec
    y: Vec


def cases(seed: int, count: int) -> list[Case]:
    """M. Mazur's network first, then ``count`` random ones with 1-4 nodes a layer and 1-2
    hidden layers, square and non-square (so that a missing transpose shows)."""
    W = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
    mazur = Architecture((2, 2, 2), ("sigmoid", "sigmoid"), "half_squared_error", "sum", "on")
    out = [
        Case(
            "M. Mazur's 2-2-2 network",
            mazur,
            Parameters(W, [[0.35, 0.35], [0.60, 0.60]]),
            [0.05, 0.10],
            [0.01, 0.99],
        )
    ]
    rng = random.Random(seed)
    for k in range(count):
        sizes = tuple(rng.randint(1, 4) for _ in range(rng.choice((3, 3, 4))))
        arch = Architecture(
            sizes, ("sigmoid",) * (len(sizes) - 1), "half_squared_error", "sum", "on"
        )
        params = Parameters(
            [
                [[rng.uniform(-2, 2) for _ in range(sizes[l - 1])] for _ in range(sizes[l])]
                for l in range(1, len(sizes))
            ],
            [[rng.uniform(-1, 1) for _ in range(sizes[l])] for l in range(1, len(sizes))],
        )
        x = [rng.uniform(-2, 2) for _ in range(sizes[0])]
        y = [rng.uniform(0, 1) for _ in range(sizes[-1])]
        out.append(Case(f"random network {k + 1} of {count} (seed {seed})", arch, params, x, y))
    return out


@dataclass
class Verdict:
    """What the check found: per case, pass, or the first wrong equation with both numbers."""

    exercise: str
    passed: int = 0
    lines: list[str] = field(default_factory=list)
    failed: bool = False


@dataclass(frozen=True)
class Exercise:
    """One function to write: its name, signature, the equation it implements, and how to
    check it on a case: (arguments, the oracle's answer, a tolerance per entry, the known
    mistakes' answers)."""

    name: str
    signature: str
    equation: str
    task: Callable[[Case], Task]


def _forward(case: Case) -> tuple[list[Vec], list[Vec], list[Vec]]:
    z, a = feed_forward(case.arch, case.params, case.x)
    return z, a, backward_pass(case.arch, case.params, z, a, case.y)


def _bound(case: Case) -> Any:
    """The checker's rounding bound for this case; two computations each within it."""
    return error_bound(case.arch, case.params, [case.x], [case.y])


def _prime(v: float) -> float:
    return v * (1.0 - v)


def _output_error(case: Case) -> Task:
    z, a, d = _forward(case)
    L = case.arch.L
    y, tol = case.y, _bound(case).b[L - 1]
    want = [(f"δ[{L}][{j}]", d[L][j], 2 * tol[j]) for j in range(len(y))]
    g = [a_j - y_j for a_j, y_j in zip(a[L], y, strict=True)]
    mistakes = {
        NO_PRIME_L: g,
        SIGN: [-v for v in d[L]],
        VARIANTS["prime_of_a"]: [
            g_j * _prime(sigmoid(a_j)) for g_j, a_j in zip(g, a[L], strict=True)
        ],
        Z_FOR_A: [g_j * _prime(z_j) for g_j, z_j in zip(g, z[L], strict=True)],
        HALF: [2 * v for v in d[L]],
    }
    return (list(z[L]), list(a[L]), list(y)), want, mistakes


def _hidden_error(case: Case) -> Task:
    z, a, d = _forward(case)
    l = case.arch.L - 1  # the last hidden layer
    W_next = case.params.W[l]
    tol = _bound(case).b[l - 1]
    want = [(f"δ[{l}][{i}]", d[l][i], 2 * tol[i]) for i in range(len(z[l]))]
    sums = [sum(W_next[j][i] * d[l + 1][j] for j in range(len(W_next))) for i in range(len(z[l]))]
    mistakes = {
        NO_PRIME_l: sums,
        SIGN: [-v for v in d[l]],
        VARIANTS["prime_of_a"]: [s * _prime(sigmoid(v)) for s, v in zip(sums, a[l], strict=True)],
        Z_FOR_A: [s * _prime(v) for s, v in zip(sums, z[l], strict=True)],
    }
    if len(W_next) == len(W_next[0]):  # square: the untransposed sum is computable
        flipped = [list(col) for col in zip(*W_next, strict=True)]
        mistakes[NO_TRANSPOSE] = hidden_delta("sigmoid", flipped, d[l + 1], z[l], a[l])
    args = ([row[:] for row in W_next], list(d[l + 1]), list(z[l]), list(a[l]))
    return args, want, mistakes


def _backward(case: Case) -> Task:
    arch, p, L = case.arch, case.params, case.arch.L
    g = backward(arch, p, [case.x], [case.y])
    bound = _bound(case)
    want = []
    for l in range(L, 0, -1):
        want += [
            (f"∂C/∂b[{l}][{j}]", g.b[l - 1][j], 2 * bound.b[l - 1][j]) for j in range(arch.sizes[l])
        ]
    for l in range(L, 0, -1):
        want += [
            (f"∂C/∂W[{l}][{j}][{i}]", g.W[l - 1][j][i], 2 * bound.W[l - 1][j][i])
            for j in range(arch.sizes[l])
            for i in range(arch.sizes[l - 1])
        ]
    z, a, d = _forward(case)

    def answer(delta: list[Vec], transposed: bool = False) -> Vec:
        """db = δ and dW = outer(δ[l], a[l-1]) (BP3, BP4), flattened as ``want``."""
        dW = [[[dj * ai for ai in a[l - 1]] for dj in delta[l]] for l in range(1, L + 1)]
        if transposed:
            dW = [[list(col) for col in zip(*M, strict=True)] for M in dW]
        return [v for l in range(L, 0, -1) for v in delta[l]] + [
            v for l in range(L, 0, -1) for row in dW[l - 1] for v in row
        ]

    def deltas(top: Vec, bp2: Callable[[int, Vec], Vec]) -> list[Vec]:
        out: list[Vec] = [[] for _ in range(L + 1)]
        out[L] = top
        for l in range(L - 1, 0, -1):
            out[l] = bp2(l, out[l + 1])
        return out

    def proper(l: int, below: Vec) -> Vec:
        return hidden_delta("sigmoid", p.W[l], below, z[l], a[l])

    def unprimed(l: int, below: Vec) -> Vec:
        return [sum(p.W[l][j][i] * below[j] for j in range(len(below))) for i in range(len(z[l]))]

    mistakes = {
        SIGN: [-v for v in answer(d)],
        NO_PRIME_L: answer(deltas([aj - yj for aj, yj in zip(a[L], case.y, strict=True)], proper)),
        NO_PRIME_l: answer(deltas(d[L], unprimed)),
    }
    if all(arch.sizes[l] == arch.sizes[l - 1] for l in range(1, L + 1)):
        mistakes[TRANSPOSE] = answer(d, transposed=True)

        def untransposed(l: int, below: Vec) -> Vec:
            flipped = [list(col) for col in zip(*p.W[l], strict=True)]
            return hidden_delta("sigmoid", flipped, below, z[l], a[l])

        mistakes[NO_TRANSPOSE] = answer(deltas(d[L], untransposed))
    args = ([[r[:] for r in M] for M in p.W], [b[:] for b in p.b], list(case.x), list(case.y))
    return args, want, mistakes


EXERCISES = {
    "output_error": Exercise(
        "output_error",
        "output_error(z, a, y) -> list[float]",
        "BP1: δ[L][j] = ∂ℓ/∂a[L][j]·φ'(z[L][j]) = (a_j − y_j)·a_j(1 − a_j)",
        _output_error,
    ),
    "hidden_error": Exercise(
        "hidden_error",
        "hidden_error(W_next, delta_next, z, a) -> list[float]",
        "BP2: δ[l][i] = φ'(z[l][i])·Σ_j W[l+1][j][i]·δ[l+1][j]",
        _hidden_error,
    ),
    "backward": Exercise(
        "backward",
        "backward(W, b, x, y) -> (dW, db)",
        "BP1-BP4 for one sample: δ[L], then δ[l], then ∂C/∂b[l] = δ[l], "
        "∂C/∂W[l][j][i] = δ[l][j]·a[l-1][i]",
        _backward,
    ),
}


def _flatten(value: Any, what: str) -> Vec:
    """A student's answer (lists, tuples or NumPy arrays of numbers) as one list of floats."""
    if hasattr(value, "tolist"):  # a NumPy array or scalar
        value = value.tolist()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    if isinstance(value, (list, tuple)):
        return [v for item in value for v in _flatten(item, what)]
    raise TypeError(f"{what} holding a {type(value).__name__}; expected numbers in lists")


def _arrange(name: str, answer: Any, L: int) -> Vec:
    """The student's answer as one list in the order of the oracle's: for ``backward``,
    ∂C/∂b from layer L down to 1, then ∂C/∂W likewise."""
    if name != "backward":
        return _flatten(answer, "its answer")
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise TypeError(f"{type(answer).__name__}; expected a pair (dW, db)")
    dW, db = answer
    if not isinstance(dW, (list, tuple)) or not isinstance(db, (list, tuple)):
        raise TypeError("a pair of non-lists; expected (dW, db), each a list of layers")
    if len(dW) != L or len(db) != L:
        raise TypeError(f"dW and db of {len(dW)} and {len(db)} layers; expected {L} each")
    return [v for l in range(L, 0, -1) for v in _flatten(db[l - 1], "db")] + [
        v for l in range(L, 0, -1) for v in _flatten(dW[l - 1], "dW")
    ]


def _equation(exercise: str, name: str, L: int) -> str:
    """Which equation a wrong entry belongs to (for ``backward``: δ = ∂C/∂b per layer)."""
    if exercise == "output_error":
        return "BP1"
    if exercise == "hidden_error":
        return "BP2"
    layer = int(name.split("[")[1].split("]")[0])
    if name.startswith("∂C/∂b"):
        return "BP1" if layer == L else "BP2"
    return "BP4"


def function_of(name: str, path: str) -> tuple[ModuleType, Callable[..., Any]]:
    """The module in ``path`` and its function for the exercise ``name``."""
    if name not in EXERCISES:
        raise ContractError(f"exercise: expected one of {', '.join(EXERCISES)}; got {name!r}")
    module = import_module(path)
    fn = getattr(module, name, None)
    if not callable(fn):
        raise ContractError(f"{path}: expected a function {EXERCISES[name].signature}; found none")
    return module, fn


def check_exercise(name: str, path: str, seed: int = 0, count: int = 30) -> Verdict:
    """Run the student's function in ``path`` on Mazur's network and ``count`` random ones."""
    seed, count = exercise_arguments(name, path, seed, count)
    return judge(name, function_of(name, path)[1], seed, count)


def exercise_arguments(name: object, path: object, seed: object, count: object) -> tuple[int, int]:
    """The arguments of an exercise, checked before any work: (seed, count)."""
    if name not in EXERCISES:
        raise ContractError(f"exercise: expected one of {', '.join(EXERCISES)}; got {name!r}")
    if not isinstance(path, str) or not path:
        raise ContractError(f"path: expected the path of a .py file; got {path!r}")
    return check_whole("seed", seed, 0), check_whole("count", count, 1)


def judge(name: str, fn: Callable[..., Any], seed: int = 0, count: int = 30) -> Verdict:
    """``fn``, the student's function for the exercise ``name``, on Mazur's network and
    ``count`` random ones: the first wrong equation, with the numbers."""
    ex = EXERCISES[name]
    verdict = Verdict(name)
    for case in cases(seed, count):
        args, want, mistakes = ex.task(case)
        try:
            answer = fn(*args)
        except NotImplementedError:
            verdict.failed = True
            verdict.lines.append(
                f"{name} is not written yet (it raises NotImplementedError): implement "
                f"{ex.equation}"
            )
            return verdict
        except Exception as exc:  # the student's code: any error is a finding, not a crash
            verdict.failed = True
            verdict.lines += [
                f"on {case.label} ({case.arch.describe()}), {name} raised {named(exc)}",
                *_hints(mistakes, None),
            ]
            return verdict
        try:
            got = _arrange(name, answer, case.arch.L)
        except TypeError as exc:
            verdict.failed = True
            verdict.lines.append(f"on {case.label}: {name} returned {exc}")
            return verdict
        if len(got) != len(want):
            verdict.failed = True
            verdict.lines.append(
                f"on {case.label}: expected {len(want)} numbers ({', '.join(w[0] for w in want)});"
                f" got {len(got)}"
            )
            return verdict
        wrong = [k for k, (q, w, tol) in enumerate(want) if not abs(got[k] - w) <= tol]
        if not wrong:
            verdict.passed += 1
            continue
        verdict.failed = True
        first = want[wrong[0]][0]
        params = ex.signature.split("(")[1].split(")")[0].split(", ")
        verdict.lines += [
            f"{_equation(name, first, case.arch.L)} is wrong: {first} differs first",
            f"  on {case.label}: {case.arch.describe()}",
            "  called with "
            + ", ".join(f"{p} = {_show(v)}" for p, v in zip(params, args, strict=True)),
            f"  {'':18} {'yours':>16} {'oracle':>16}",
        ]
        for k, (q, w, _) in enumerate(want):
            mark = "  ← differs" if k in wrong else ""
            verdict.lines.append(f"  {q:18} {num(got[k]):>16} {num(w):>16}{mark}")
        verdict.lines += _hints(mistakes, got)
        return verdict
    return verdict


def _show(value: Any) -> str:
    """A nested list of numbers in the trace's number format."""
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return num(value)


def _hints(mistakes: dict[str, Vec], got: Vec | None) -> list[str]:
    """The known mistakes the student's numbers fit (all of them when there are none)."""
    if got is not None:
        fits = [
            m
            for m, v in mistakes.items()
            if len(v) == len(got)
            and all(
                abs(g - w) <= FIT["float64"] * max(1.0, abs(w)) for g, w in zip(got, v, strict=True)
            )
        ]
        if fits:
            return [f"your numbers are those of a known mistake: {m}" for m in fits]
        return ["your numbers fit none of the usual mistakes; compare them equation by equation"]
    return ["usual causes: " + "; ".join(mistakes)]


def report(verdict: Verdict, count: int) -> str:
    """The verdict as the command prints it."""
    ex = EXERCISES[verdict.exercise]
    lines = [f"exercise {ex.name}: {ex.signature}", f"  {ex.equation}"]
    if verdict.passed:
        lines.append(f"  agrees with the oracle on {verdict.passed} of {count + 1} networks")
    lines += verdict.lines
    ok = not verdict.failed
    lines.append(
        "verdict: PASS (Mazur's network and every random one, to rounding)"
        if ok
        else "verdict: FAIL"
    )
    return "\n".join(line for raw in lines for line in fold(raw))
