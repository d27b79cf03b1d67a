"""The checker on a gallery of textbook-style implementations: every correct one passes
with its checks counted, every buggy one fails, and the diagnosis names its mistake."""

from __future__ import annotations

import importlib
import json
import textwrap
from pathlib import Path

import pytest

from backprop_cli.verify_cli import main
from backprop_verify import check as check_module
from backprop_verify.adapters import Implementation
from backprop_verify.check import check, format_report
from tests.streams import one_line

CORRECT = ["tests.gallery.columns", "tests.gallery.rows"]
# Each planted mistake and the words of the diagnosis that names it.
BUGS = {
    "sum_not_mean": "a factor N (the batch size): the gradient summed over the batch",
    "prime_of_a": "φ' evaluated at a = φ(z)",
    "bias_wrong_axis": "the bias gradient summed over the wrong axis",
    "stale_weights": "stale weights",
    "output_delta_hidden_z": "built with φ' of a hidden layer's z",
    "transpose": "a transpose",
    "softmax_diagonal": "softmax differentiated as if element-wise",
    "relu_prime_at_zero": "ReLU'(0) taken as 1",
    "cost_sum_grad_mean": "a factor 1/n_out",
    "bp2_no_prime": "the hidden error BP2 without φ'",
    "bp2_untransposed": "W[l+1] not transposed in BP2",
}


@pytest.mark.parametrize("module", CORRECT)
def test_a_correct_textbook_network_passes_with_its_checks_counted(module: str) -> None:
    report = check(module, examples=30)
    assert report.passed, format_report(report)
    ran = [o for o in report.outcomes if o.verdict == "pass"]
    assert len(ran) >= 7 and all(o.examples >= 20 for o in ran)
    not_applicable = [o for o in report.outcomes if o.verdict == "n/a"]
    assert all(o.reason for o in not_applicable)  # every skipped check says why


@pytest.mark.parametrize("bug", BUGS)
def test_every_buggy_network_fails_and_the_diagnosis_names_its_mistake(bug: str) -> None:
    report = check(f"tests.gallery.bug_{bug}", examples=30)
    assert not report.passed
    diagnoses = [d for o in report.outcomes for d in o.diagnosis]
    assert any(BUGS[bug] in d for d in diagnoses), format_report(report)
    others = [words for other, words in BUGS.items() if other != bug]
    wrong = [d for d in diagnoses for words in others if words in d]
    assert not wrong, f"{bug} was also diagnosed as {wrong}"


def test_a_failure_shows_the_counterexample_and_the_wrong_node() -> None:
    report = check("tests.gallery.bug_prime_of_a", examples=30)
    first = next(o for o in report.outcomes if o.verdict == "FAIL")
    assert first.counterexample.startswith("Case(Architecture(sizes=")
    marked = [line for line in first.trace.splitlines() if "← first disagreement" in line]
    assert len(marked) == 1 and "BP" in marked[0]
    text = format_report(report)
    assert "smallest counterexample found:" in text and "node by node" in text


