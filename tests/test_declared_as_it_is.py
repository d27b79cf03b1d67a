"""Real code declared as it is: integer labels, hard targets, one activation for every
hidden layer, activations by position, fixed output and hidden widths; a file that imports
the files beside it; the shape helpers refusing a swapped or misshaped return; advice for
a module that raises NotImplementedError without a declaration."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

import reference
from backprop_verify import Capabilities, shapes
from backprop_verify.check import check, format_report
from backprop_verify.strategies import cases
from reference.contract import ContractError

GALLERY = {
    "tests.gallery.param_dict_labels": "integer labels, a parameter dictionary",
    "tests.gallery.layer_classes": "a class per layer, one hidden activation for all",
    "tests.gallery.fixed_layers": "layers written out, sigmoid then ReLU, hard 0/1 targets",
    "tests.gallery.in_place_trainer": "a trainer whose only gradient is its in-place update",
}


@pytest.mark.parametrize("module", GALLERY)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correct_code_of_each_shape_passes_when_declared_as_it_is(module: str, seed: int) -> None:
    report = check(module, examples=20, seed=seed)
    assert report.passed and report.applicable >= 6, format_report(report)


def test_integer_labels_undeclared_fail_and_declared_pass(tmp_path: Path) -> None:
    """The same code, told it receives one-hot rows: it indexes with them and fails."""
    source = Path(__file__).parent / "gallery" / "param_dict_labels.py"
    text = source.read_text(encoding="utf-8").replace('    targets="labels",\n', "")
    undeclared = tmp_path / "labels_undeclared.py"
    undeclared.write_text(text, encoding="utf-8")
    assert not check(str(undeclared), examples=10).passed


MAZE = Capabilities(
    hidden=("tanh", "relu", "sigmoid"),
    hidden_shared=True,
    output=("identity", "softmax"),
    losses=("half_squared_error", "categorical_cross_entropy"),
    min_hidden_width=3,
    max_hidden_width=4,
    output_width=2,
    max_width=6,
    targets="hard",
)
PATTERN = Capabilities(
    hidden=("sigmoid", "relu"),
    hidden_pattern=("sigmoid", "relu"),
    output=("sigmoid",),
    losses=("binary_cross_entropy",),
    targets="hard",
)


@settings(max_examples=60, deadline=None, database=None)
@given(cases(caps=MAZE))
def test_cases_are_drawn_inside_shared_widths_and_hard_targets(case: object) -> None:
    arch, Y = case.arch, case.Y  # type: ignore[attr-defined]
    assert MAZE.covers(arch)
    assert len(set(arch.activations[:-1])) <= 1
    assert all(3 <= n <= 4 for n in arch.sizes[1:-1]) and arch.sizes[-1] == 2
    if arch.loss == "categorical_cross_entropy":
        assert all(sorted(row) == [0.0, 1.0] for row in Y)


@settings(max_examples=40, deadline=None, database=None)
@given(cases(caps=PATTERN))
def test_cases_follow_a_positional_pattern(case: object) -> None:
    arch, Y = case.arch, case.Y  # type: ignore[attr-defined]
    assert arch.activations[:-1] == ("sigmoid", "relu")[: arch.L - 1]
    assert PATTERN.depths == (1, 3) and PATTERN.covers(arch)
    assert {v for row in Y for v in row} <= {0.0, 1.0}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"hidden_pattern": ("softmax",)}, "hidden_pattern: expected names from"),
        ({"hidden_shared": "yes"}, "hidden_shared: expected True or False; got 'yes'"),
        ({"output_width": 0}, "output_width: expected a whole number >= 1; got 0"),
        ({"output_width": 9}, "output_width: expected at most max_width 8; got 9"),
        ({"min_hidden_width": 5, "max_hidden_width": 3}, "expected min <= max; got 5 > 3"),
        ({"targets": "ints"}, "targets: expected one of any, hard, labels; got 'ints'"),
        ({"targets": "labels"}, "targets labels: class labels stand for one-hot rows"),
        ({"hidden_pattern": ("tanh",), "min_depth": 3}, "min_depth 3: the hidden_pattern names 1"),
    ],
)
def test_bad_declarations_are_named(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ContractError, match=message):
        Capabilities(**fields)  # type: ignore[arg-type]


def test_a_file_imports_the_files_beside_it(tmp_path: Path) -> None:
    (tmp_path / "my_layers.py").write_text("from vectorized import forward, cost, backward\n")
    (tmp_path / "my_net.py").write_text(
        "from my_layers import forward, cost, backward\n"
        "from backprop_verify import Capabilities\n"
        "CAPABILITIES = Capabilities(max_depth=2)\n"
    )
    assert check(str(tmp_path / "my_net.py"), examples=5).passed


def _arch() -> reference.Architecture:
    return reference.Architecture((3, 2, 1), ("sigmoid", "identity"), "half_squared_error", "sum")


def _columns(returns: str, backprop: object) -> shapes.Checked:
    def feedforward(
        arch: object, W: list[np.ndarray], b: list[np.ndarray], x: np.ndarray
    ) -> np.ndarray:
        return W[1] @ (1 / (1 + np.exp(-(W[0] @ x + b[0])))) + b[1]

    def loss(arch: object, a: np.ndarray, y: np.ndarray) -> float:
        return float(0.5 * ((a - y) ** 2).sum())

    return shapes.column_vectors(feedforward, backprop, loss, returns=returns)  # type: ignore[arg-type]


def _nielsen(
    arch: object, W: list[np.ndarray], b: list[np.ndarray], x: np.ndarray, y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """M. Nielsen's backprop: (nabla_b, nabla_w), per sample, columns."""
    z1 = W[0] @ x + b[0]
    a1 = 1 / (1 + np.exp(-z1))
    a2 = W[1] @ a1 + b[1]
    d2 = a2 - y
    d1 = (W[1].T @ d2) * a1 * (1 - a1)
    return [d1, d2], [d1 @ x.T, d2 @ a1.T]


