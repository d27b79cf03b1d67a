"""The checking engine: every property that applies to a module, inside what it declares,
with a verdict, the shrunk counterexample and a diagnosis (its command line is
``backprop_cli.verify_cli``)."""

from __future__ import annotations

import math
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException, Unsatisfiable

from backprop_verify import properties
from backprop_verify.adapters import Implementation, load, parse_spec
from backprop_verify.comparison import Disagreement
from backprop_verify.diagnosis import (
    diagnose,
    gradients_agree,
    numeric_suspects,
    saturated_cost,
    slope_verdict,
    wrong_node,
)
from backprop_verify.floating import shown_path
from backprop_verify.guard import named
from backprop_verify.shapes import ShapeError
from backprop_verify.strategies import Case, extremes
from reference.contract import check_whole

# The kinds of wrong a failure shows, most serious first, with the verdict each gives and
# its exit status (0 is PASS, 2 a module that cannot be checked, 6 nothing checked).
KINDS = {
    "gradient": ("FAIL, the gradient is wrong", 1),
    "process": ("FAIL, the module hangs or ends its process", 1),
    "crash": ("FAIL, the module raises on some cases", 1),
    "forward": ("FAIL, the outputs of forward are wrong", 1),
    "inputs": ("FAIL, a function changes the arrays it is given", 1),
    "step": ("FAIL, the update is wrong; the gradient is right", 5),
    "cost": ("FAIL, the cost is not the declared loss; the gradient is right", 3),
    "numerics": (
        "NUMERICALLY FRAGILE: right wherever finite, but NaN, ∞ or an overflow where "
        "activations saturate; compute from the logits (log-sum-exp, log1p), guard exp, "
        "or clip",
        4,
    ),
}
PASS_STATUS, NOTHING_CHECKED_STATUS = 0, 6
# Exceptions that are arithmetic giving out, not a wrong formula: math.exp(800),
# math.log(0), a division by an underflowed zero.
NUMERIC_ERRORS = (ArithmeticError,)


def _numeric(exc: BaseException) -> bool:
    """Whether ``exc`` is floating-point arithmetic failing (an overflow, log 0, …)."""
    return isinstance(exc, NUMERIC_ERRORS) or (
        isinstance(exc, ValueError) and "math domain error" in str(exc)
    )


def _kind(
    prop: properties.Property, impl: Implementation, exc: Exception, case: Case | None
) -> str:
    """Which kind of wrong a failure shows: its numbers, and whether the module's gradient
    equals the oracle's on the counterexample."""
    if not isinstance(exc, Disagreement):
        return "numerics" if _numeric(exc) else "gradient"
    if prop.explained == "none":  # the inputs were changed: no value is wrong
        return "inputs"
    if not math.isfinite(exc.got) and (
        math.isfinite(exc.want) or (case is not None and numeric_suspects(impl, case))
    ):  # not finite where the oracle is (an invariant compares it with itself: ask the oracle)
        return "numerics"
    if case is None:
        return "gradient"
    try:
        agree = gradients_agree(impl, case)
    except Exception:  # the module fails on its own counterexample
        return "gradient"
    if not agree:
        return "gradient"
    if prop.steps:
        return "step"
    if exc.quantity.startswith("outputs"):
        return "forward"
    return "numerics" if saturated_cost(impl, case) else "cost"


@contextmanager
def quiet_numpy() -> Iterator[None]:
    """The module's own overflow and invalid-value warnings (a textbook 1/(1 + e^{−z}) at
    z = −800) are not verdicts: its numbers are judged instead."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


@contextmanager
def same_draws_in_any_process() -> Iterator[None]:
    """Hypothesis (6.131 on) mixes constants it finds in the imported local modules into
    its draws, so one seed's cases would depend on what else the process has imported (the
    command line, a user's test suite, the isolated child): while the checker draws, the
    pool of local constants is empty, and hypothesis' own constants are drawn as before."""
    try:
        from hypothesis.internal.conjecture import providers

        original, cache = providers._get_local_constants, providers.CONSTANTS_CACHE.cache
        empty = type(providers._local_constants)()
    except (ImportError, AttributeError):  # a hypothesis without local constants
        yield
        return
    cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.clear()


@dataclass
class Outcome:
    """One property's result."""

    name: str
    verdict: str  # "pass", "FAIL" or "n/a"
    examples: int = 0  # cases judged (a failure: tried, shrinking included)
    kind: str = ""  # a failure's kind of wrong: one of KINDS
    raised: int = 0  # cases on which the module raised (the others are judged)
    crash: str = ""  # the exception, the frames in the module's own files, the smallest case
    reason: str = ""
    message: str = ""
    counterexample: str = ""
    diagnosis: list[str] = field(default_factory=list)
    trace: str = ""