def test_the_command_exits_with_its_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "tests.gallery.columns", "--examples", "5"]) == 0
    out = capsys.readouterr().out
    assert "verdict: PASS" in out and "outputs, cost and gradients agree" in out
    assert main(["check", "tests.gallery.bug_sum_not_mean", "--examples", "5", "--seed", "2"]) == 1
    assert "verdict: FAIL, the gradient is wrong (" in capsys.readouterr().out
    assert main(["check", "tests.gallery.bug_cost_summed", "--examples", "5"]) == 3
    out = capsys.readouterr().out
    assert "verdict: FAIL, the cost is not the declared loss; the gradient is right (" in out
    assert main(["check", "tests.gallery.pure_python_lists", "--examples", "5"]) == 4
    assert "verdict: NUMERICALLY FRAGILE: right wherever finite" in capsys.readouterr().out
    assert main(["check", "tests.gallery.bug_stale_weights", "--examples", "5"]) == 5
    assert "verdict: FAIL, the update is wrong; the gradient is right (" in capsys.readouterr().out
    assert main(["check", "tests.gallery.rows", "--examples", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is True and data["applicable"] >= 7
    assert data["verdict"] == "pass" and data["exit_status"] == 0
    assert {o["verdict"] for o in data["outcomes"]} <= {"pass", "n/a"}
    assert main(["check", "tests.gallery.bug_cost_summed", "--examples", "5", "--json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "cost" and data["exit_status"] == 3
    assert {o["kind"] for o in data["outcomes"] if o["verdict"] == "FAIL"} == {"cost"}


# Every gallery module and the one verdict it must get, whatever the seed.
GALLERY_VERDICTS = {
    **dict.fromkeys(CORRECT, "pass"),
    "tests.gallery.param_dict_labels": "pass",
    "tests.gallery.layer_classes": "pass",
    "tests.gallery.fixed_layers": "pass",
    "tests.gallery.in_place_trainer": "pass",
    "tests.gallery.l2_nielsen": "pass",
    "tests.gallery.sklearn_mlp": "pass",
    "tests.gallery.bug_l2_per_sample": "gradient",
    "tests.gallery.bug_l2_on_biases": "gradient",
    "tests.gallery.bug_l2_half": "gradient",
    "tests.gallery.bug_softmax_overflow": "numerics",
    **{f"tests.gallery.bug_{bug}": "gradient" for bug in BUGS if bug != "stale_weights"},
    "tests.gallery.bug_stale_weights": "step",
    "tests.gallery.bug_cost_summed": "cost",
    "tests.gallery.pure_python_lists": "numerics",
    "tests.gallery.bug_log_of_probability": "numerics",
}


def test_the_gallery_lists_every_module() -> None:
    folder = Path(__file__).parent / "gallery"
    modules = {f"tests.gallery.{p.stem}" for p in folder.glob("*.py") if p.stem != "__init__"}
    assert modules - {"tests.gallery.columns", "tests.gallery.rows"} <= set(GALLERY_VERDICTS)


# The words that name each wrong gallery module's true cause, in its diagnosis or its crash
# finding (the BUGS above, and these).
CAUSES = {
    **{f"tests.gallery.bug_{bug}": words for bug, words in BUGS.items()},
    "tests.gallery.bug_cost_summed": "a factor N (the batch size): the cost summed over the batch",
    "tests.gallery.pure_python_lists": "the module raised OverflowError: math range error",
    "tests.gallery.bug_log_of_probability": "the log of a probability that",
    "tests.gallery.bug_l2_per_sample": "the L2 term added once per sample",
    "tests.gallery.bug_l2_on_biases": "λ applied to the biases too",
    "tests.gallery.bug_l2_half": "the L2 gradient (λ/2)·W[l]",
    "tests.gallery.bug_softmax_overflow": "an invalid operation: ∞ − ∞, 0·∞, ∞/∞ or 0/0",
}


@pytest.mark.parametrize("module", GALLERY_VERDICTS)
def test_each_gallery_module_gets_one_verdict_on_ten_seeds(module: str) -> None:
    """Saturated, overflowing and kinked cases are judged on every run, so a verdict does
    not depend on --seed; a wrong module's true cause is named on every seed, and no other
    gallery module's cause."""
    for seed in range(10):
        report = check(module, examples=6, seed=seed)
        assert report.verdict == GALLERY_VERDICTS[module], (seed, format_report(report))
        if module not in CAUSES:
            continue
        said = [d for o in report.outcomes for d in [*o.diagnosis, o.crash]]
        assert any(CAUSES[module] in d for d in said), (seed, format_report(report))
        others = [w for m, w in CAUSES.items() if m != module and w != CAUSES[module]]
        assert not [w for w in others for d in said if w in d], (seed, format_report(report))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module_here", "error: no_such_module_here: cannot be imported"),
        (
            "tests.gallery.columns:float16",
            "error: tests.gallery.columns:float16: float16 is not checked",
        ),
        (
            "tests.gallery.columns:int8",
            "error: tests.gallery.columns:int8: expected :float64 or :float32",
        ),
        (
            "tests.gallery.columns:float32",
            "error: tests.gallery.columns:float32: the module declares dtypes",
        ),
        ("tests.gallery", "error: tests.gallery: expected the functions forward, cost, backward"),
    ],
)
def test_a_module_that_cannot_be_checked_is_one_line(
    spec: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", spec]) == 2
    err = capsys.readouterr().err
    assert one_line(err).startswith(message), err


def test_a_module_file_and_its_declaration_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "declares_badly.py"
    bad.write_text(
        "from vectorized import forward, cost, backward\nCAPABILITIES = {'losses': ('mse',)}\n"
    )
    assert main(["check", str(bad)]) == 2
    assert (
        "CAPABILITIES: expected backprop_verify.Capabilities(...); got dict"
        in capsys.readouterr().err
    )
    broken = tmp_path / "raises_on_import.py"
    broken.write_text("raise RuntimeError('no GPU here')\n")
    assert main(["check", str(broken)]) == 2
    assert "importing it raised RuntimeError: no GPU here" in capsys.readouterr().err
    good = tmp_path / "narrow.py"
    good.write_text(
        textwrap.dedent(
            """
            from backprop_verify import Capabilities
            from vectorized import forward, cost, backward
            CAPABILITIES = Capabilities(hidden=("tanh",), output=("identity",),
                                        losses=("sum_of_squares",), reductions=("sum",),
                                        biases=("off",), max_depth=2)
            """
        )
    )
    assert main(["check", str(good), "--examples", "5"]) == 0
    out = capsys.readouterr().out
    assert "SGD steps agree" in out and "not applicable: the module has no sgd_step" in out
    assert "not applicable: needs reductions mean; declared sum" in out


def test_nothing_checked_has_its_own_exit_status(monkeypatch: pytest.MonkeyPatch) -> None:
    never = check_module.properties.Property(
        "never", lambda impl: None, lambda caps: None, lambda impl: "never applies"
    )  # type: ignore[arg-type,return-value]
    monkeypatch.setattr(check_module.properties, "table", lambda: [never])
    report = check_module.check("tests.gallery.columns", examples=2)
    assert report.exit_status == 6
    assert "nothing checked" in check_module.format_report(report)


def test_capabilities_are_checked_when_declared() -> None:
    from backprop_verify import Capabilities
    from reference.contract import ContractError

    for kwargs, message in [
        ({"losses": ("mse",)}, "losses: expected names from"),
        ({"hidden": ("softmax",)}, "hidden: expected names from"),
        (
            {"output": ("softmax",), "losses": ("binary_cross_entropy",)},
            "no pair the contract accepts",
        ),
        ({"min_depth": 3, "max_depth": 2}, "expected min <= max"),
        ({"learning_rates": (0.0,)}, "learning_rates: expected positive finite numbers"),
        ({"weights": "columns"}, "weights: expected one of out_in, in_out"),
        ({"reductions": ()}, "reductions: expected at least one"),
        ({"losses": "half_squared_error"}, "losses: expected a tuple of names"),
        ({"max_width": 0}, "expected whole numbers >= 1"),
        ({"hidden": (), "min_depth": 2}, "hidden layers need hidden activations"),
    ]:
        with pytest.raises(ContractError, match=message):
            Capabilities(**kwargs)


@pytest.mark.parametrize("name", ["template", "in-place template"])
def test_the_templates_in_the_docs_pass(name: str, tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "checking.md").read_text(
        encoding="utf-8"
    )
    block = text.split(f"<!-- {name}:begin -->\n```python\n")[1].split(f"```\n<!-- {name}:end -->")[
        0
    ]
    module = tmp_path / "my_backprop.py"
    module.write_text(block, encoding="utf-8")
    report = check(str(module), examples=20)
    assert report.passed, format_report(report)
    assert report.applicable >= 6


# Modules made from the vectorized twin with one change each, for the remaining verdicts.
VARIANTS = {
    "sign": (
        "a sign",
        """
        def backward(arch, params, X, Y):
            g = vectorized.backward(arch, params, X, Y)
            return vectorized.Gradients([-w for w in g.W], [-v for v in g.b], g.cost)
    """,
    ),
    "hidden_error_without_prime": (
        "only the last layer is right: the hidden error BP2",
        """
        def backward(arch, params, X, Y):
            g = vectorized.backward(arch, params, X, Y)
            W = [w * 1.5 for w in g.W[:-1]] + [g.W[-1]]
            b = [v * 1.5 for v in g.b[:-1]] + [g.b[-1]]
            return vectorized.Gradients(W, b, g.cost)
    """,
    ),
    "biases_only": (
        "only the biases are wrong: BP3",
        """
        def backward(arch, params, X, Y):
            g = vectorized.backward(arch, params, X, Y)
            return vectorized.Gradients(g.W, [v * 0.5 + 0.01 for v in g.b], g.cost)
    """,
    ),
    "cost_in_float32": (
        "it is the module's cost that is imprecise",
        """
        def cost(arch, params, X, Y):
            return float(np.float32(vectorized.cost(arch, params, X, Y)))
    """,
    ),
}
HEAD = """
import numpy as np
import vectorized
from vectorized import forward, forward_pass, sgd_step, cost, backward
from backprop_verify import Capabilities
CAPABILITIES = Capabilities(hidden=("tanh",), output=("sigmoid",), losses=("half_squared_error",),
                            reductions=("sum",), biases=("on",), min_depth=2, max_depth=3)
"""


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_other_verdicts(variant: str, tmp_path: Path) -> None:
    words, body = VARIANTS[variant]
    module = tmp_path / f"{variant}.py"
    module.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    report = check(str(module), examples=30)
    assert not report.passed
    diagnoses = [d for o in report.outcomes for d in o.diagnosis]
    assert any(words in d for d in diagnoses), format_report(report)
    # the module exposes forward_pass, so the trace shows its z and a beside the oracle's
    traces = [o.trace for o in report.outcomes if o.trace]
    assert traces and "z[1][0] (sample 0)" in traces[0]


def test_a_naive_log_is_correct_maths_numerically_naive() -> None:
    import numpy as np

    import reference
    import vectorized
    from backprop_verify.adapters import Implementation
    from backprop_verify.diagnosis import diagnose
    from backprop_verify.strategies import Case

    class Naive:
        forward, backward, sgd_step = vectorized.forward, vectorized.backward, vectorized.sgd_step

        @staticmethod
        def cost(arch: object, params: object, X: object, Y: object) -> float:
            A = vectorized.forward(arch, params, X)  # type: ignore[arg-type]
            Ya = np.asarray(Y)
            return float(-(Ya * np.log(A) + (1 - Ya) * np.log(1 - A)).sum())

    impl = Implementation("naive", Naive, "float64")  # type: ignore[arg-type]
    arch = reference.Architecture((1, 1), ("sigmoid",), "binary_cross_entropy", "sum")
    case = Case(arch, reference.Parameters([[[12.0]]], [[0.0]]), [[1.0]], [[0.0]])
    assert diagnose(impl, case)[0].startswith("correct maths, numerically naive")


def test_our_implementations_hold_on_every_extreme_case(impl: Implementation) -> None:
    """Depth 1, one node a layer, z past exp's overflow for the dtype, z on a kink."""
    from backprop_verify.strategies import extremes

    cases = extremes(impl.caps, impl.dtype)
    assert {kind for kind, _, _ in cases} == {"shape", "overflow", "kink"}
    for prop in check_module.properties.table():
        if prop.pins and not prop.applies(impl):
            outcome = check_module.run_property(prop, impl, examples=1, seed=0)
            assert outcome.verdict == "pass", (prop.name, outcome.message, outcome.counterexample)


def test_an_invariant_says_it_compares_the_module_with_itself() -> None:
    from backprop_verify.comparison import Disagreement, assert_close

    own = "the module's own value on the batch in its first order"
    with pytest.raises(Disagreement) as nan:
        assert_close("cost", float("nan"), float("nan"), 0.0, "float64", own)
    assert str(nan.value) == f"cost: got nan where {own} has nan"
    with pytest.raises(Disagreement) as off:
        assert_close("cost", 1.5, 1.0, 0.0, "float64", own)
    assert f"got 1.5, expected 1.0 ({own}), difference" in str(off.value)
    with pytest.raises(Disagreement) as oracle:
        assert_close("cost", 1.5, 1.0, 0.0, "float64")
    assert "got 1.5, expected 1.0, difference" in str(oracle.value)


def test_a_fragile_cost_is_traced_to_the_log_of_a_probability() -> None:
    report = check("tests.gallery.bug_log_of_probability", examples=10)
    assert report.verdict == "numerics" and report.exit_status == 4
    said = [d for o in report.outcomes for d in o.diagnosis]
    assert said and all(d.startswith("the cost is ") for d in said)
    assert all("the log of a probability that rounded to 0" in d for d in said)
    assert not any(words in d for d in said for words in BUGS.values())


def test_a_gradient_n_times_n_out_its_cost_is_named_and_not_confused(tmp_path: Path) -> None:
    """A mean over every entry in the cost (MSELoss's default), a sum in the gradient."""
    module = tmp_path / "every_entry.py"
    module.write_text(
        textwrap.dedent(
            """
            import vectorized
            from vectorized import forward, cost
            from backprop_verify import Capabilities

            CAPABILITIES = Capabilities(hidden=("tanh",), output=("identity",),
                                        losses=("half_squared_error",), reductions=("mean",),
                                        biases=("on",), min_depth=2, max_depth=2)

            def backward(arch, params, X, Y):
                g = vectorized.backward(arch, params, X, Y)
                k = len(X) * arch.sizes[-1]
                return vectorized.Gradients([w * k for w in g.W], [v * k for v in g.b], g.cost)
            """
        ),
        encoding="utf-8",
    )
    report = check(str(module), examples=30)
    said = {d for o in report.outcomes for d in o.diagnosis}
    assert any(d.startswith("a factor N·n_out:") for d in said), format_report(report)
    assert not any(d.startswith(("a factor N (", "a factor n_out")) for d in said), said


def test_a_seed_draws_the_same_cases_whatever_else_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hypothesis mixes constants of imported local modules into its draws (its
    ``_get_local_constants``); while the checker draws, that pool is empty, so one seed
    gives the same cases in the command, the isolated child and a user's suite."""
    from hypothesis.internal.conjecture import providers

    numbers = ", ".join(str(1_000_003 * k) for k in range(1, 50))
    (tmp_path / "many_constants.py").write_text(f"VALUES = [{numbers}, 0.123456]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("many_constants")
    assert 0.123456 in providers._get_local_constants().set_for_type("float")
    with check_module.same_draws_in_any_process():
        assert len(providers._get_local_constants()) == 0
    assert 0.123456 in providers._get_local_constants().set_for_type("float")
