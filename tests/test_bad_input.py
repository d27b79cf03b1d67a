"""Every contract violation is refused at the public boundary, in both implementations,
with a message that names what was expected and what was given."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import reference
import vectorized
from backprop_data.mnist import load_mnist, one_hot
from backprop_data.persist import save
from backprop_verify.check import check
from backprop_verify.exercises import check_exercise
from backprop_verify.isolation import Limits, check_isolated, exercise_isolated
from reference import ContractError
from reference.training import train as reference_train
from vectorized.training import fit
from vectorized.training import train as vectorized_train
from vectorized.workspace import Workspace

ARCH = reference.Architecture((2, 3, 1), ("tanh", "sigmoid"), "half_squared_error", "sum")
GOOD_X, GOOD_Y = [[0.1, 0.2], [0.3, 0.4]], [[1.0], [0.0]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sizes": (3,)}, r"sizes: expected at least two layers .*; got \[3\]"),
        ({"sizes": (2, 0, 1)}, r"sizes: expected whole numbers >= 1; got 0 at position 1"),
        ({"sizes": (2, 1.5, 1)}, r"sizes: expected whole numbers >= 1; got 1.5"),
        ({"activations": ("tanh",)}, r"activations: expected one per layer .*\(2\); got 1"),
        (
            {"activations": ("gelu", "sigmoid")},
            r"activation of layer 1: expected one of .*; got 'gelu'",
        ),
        (
            {"activations": ("softmax", "sigmoid")},
            r"layer 1: softmax is allowed on the output layer only",
        ),
        ({"loss": "hinge"}, r"loss: expected one of half_squared_error, .*; got 'hinge'"),
        ({"reduction": "max"}, r"reduction: expected one of sum, mean; got 'max'"),
        ({"bias": True}, r"bias: expected one of on, off, frozen; got True"),
        ({"loss": "categorical_cross_entropy"}, r"expected a softmax output layer; got 'sigmoid'"),
        (
            {"activations": ("tanh", "identity"), "loss": "binary_cross_entropy"},
            "loss binary_cross_entropy: expected a sigmoid output layer; got 'identity'",
        ),
    ],
)
def test_architecture_is_checked(kwargs: dict[str, Any], message: str) -> None:
    fields = {"sizes": (2, 3, 1), "activations": ("tanh", "sigmoid"), "loss": "half_squared_error"}
    with pytest.raises(ContractError, match=message):
        reference.Architecture(**{**fields, **kwargs})


class Ref:
    module = reference

    @staticmethod
    def params(W: list[Any], b: list[Any]) -> Any:
        return reference.Parameters(W, b)

    @staticmethod
    def data(X: Any) -> Any:
        return X


class Vec:
    module = vectorized

    @staticmethod
    def params(W: list[Any], b: list[Any]) -> Any:
        return vectorized.Parameters(
            [np.array(w, dtype=float) for w in W], [np.array(v, dtype=float) for v in b]
        )

    @staticmethod
    def data(X: Any) -> Any:
        return X  # array-likes are accepted and converted (and checked) by vectorized itself


GOOD_W = [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [[0.1, -0.1, 0.2]]]
GOOD_B = [[0.0, 0.1, 0.2], [0.3]]

CASES: list[tuple[str, Callable[[Any], tuple[Any, ...]], str]] = [
    (
        "W wrong rows",
        lambda I: (I.params([GOOD_W[0][:2], GOOD_W[1]], GOOD_B), GOOD_X, GOOD_Y),
        r"W\[1\].*expected .*shape \(3, 2\); got (2 rows|\(2, 2\))",
    ),
    (
        "flat X",
        lambda I: (I.params(GOOD_W, GOOD_B), [0.1, 0.2], GOOD_Y[:1]),
        r"X.*(expected a sequence of 2 numbers; got 0.1|expected shape \(N, 2\) with N >= 1; got \(2,\))",
    ),
    (
        "W wrong shape",
        lambda I: (I.params([[[0.1, 0.2]] * 3, [[0.1, 0.2]]], GOOD_B), GOOD_X, GOOD_Y),
        r"W\[2\].*\(1, 3\).*got (2|\(1, 2\))",
    ),
    (
        "b wrong shape",
        lambda I: (I.params(GOOD_W, [[0.0, 0.1], [0.3]]), GOOD_X, GOOD_Y),
        r"b\[1\].*(expected 3 numbers; got 2|expected an array of shape \(3,\); got \(2,\))",
    ),
    (
        "too few layers",
        lambda I: (I.params(GOOD_W[:1], GOOD_B[:1]), GOOD_X, GOOD_Y),
        r"params: expected 2 weight matrices and bias vectors; got 1 and 1",
    ),
    (
        "NaN in W",
        lambda I: (I.params([GOOD_W[0], [[math.nan, 0.0, 0.0]]], GOOD_B), GOOD_X, GOOD_Y),
        r"W\[2\].*expected finite numbers; got (nan|NaN)",
    ),
    (
        "X wrong width",
        lambda I: (I.params(GOOD_W, GOOD_B), [[0.1, 0.2, 0.3]], [[1.0]]),
        r"X.*expected (2 numbers; got 3|shape \(N, 2\) with N >= 1; got \(1, 3\))",
    ),
    (
        "Y wrong width",
        lambda I: (I.params(GOOD_W, GOOD_B), GOOD_X, [[1.0, 0.0], [0.0, 1.0]]),
        r"Y.*expected (1 numbers; got 2|shape \(N, 1\) with N >= 1; got \(2, 2\))",
    ),
    (
        "X and Y lengths",
        lambda I: (I.params(GOOD_W, GOOD_B), GOOD_X, [[1.0]]),
        r"X and Y: expected the same number of samples; got 2 and 1",
    ),
    (
        "empty batch",
        lambda I: (I.params(GOOD_W, GOOD_B), [], []),
        r"X: expected (at least one row|shape \(N, 2\) with N >= 1)",
    ),
    (
        "NaN in X",
        lambda I: (I.params(GOOD_W, GOOD_B), [[0.1, math.nan], [0.3, 0.4]], GOOD_Y),
        r"X.*expected finite numbers; got (nan|NaN)",
    ),
    (
        "inf in Y",
        lambda I: (I.params(GOOD_W, GOOD_B), GOOD_X, [[math.inf], [0.0]]),
        r"Y.*expected finite numbers; got (inf|NaN or infinity)",
    ),
    (
        "text in X",
        lambda I: (I.params(GOOD_W, GOOD_B), [["a", "b"]], [[1.0]]),
        r"X.*expected numbers",
    ),
    (
        "a whole number beyond float64",
        lambda I: (I.params(GOOD_W, GOOD_B), [[10**400, 0.0], [0.3, 0.4]], GOOD_Y),
        r"X.*expected finite numbers; got (a whole number of about 401 digits|one) beyond float64's range",
    ),
    (
        "ragged X",
        lambda I: (I.params(GOOD_W, GOOD_B), [[0.1, 0.2], [0.3]], GOOD_Y),
        r"X.*(row 1: expected 2 numbers; got 1|expected rows of 2 numbers each; got rows of lengths \[2, 1\])",
    ),
    (
        "not parameters",
        lambda I: ({"W": GOOD_W}, GOOD_X, GOOD_Y),
        r"params: expected (reference|vectorized).Parameters; got dict",
    ),
]


@pytest.mark.parametrize("side", [Ref, Vec], ids=["reference", "vectorized"])
@pytest.mark.parametrize(("what", "make", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_parameters_and_data(
    side: Any, what: str, make: Callable[[Any], tuple[Any, ...]], message: str
) -> None:
    params, X, Y = make(side)
    m = side.module
    for call in (
        lambda: m.cost(ARCH, params, side.data(X), side.data(Y)),
        lambda: m.backward(ARCH, params, side.data(X), side.data(Y)),
        lambda: m.sgd_step(ARCH, params, side.data(X), side.data(Y), 0.1),
    ):
        with pytest.raises(ContractError, match=message):
            call()
    if what not in ("Y wrong width", "X and Y lengths", "inf in Y", "flat X"):
        with pytest.raises(ContractError, match=message):
            m.forward(ARCH, params, side.data(X))


@pytest.mark.parametrize("side", [Ref, Vec], ids=["reference", "vectorized"])
@pytest.mark.parametrize("eta", [0.0, -0.5, math.nan, math.inf, "0.1", True])
def test_learning_rate_must_be_positive_and_finite(side: Any, eta: Any) -> None:
    params = side.params(GOOD_W, GOOD_B)
    with pytest.raises(
        ContractError, match=r"learning_rate: expected a positive finite number; got"
    ):
        side.module.sgd_step(ARCH, params, side.data(GOOD_X), side.data(GOOD_Y), eta)


@pytest.mark.parametrize("side", [Ref, Vec], ids=["reference", "vectorized"])
def test_cross_entropy_targets_are_probabilities(side: Any) -> None:
    arch = reference.Architecture((2, 1), ("sigmoid",), "binary_cross_entropy")
    params = side.params([[[0.1, 0.2]]], [[0.0]])
    with pytest.raises(
        ContractError,
        match=r"Y: binary_cross_entropy expects targets in \[0, 1\]; got values in \[2.0, 2.0\]",
    ):
        side.module.cost(arch, params, side.data([[0.1, 0.2]]), side.data([[2.0]]))


@pytest.mark.parametrize("side", [Ref, Vec], ids=["reference", "vectorized"])
def test_bias_off_needs_zero_biases(side: Any) -> None:
    arch = reference.Architecture((2, 1), ("sigmoid",), "half_squared_error", bias="off")
    params = side.params([[[0.1, 0.2]]], [[0.5]])
    with pytest.raises(ContractError, match=r"b\[1\]: bias 'off' expects all zeros; got"):
        side.module.forward(arch, params, side.data([[0.1, 0.2]]))


def test_vectorized_parameters_share_one_dtype() -> None:
    params = vectorized.Parameters(
        [np.zeros((3, 2)), np.zeros((1, 3), dtype=np.float32)], [np.zeros(3), np.zeros(1)]
    )
    with pytest.raises(
        ContractError, match=r"W\[2\]: expected dtype float64 like W\[1\]; got float32"
    ):
        vectorized.forward(ARCH, params, GOOD_X)


def test_a_refused_step_leaves_the_parameters_as_they_were() -> None:
    params = Vec.params(GOOD_W, GOOD_B)
    before = vectorized.to_lists(params)
    with pytest.raises(ContractError):
        vectorized.sgd_step(ARCH, params, [[0.1, math.nan]], [[1.0]], 0.1)
    assert vectorized.to_lists(params) == before


# The other public functions, each with a bad argument: refused with a ContractError that
# names the argument, before any work.
PUBLIC = [
    (
        "reference.forward_pass x",
        lambda: reference.forward_pass(ARCH, Ref.params(GOOD_W, GOOD_B), [0.1]),
        r"x row 0: expected 2 numbers; got 1",
    ),
    (
        "vectorized.forward_pass X",
        lambda: vectorized.forward_pass(ARCH, Vec.params(GOOD_W, GOOD_B), [[0.1]]),
        r"X: expected shape \(N, 2\)",
    ),
    (
        "forward arch",
        lambda: vectorized.forward("2-3-1", Vec.params(GOOD_W, GOOD_B), GOOD_X),
        r"arch: expected reference.Architecture; got str",
    ),
    (
        "reference.init_parameters arch",
        lambda: reference.init_parameters((2, 3), 0),
        r"arch: expected reference.Architecture; got tuple",
    ),
    (
        "to_arrays float16",
        lambda: vectorized.to_arrays(Ref.params(GOOD_W, GOOD_B), np.float16),
        r"dtype: float16 is refused",
    ),
    (
        "to_arrays dtype",
        lambda: vectorized.to_arrays(Ref.params(GOOD_W, GOOD_B), "double-ish"),
        r"dtype: expected float64 or float32; got 'double-ish'",
    ),
    (
        "init_parameters int dtype",
        lambda: vectorized.init_parameters(ARCH, 0, dtype=np.int64),
        r"dtype: expected float64 or float32; got int64",
    ),
    ("Workspace batch", lambda: Workspace(ARCH, 0), r"batch: expected a whole number >= 1; got 0"),
    (
        "Workspace arch",
        lambda: Workspace(None, 2),
        r"arch: expected reference.Architecture; got NoneType",
    ),  # type: ignore[arg-type]
    (
        "train steps",
        lambda: vectorized_train(ARCH, Vec.params(GOOD_W, GOOD_B), GOOD_X, GOOD_Y, 0.1, 0),
        r"steps: expected a whole number >= 1; got 0",
    ),
    (
        "train batch_size",
        lambda: vectorized_train(ARCH, Vec.params(GOOD_W, GOOD_B), GOOD_X, GOOD_Y, 0.1, 2, "2"),
        r"batch_size: expected a whole number >= 1; got '2'",
    ),
    (
        "reference train steps",
        lambda: reference_train(ARCH, Ref.params(GOOD_W, GOOD_B), GOOD_X, GOOD_Y, 0.1, 2.5),
        r"steps: expected a whole number >= 1; got 2.5",
    ),
    (
        "fit seed",
        lambda: fit(ARCH, Vec.params(GOOD_W, GOOD_B), GOOD_X, GOOD_Y, 0.1, 1, 2, "0"),
        r"seed: expected a whole number >= 0; got '0'",
    ),
    (
        "fit threads",
        lambda: fit(ARCH, Vec.params(GOOD_W, GOOD_B), GOOD_X, GOOD_Y, 0.1, 1, 2, 0, threads=0),
        r"threads: expected a whole number >= 1; got 0",
    ),
    (
        "fit test",
        lambda: fit(ARCH, Vec.params(GOOD_W, GOOD_B), GOOD_X, GOOD_Y, 0.1, 1, 2, 0, test=[1]),
        r"test: expected a pair \(images, labels\); got list",
    ),
    (
        "one_hot classes",
        lambda: one_hot(np.array([0]), classes=0),
        r"classes: expected a whole number >= 1; got 0",
    ),
    (
        "one_hot floats",
        lambda: one_hot(np.array([0.5])),
        r"labels: expected 1 whole numbers in 0..9",
    ),
    (
        "load_mnist dtype",
        lambda: load_mnist("/nonexistent", np.float16),
        r"dtype: float16 is refused",
    ),
    (
        "check examples",
        lambda: check("tests.gallery.rows", examples=0),
        r"examples: expected a whole number >= 1; got 0",
    ),
    (
        "check seed",
        lambda: check("tests.gallery.rows", seed=-1),
        r"seed: expected a whole number >= 0; got -1",
    ),
    ("check spec", lambda: check(None), r"module: expected a name like"),  # type: ignore[arg-type]
    (
        "check_isolated dtype",
        lambda: check_isolated("tests.gallery.rows:float16"),
        r"float16 is not checked",
    ),
    (
        "check_isolated examples",
        lambda: check_isolated("tests.gallery.rows", examples=True),
        r"examples: expected a whole number >= 1; got True",
    ),
    (
        "check_isolated limits",
        lambda: check_isolated("tests.gallery.rows", limits=5),  # type: ignore[arg-type]
        r"limits: expected a Limits\(seconds=…, memory_mb=…\); got 5",
    ),
    ("Limits seconds", lambda: Limits(seconds=0), r"seconds: expected a positive finite number"),
    (
        "Limits seconds nan",
        lambda: Limits(seconds=math.nan),
        r"seconds: expected a positive finite number",
    ),
    (
        "Limits memory_mb",
        lambda: Limits(memory_mb=100),
        r"memory_mb: expected a whole number >= 256; got 100",
    ),
    (
        "exercise_isolated name",
        lambda: exercise_isolated("bp5", "x.py"),
        r"exercise: expected one of output_error, hidden_error, backward; got 'bp5'",
    ),
    (
        "exercise_isolated count",
        lambda: exercise_isolated("backward", "x.py", count=0),
        r"count: expected a whole number >= 1; got 0",
    ),
    (
        "check_exercise path",
        lambda: check_exercise("backward", None),  # type: ignore[arg-type]
        r"path: expected the path of a .py file; got None",
    ),
    (
        "check_exercise seed",
        lambda: check_exercise("backward", "x.py", seed="0"),  # type: ignore[arg-type]
        r"seed: expected a whole number >= 0; got '0'",
    ),
    (
        "save params",
        lambda: save("/tmp/x.npz", ARCH, {"W": []}),
        r"params: expected vectorized.Parameters; got dict",
    ),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("what", "call", "message"), PUBLIC, ids=[p[0] for p in PUBLIC])
def test_every_public_function_names_the_bad_argument(
    what: str, call: Callable[[], object], message: str
) -> None:
    with pytest.raises(ContractError, match=message):
        call()


def test_float32_parameters_refuse_inputs_beyond_float32s_range() -> None:
    """Finiteness is checked after the cast to the dtype the network computes in."""
    p = vectorized.to_arrays(reference.init_parameters(ARCH, 0), np.float32)
    with pytest.raises(
        ContractError, match=r"X: expected finite numbers; got one beyond float32's range"
    ):
        vectorized.forward(ARCH, p, np.array([[1e300, 0.0]]))


def test_parameters_of_lists_are_refused_with_the_conversion_named() -> None:
    with pytest.raises(
        ContractError,
        match=r"params: expected NumPy arrays in W and b; got list \(vectorized.to_arrays",
    ):
        vectorized.forward(ARCH, vectorized.Parameters(GOOD_W, GOOD_B), np.array(GOOD_X))


@pytest.mark.parametrize("order", [[5], [-1], [0, 1.0], "01", [], [True]])
@pytest.mark.parametrize("side", ["reference", "vectorized"])
def test_a_training_order_is_checked(side: str, order: Any) -> None:
    p = reference.init_parameters(ARCH, 0)
    params = p if side == "reference" else vectorized.to_arrays(p)
    train = reference_train if side == "reference" else vectorized_train
    with pytest.raises(ContractError, match=r"order: expected "):
        train(ARCH, params, GOOD_X, GOOD_Y, 0.1, 1, order=order)  # type: ignore[operator]