def run_property(
    prop: properties.Property, impl: Implementation, examples: int, seed: int
) -> Outcome:
    """Run one property with hypothesis inside the module's capabilities."""
    reason = prop.applies(impl)
    if reason:
        return Outcome(prop.name, "n/a", reason=reason)
    state: dict[str, Any] = {"passed": 0, "tried": 0, "last": None}
    crashes = _Crashes(impl)

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    @given(prop.draw(impl.caps))
    def body(drawn: dict[str, Any]) -> None:
        state["last"] = drawn
        state["tried"] += 1
        try:
            prop.check(impl, **drawn)
        except (Disagreement, HypothesisException):
            raise
        except Exception as exc:  # one finding, kept apart; the other cases are judged
            crashes.add(exc, drawn)
            reject()
        state["passed"] += 1

    try:
        with quiet_numpy(), same_draws_in_any_process():
            hypothesis_seed(seed)(body)()
    except Unsatisfiable:
        if crashes.count:
            return crashes.outcome(prop, state["passed"])
        return Outcome(
            prop.name,
            "n/a",
            reason="no drawn case could be judged (each sat at a ReLU kink or diverged)",
        )
    except Exception as exc:
        with quiet_numpy():
            return crashes.attach(_failure(prop, impl, exc, state["last"], state["tried"]))
    # The extreme cases, judged on every run whatever the seed; after the drawn ones, so
    # that a mistake they find is shown on the smallest case hypothesis shrank to.
    for kind, _, case in extremes(impl.caps, impl.dtype):
        if kind not in prop.pins:
            continue
        state["tried"] += 1
        try:
            with quiet_numpy():
                _judge(prop, impl, {"case": case})
        except Unsatisfiable:  # at a kink within rounding: not judged
            continue
        except Disagreement as exc:
            with quiet_numpy():
                return crashes.attach(_failure(prop, impl, exc, {"case": case}, state["tried"]))
        except Exception as exc:
            crashes.add(exc, {"case": case})
            continue
        state["passed"] += 1
    if crashes.count:
        return crashes.outcome(prop, state["passed"])
    if state["passed"] == 0:
        return Outcome(prop.name, "n/a", reason="no drawn case could be judged")
    return Outcome(prop.name, "pass", examples=state["passed"])


class _Crashes:
    """The cases on which a module raised, for one property: how many, and the smallest,
    with its exception and the frames of the traceback that lie in the module's files."""

    def __init__(self, impl: Implementation) -> None:
        self.impl, self.count = impl, 0
        self.smallest: tuple[int, BaseException, dict[str, Any]] | None = None

    def add(self, exc: BaseException, drawn: dict[str, Any]) -> None:
        self.count += 1
        case = drawn.get("case")
        size = sum(case.arch.sizes) * len(case.X) if isinstance(case, Case) else 0
        if self.smallest is None or size < self.smallest[0]:
            self.smallest = (size, exc, drawn)

    def _text(self) -> str:
        assert self.smallest is not None
        _, exc, drawn = self.smallest
        lines = [f"the module raised {named(exc)}"]
        frames = _own_frames(self.impl, exc)
        if frames:
            lines += ["in your code:", *(f"  {frame}" for frame in frames)]
        if isinstance(drawn.get("case"), Case):
            lines += [
                "on the smallest case that raises:",
                *("  " + x for x in repr(drawn["case"]).splitlines()),
            ]
        return "\n".join(lines)

    def _kind(self) -> str:
        assert self.smallest is not None
        exc = self.smallest[1]
        if isinstance(exc, ShapeError):  # a helper refused a misshaped gradient
            return "gradient"
        return "numerics" if _numeric(exc) else "crash"

    def outcome(self, prop: properties.Property, passed: int) -> Outcome:
        """The property failed by its crashes alone; ``passed`` cases held."""
        out = Outcome(prop.name, "FAIL", examples=passed, kind=self._kind())
        out.message = (
            f"the module raised on {self.count} cases; the {passed} others hold"
            if passed
            else f"the module raised on every case ({self.count})"
        )
        return self.attach(out)

    def attach(self, out: Outcome) -> Outcome:
        """``out`` with the crash findings, if the module raised on some cases."""
        if self.count:
            out.raised, out.crash = self.count, self._text()
        return out