def test_column_vectors_take_nielsens_order_when_told_and_refuse_it_otherwise() -> None:
    arch = _arch()
    p = reference.init_parameters(arch, seed=0)
    import vectorized

    X, Y = np.array([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]]), np.array([[0.3], [0.9]])
    told = _columns("b, W", _nielsen).backward(arch, vectorized.to_arrays(p), X, Y)
    want = reference.backward(arch, p, X.tolist(), Y.tolist())
    assert np.allclose(told.W[0], want.W[0], rtol=1e-12) and np.allclose(told.b[0], want.b[0])
    with pytest.raises(
        ContractError,
        match=r"backprop: returned \(b, W\) \(M. Nielsen's order\), not \(W, b\): pass returns='b, W'",
    ):
        _columns("W, b", _nielsen).backward(arch, vectorized.to_arrays(p), X, Y)
    with pytest.raises(ContractError, match="returns: expected 'W, b' or 'b, W'; got 'w_b'"):
        _columns("w_b", _nielsen)


def test_column_vectors_refuse_a_misshaped_gradient_in_one_line() -> None:
    import vectorized

    arch = _arch()
    p = vectorized.to_arrays(reference.init_parameters(arch, seed=0))
    X, Y = np.array([[0.5, -1.0, 2.0]]), np.array([[0.3]])

    def transposed(*args: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        nabla_b, nabla_w = _nielsen(*args)  # type: ignore[arg-type]
        return [nabla_w[0].T, nabla_w[1]], nabla_b

    def flat_bias(*args: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        nabla_b, nabla_w = _nielsen(*args)  # type: ignore[arg-type]
        return nabla_w, [nabla_b[0].ravel(), nabla_b[1]]

    def wrong_bias(*args: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        nabla_b, nabla_w = _nielsen(*args)  # type: ignore[arg-type]
        return nabla_w, [nabla_b[0][:1], nabla_b[1]]

    with pytest.raises(
        ContractError,
        match=r"∂W\[1\] has shape \(3, 2\); expected \(2, 3\), the shape of W\[1\] as your code holds it; it is a transpose",
    ):
        _columns("W, b", transposed).backward(arch, p, X, Y)
    grads = _columns("W, b", flat_bias).backward(arch, p, X, Y)  # a flat ∂b is a column too
    assert grads.b[0].shape == (2,)
    with pytest.raises(ContractError, match=r"∂b\[1\] has shape \(1, 1\); expected \(2, 1\)"):
        _columns("W, b", wrong_bias).backward(arch, p, X, Y)


def _row_gradients(
    arch: object, W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, Y: np.ndarray
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The batch's gradients in rows, X @ W with W of shape (n_in, n_out), sum reduction."""
    A1 = 1 / (1 + np.exp(-(X @ W[0] + b[0])))
    D2 = A1 @ W[1] + b[1] - Y
    D1 = (D2 @ W[1].T) * A1 * (1 - A1)
    return [X.T @ D1, A1.T @ D2], [D1.sum(axis=0), D2.sum(axis=0)]


def _rows(gradients: object, returns: str = "W, b") -> shapes.Checked:
    def forward_rows(
        arch: object, W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray
    ) -> np.ndarray:
        return (1 / (1 + np.exp(-(X @ W[0] + b[0])))) @ W[1] + b[1]

    def cost_rows(
        arch: object, W: list[np.ndarray], b: list[np.ndarray], X: np.ndarray, Y: np.ndarray
    ) -> float:
        return float(0.5 * ((forward_rows(arch, W, b, X) - Y) ** 2).sum())

    return shapes.row_batches(forward_rows, gradients, cost_rows, returns=returns)  # type: ignore[arg-type]


def test_row_batches_refuse_a_swapped_or_misshaped_gradient_in_one_line() -> None:
    import vectorized

    arch = _arch()
    p = vectorized.to_arrays(reference.init_parameters(arch, seed=0))
    p = vectorized.Parameters([W.T.copy() for W in p.W], p.b)  # the rows' layout, (n_in, n_out)
    X, Y = (
        np.array([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3], [1.0, 0.0, -1.0]]),
        np.array([[0.3], [0.9], [0.1]]),
    )
    want = reference.backward(arch, reference.init_parameters(arch, seed=0), X.tolist(), Y.tolist())
    got = _rows(_row_gradients).backward(arch, p, X, Y)
    assert np.allclose(got.W[0].T, want.W[0], rtol=1e-12, atol=0)

    def swapped(*args: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        dW, db = _row_gradients(*args)  # type: ignore[arg-type]
        return db, dW

    def transposed(*args: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        dW, db = _row_gradients(*args)  # type: ignore[arg-type]
        return [dW[0].T, dW[1]], db

    def wrong_axis(*args: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        _, W, b, X, Y = args
        A1 = 1 / (1 + np.exp(-(X @ W[0] + b[0])))  # type: ignore[operator]
        D2 = A1 @ W[1] + b[1] - Y  # type: ignore[index]
        D1 = (D2 @ W[1].T) * A1 * (1 - A1)  # type: ignore[index]
        return _row_gradients(*args)[0], [D1.sum(axis=1), D2.sum(axis=0)]

    def row_bias(*args: object) -> tuple[list[np.ndarray], list[np.ndarray]]:
        dW, db = _row_gradients(*args)  # type: ignore[arg-type]
        return dW, [g.reshape(1, -1) for g in db]

    with pytest.raises(
        shapes.ShapeError,
        match=r"gradients: returned \(b, W\) \(M. Nielsen's order\), not \(W, b\)",
    ):
        _rows(swapped).backward(arch, p, X, Y)
    assert np.allclose(_rows(swapped, "b, W").backward(arch, p, X, Y).W[1], got.W[1])
    with pytest.raises(
        shapes.ShapeError,
        match=r"∂W\[1\] has shape \(2, 3\); expected \(3, 2\).*; it is a transpose",
    ):
        _rows(transposed).backward(arch, p, X, Y)
    with pytest.raises(
        shapes.ShapeError,
        match=r"∂b\[1\] has shape \(3,\); expected \(2,\).*the bias gradient summed over the wrong axis",
    ):
        _rows(wrong_axis).backward(arch, p, X, Y)
    assert _rows(row_bias).backward(arch, p, X, Y).b[0].shape == (2,)  # a (1, n) row is a bias too


def test_an_undeclared_module_that_raises_not_implemented_is_told_to_declare(
    tmp_path: Path,
) -> None:
    module = tmp_path / "only_sigmoid.py"
    module.write_text(
        textwrap.dedent(
            """
            import vectorized

            def _supported(arch):
                if set(arch.activations) - {"sigmoid"} or arch.loss != "half_squared_error":
                    raise NotImplementedError("sigmoid and half squared error only")

            def forward(arch, params, X):
                _supported(arch)
                return vectorized.forward(arch, params, X)

            def cost(arch, params, X, Y):
                _supported(arch)
                return vectorized.cost(arch, params, X, Y)

            def backward(arch, params, X, Y):
                _supported(arch)
                return vectorized.backward(arch, params, X, Y)
            """
        )
    )
    report = check(str(module), examples=10)
    assert not report.passed and len(report.advice) == 1
    assert "declares no CAPABILITIES" in report.advice[0]
    assert "advice: the module raised NotImplementedError in" in format_report(report)
    declared = tmp_path / "only_sigmoid_declared.py"
    declared.write_text(
        module.read_text() + "\nfrom backprop_verify import Capabilities\n"
        "CAPABILITIES = Capabilities(hidden=('sigmoid',), output=('sigmoid',), "
        "losses=('half_squared_error',))\n"
    )
    report = check(str(declared), examples=10)
    assert report.passed and report.advice == [], format_report(report)


def test_an_in_place_update_gives_its_gradient_exactly_where_reading_the_change_does_not() -> None:
    """Weights of 1e3 and a gradient of 1e-7: fl(W + g) − W loses about 1e-9 of g, far
    beyond the rounding bound; the recorded addend is g itself."""
    import vectorized
    from backprop_verify.comparison import Disagreement, assert_close
    from backprop_verify.rounding import error_bound
    from tests.gallery import in_place_trainer as module

    arch = reference.Architecture((2, 2, 1), ("sigmoid", "sigmoid"), "sum_of_squares", "sum")
    p = reference.Parameters([[[1e3, -1e3], [0.5, 0.25]], [[1e3, 1e-3]]], [[0.0, 0.0], [-1e3]])
    X, Y = [[2e-3, 1e-3], [1e-3, 3e-3]], [[0.2], [0.7]]
    want, bound = reference.backward(arch, p, X, Y), error_bound(arch, p, X, Y)
    held = vectorized.Parameters([np.array(w).T.copy() for w in p.W], [np.array(v) for v in p.b])
    got = module.backward(arch, held, np.array(X), np.array(Y))
    assert_close("recorded ∂C/∂W", [g.T.tolist() for g in got.W], want.W, bound.W, "float64")
    after = module.sgd_step(arch, held, np.array(X), np.array(Y), 1.0)
    change = [(w - a).T.tolist() for w, a in zip(held.W, after.W, strict=True)]
    with pytest.raises(Disagreement):
        assert_close("W before − W after", change, want.W, bound.W, "float64")


def test_an_update_that_is_not_in_place_arithmetic_is_refused() -> None:
    import vectorized

    def assigns(
        arch: object,
        W: list[np.ndarray],
        b: list[np.ndarray],
        X: np.ndarray,
        Y: np.ndarray,
        lr: float,
    ) -> None:
        W[0][...] = W[0] - lr * 0.5

    checked = shapes.in_place(lambda *a: None, lambda *a: 0.0, assigns)  # type: ignore[arg-type,return-value]
    arch = reference.Architecture((1, 1), ("identity",), "half_squared_error")
    p = vectorized.Parameters([np.ones((1, 1))], [np.zeros(1)])
    with pytest.raises(ContractError, match=r"update: W\[1\] changed other than by -= or \+="):
        checked.backward(arch, p, np.ones((1, 1)), np.ones((1, 1)))


CRASHES_ON_ONE_NODE = """
import vectorized
from backprop_verify import Capabilities

CAPABILITIES = Capabilities(hidden=("tanh",), output=("identity",), losses=("half_squared_error",), max_depth=3)


def _widths(arch):
    for n in arch.sizes[1:-1]:
        second = [0.0, 0.0][:n][1]  # assumes two nodes in every hidden layer


def forward(arch, params, X):
    return vectorized.forward(arch, params, X)


def cost(arch, params, X, Y):
    return vectorized.cost(arch, params, X, Y)


def backward(arch, params, X, Y):
    _widths(arch)
    return vectorized.backward(arch, params, X, Y)
"""


def test_a_crash_is_one_finding_and_the_other_cases_are_judged(tmp_path: Path) -> None:
    module = tmp_path / "one_node_breaks.py"
    module.write_text(CRASHES_ON_ONE_NODE, encoding="utf-8")
    report = check(str(module), examples=20)
    assert report.verdict == "crash" and report.exit_status == 1
    agree = next(o for o in report.outcomes if o.name == "outputs, cost and gradients agree")
    assert agree.verdict == "FAIL" and agree.raised >= 1 and agree.examples >= 10
    text = format_report(report)
    (finding,) = [line for line in text.splitlines() if line.startswith("RAISES: ")]
    assert finding == "RAISES: IndexError: list index out of range"
    assert f"{module.resolve()}:10  second = [0.0, 0.0][:n][1]  # assumes two nodes" in text
    assert "every other case was judged" in text and "on the smallest case that raises:" in text
    assert "FAIL: outputs, cost and gradients agree" not in text  # the finding says it once


def test_a_module_that_raises_on_every_case_says_so(tmp_path: Path) -> None:
    module = tmp_path / "always.py"
    module.write_text(
        "import vectorized\nfrom vectorized import forward, cost\n"
        "def backward(arch, params, X, Y):\n    raise KeyError('W1')\n",
        encoding="utf-8",
    )
    report = check(str(module), examples=5)
    agree = next(o for o in report.outcomes if o.name == "outputs, cost and gradients agree")
    assert agree.message.startswith("the module raised on every case (")
    assert (
        report.verdict == "crash" and f"{module.resolve()}:4  raise KeyError('W1')" in agree.crash
    )