def _own_frames(impl: Implementation, exc: BaseException) -> list[str]:
    """The traceback frames of ``exc`` in the module's own folder: path:line and its text."""
    file = getattr(impl.module, "__file__", None)
    if not file:
        return []
    folder = Path(file).resolve().parent
    frames = []
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(folder):
            frames.append(f"{shown_path(path)}:{frame.lineno}  {(frame.line or '').strip()}")
    return frames


def _judge(prop: properties.Property, impl: Implementation, drawn: dict[str, Any]) -> None:
    """``prop`` on exactly ``drawn``, as a one-example hypothesis test (so that its
    assumptions work as in the drawn cases)."""
    raised: list[Exception] = []

    @settings(
        max_examples=1,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(st.just(drawn))
    def once(case: dict[str, Any]) -> None:
        try:
            prop.check(impl, **case)
        except (Disagreement, HypothesisException):
            raise
        except Exception as exc:  # kept with its own traceback, raised again below
            raised.append(exc)

    once()
    if raised:
        raise raised[0]


def _failure(
    prop: properties.Property, impl: Implementation, exc: Exception, drawn: Any, tried: int
) -> Outcome:
    case: Case | None = drawn.get("case") if isinstance(drawn, dict) else None
    learning_rate = drawn.get("learning_rate") if isinstance(drawn, dict) else None
    message = str(exc) if isinstance(exc, Disagreement) else f"the module raised {named(exc)}"
    out = Outcome(prop.name, "FAIL", examples=tried, message=message)
    out.kind = _kind(prop, impl, exc, case)
    if case is None:
        return out
    extras = {k: v for k, v in drawn.items() if k != "case"}
    out.counterexample = repr(case) + "".join(f"\n  {k}={v!r}" for k, v in extras.items())
    if not isinstance(exc, Disagreement):
        return out
    if out.kind == "numerics":
        out.diagnosis = numeric_suspects(impl, case)
    elif prop.explained == "slope":
        out.diagnosis = slope_verdict(impl, case)
    elif prop.explained == "gradients":
        out.diagnosis = diagnose(impl, case, learning_rate)
    if prop.explained != "none":
        try:
            out.trace = wrong_node(impl, case)
        except Exception as err:  # the module fails on its own counterexample
            out.trace = f"(no trace: the module raised {named(err)})"
    return out


@dataclass
class Report:
    """Every property's outcome for one module."""

    module: str
    dtype: str
    capabilities: str
    outcomes: list[Outcome]
    seconds: float
    advice: list[str] = field(default_factory=list)  # what to do before reading the failures
    # What the module wrote to stdout and stderr, when it ran in its own process: the first
    # bytes of each ("stdout", "stderr") and how many in all ("stdout_bytes", "stderr_bytes").
    output: dict[str, Any] = field(default_factory=dict)

    @property
    def applicable(self) -> int:
        """How many properties applied and judged at least one case."""
        return sum(o.verdict != "n/a" for o in self.outcomes)

    @property
    def passed(self) -> bool:
        """No failure, and at least one check applied."""
        return self.applicable > 0 and all(o.verdict != "FAIL" for o in self.outcomes)

    @property
    def verdict(self) -> str:
        """ "pass", "nothing checked", or the most serious kind of wrong (see KINDS)."""
        if self.applicable == 0:
            return "nothing checked"
        kinds = {o.kind for o in self.outcomes if o.verdict == "FAIL"}
        return next((k for k in KINDS if k in kinds), "pass")

    @property
    def exit_status(self) -> int:
        """The command's exit status for this verdict (documented in docs/checking.md)."""
        if self.verdict == "nothing checked":
            return NOTHING_CHECKED_STATUS
        return PASS_STATUS if self.verdict == "pass" else KINDS[self.verdict][1]

    def as_dict(self) -> dict[str, Any]:
        """Every field, with ``passed``, ``applicable``, ``verdict`` and ``exit_status``: the
        report as ``--json`` prints it."""
        return {
            **asdict(self),
            "passed": self.passed,
            "applicable": self.applicable,
            "verdict": self.verdict,
            "exit_status": self.exit_status,
        }


def check(
    spec: str,
    examples: int = 50,
    seed: int = 0,
    on_property: Callable[[int, int], None] | None = None,
) -> Report:
    """Check the module named by ``spec`` (``package.module[:float32]``);
    ``on_property(done, total)`` follows the properties as they are judged."""
    examples, seed = run_arguments(spec, examples, seed)
    impl = load(spec)
    start = time.perf_counter()
    table = properties.table()
    outcomes = []
    for prop in table:
        outcomes.append(run_property(prop, impl, examples, seed))
        if on_property is not None:
            on_property(len(outcomes), len(table))
    took = time.perf_counter() - start
    return Report(
        spec, impl.dtype, impl.caps.describe(), outcomes, took, advice(impl.declared, outcomes)
    )


def run_arguments(spec: object, examples: object, seed: object) -> tuple[int, int]:
    """The arguments of a check, checked before any work: (examples, seed)."""
    parse_spec(spec)
    return check_whole("examples", examples, 1), check_whole("seed", seed, 0)


def advice(declared: bool, outcomes: list[Outcome]) -> list[str]:
    """A module that declares nothing is held to the whole contract; if it raised
    NotImplementedError there, what it lacks is a declaration, not a fix."""
    refused = [o.name for o in outcomes if "raised NotImplementedError" in o.message + o.crash]
    if declared or not refused:
        return []
    return [
        f"the module raised NotImplementedError in {len(refused)} of the properties: it "
        "declares no CAPABILITIES, so it is held to the whole contract. Declare what it "
        "supports, CAPABILITIES = Capabilities(...) (docs/checking.md), and every case is "
        "drawn inside that."
    ]


def _crash_findings(report: Report) -> list[str]:
    """Each exception the module raised, once: where in its code, on which properties, on
    the smallest case; the other cases were judged as usual."""
    found: dict[str, list[Outcome]] = {}
    for o in report.outcomes:
        if o.crash:  # one finding per exception and the line of your code that raised it
            where = o.crash.split("\non the smallest case")[0].splitlines()
            found.setdefault(where[0].split(":")[0] + where[-1], []).append(o)
    lines = []
    for outcomes in found.values():
        total = sum(o.raised for o in outcomes)
        names = ", ".join(o.name for o in outcomes)
        head, *rest = max(outcomes, key=lambda o: -len(o.crash)).crash.splitlines()
        lines += ["", f"RAISES: {head.removeprefix('the module raised ')}"]
        lines.append(f"  on {total} cases, in: {names}; every other case was judged")
        lines += [f"  {x}" for x in rest]
    return lines


def format_report(report: Report) -> str:
    """The table, then each failure with its counterexample, diagnosis and trace."""
    width = max(len(o.name) for o in report.outcomes) + 2
    lines = [
        f"checking {report.module} ({report.dtype}) against the oracle",
        f"declared: {report.capabilities}",
        "",
        f"{'property':<{width}} {'examples':>8}  verdict",
    ]
    for o in report.outcomes:
        verdict = {"pass": "pass", "FAIL": "FAIL", "n/a": f"not applicable: {o.reason}"}[o.verdict]
        count = "" if o.verdict == "n/a" else str(o.examples)
        raised = ""
        if o.raised:
            raised = f" (and {o.raised} {'case' if o.raised == 1 else 'cases'} that raised)"
        lines.append(f"{o.name:<{width}} {count:>8}  {verdict}{raised}")
    lines += _crash_findings(report)
    wrote = [
        f"{report.output[f'{w}_bytes']} bytes to {w}"
        for w in ("stdout", "stderr")
        if report.output.get(f"{w}_bytes")
    ]
    if wrote:
        lines += [
            "",
            f"OUTPUT: the module wrote {' and '.join(wrote)} while it was checked; shown "
            "apart, after the report on stderr",
        ]
    said: list[list[str]] = []
    traced = False
    for o in report.outcomes:
        if o.verdict != "FAIL":
            continue
        if not o.counterexample and o.crash:  # the crash above is this failure's finding
            continue
        lines += ["", f"FAIL: {o.name}", *(f"  {x}" for x in o.message.splitlines())]
        if o.counterexample:
            lines += ["  smallest counterexample found:"]
            lines += ["    " + x for x in o.counterexample.splitlines()]
        if o.diagnosis and o.diagnosis in said:
            lines.append("  diagnosis: as above")
        elif o.diagnosis:
            said.append(o.diagnosis)
            lines += ["  diagnosis, what fits:", *(f"    - {d}" for d in o.diagnosis)]
        if o.trace and not traced:
            traced = True
            lines += ["  the step, node by node (module beside oracle):"]
            lines += ["    " + x for x in o.trace.splitlines()]
    failed = sum(o.verdict == "FAIL" for o in report.outcomes)
    for advice in report.advice:
        lines += ["", f"advice: {advice}"]
    lines.append("")
    if report.applicable == 0:
        lines.append(
            "verdict: nothing checked: no property applies inside the declared capabilities"
        )
    else:
        verdict = "PASS" if report.passed else KINDS[report.verdict][0]
        lines.append(
            f"verdict: {verdict} "
            f"({report.applicable - failed} of {report.applicable} applicable properties hold; "
            f"{report.seconds:.1f} s)"
        )
    return "\n".join(lines)
