"""L2 weight decay, (λ/2)·Σ‖W‖² once per batch: the published conventions agree with it, both
implementations and the trainer's step compute it, both traces print it, and every way
in (the API, the command lines, the weights JSON, saved models) carries λ."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import reference
import vectorized
from backprop_cli import weights_json
from backprop_cli.reference_cli import main as reference_main
from backprop_cli.vectorized_cli import main as vectorized_main
from backprop_data.examples import mazur
from backprop_data.persist import load, save
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import error_bound, one_step_bound
from reference import ContractError
from reference.regularization import CONVENTIONS, convention, l2_term
from tests.streams import one_line
from vectorized.workspace import Workspace

ARCH = reference.Architecture(
    (3, 4, 2), ("tanh", "sigmoid"), "half_squared_error", "mean", "on", 0.3
)
X = [[0.5, -1.0, 2.0], [0.1, 0.2, 0.3], [-0.7, 0.4, 0.0]]
Y = [[0.2, 0.9], [0.6, 0.1], [0.5, 0.5]]


def _plain(arch: reference.Architecture) -> reference.Architecture:
    return replace(arch, l2=0.0)


def test_the_term_is_added_once_to_the_cost_and_lambda_w_to_each_weight_gradient() -> None:
    p = reference.init_parameters(ARCH, seed=3)
    with_l2, without = reference.backward(ARCH, p, X, Y), reference.backward(_plain(ARCH), p, X, Y)
    squares = sum(w * w for W_l in p.W for row in W_l for w in row)
    assert with_l2.cost == pytest.approx(without.cost + 0.15 * squares, rel=1e-15)
    for g, g0, W_l in zip(with_l2.W, without.W, p.W, strict=True):
        assert np.allclose(np.array(g), np.array(g0) + 0.3 * np.array(W_l), rtol=0, atol=1e-16)
    assert with_l2.b == without.b  # the biases are not regularized
    for reduction in reference.REDUCTIONS:  # the same term under both reductions
        arch = replace(ARCH, reduction=reduction)
        term = reference.cost(arch, p, X, Y) - reference.cost(_plain(arch), p, X, Y)
        assert term == pytest.approx(l2_term(arch, p), rel=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_vectorized_and_the_workspace_step_agree_with_the_reference_within_the_bound(
    dtype: str,
) -> None:
    p = reference.init_parameters(ARCH, seed=4)
    q = vectorized.to_arrays(p, dtype)
    Xa, Ya = np.array(X, dtype), np.array(Y, dtype)
    bound = error_bound(ARCH, p, X, Y, dtype)
    want = reference.backward(ARCH, p, X, Y)
    got = vectorized.to_lists(vectorized.backward(ARCH, q, Xa, Ya))
    assert_close("dC/dW", got.W, want.W, bound.W, dtype)
    assert_close("cost", vectorized.cost(ARCH, q, Xa, Ya), want.cost, bound.cost, dtype)
    ws = Workspace(ARCH, len(X), dtype)
    C = ws.step(q, Xa, Ya, 0.5, cost=True)
    assert_close("cost", C, want.cost, bound.cost, dtype)
    eW, eb = one_step_bound(ARCH, p, X, Y, 0.5, dtype)
    stepped = reference.sgd_step(ARCH, p, X, Y, 0.5)
    assert_close("W", vectorized.to_lists(q).W, stepped.W, eW, dtype)
    assert_close("b", vectorized.to_lists(q).b, stepped.b, eb, dtype)


def test_the_step_decays_the_weights_by_one_minus_eta_lambda() -> None:
    p = reference.init_parameters(ARCH, seed=5)
    eta = 0.5
    decayed = reference.sgd_step(ARCH, p, X, Y, eta)
    plain = reference.backward(_plain(ARCH), p, X, Y)
    for W_new, W_l, g0 in zip(decayed.W, p.W, plain.W, strict=True):
        want = (1 - eta * 0.3) * np.array(W_l) - eta * np.array(g0)
        assert np.allclose(np.array(W_new), want, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    ("name", "published", "n", "lam"),
    [
        ("nielsen", 5.0, 50_000, 1e-4),  # network2.py's lmbda = 5.0 over 50,000 images
        ("cs231n", 0.25, 1, 0.5),
        ("cs231n_half", 0.5, 1, 0.5),
        ("sklearn", 1e-4, 200, 5e-7),
        ("contract", 0.3, 7, 0.3),
    ],
)
def test_each_published_convention_converts_to_the_contracts_lambda(
    name: str, published: float, n: int, lam: float
) -> None:
    c = convention(name)
    assert c.to_lambda(published, n) == pytest.approx(lam, rel=1e-15)
    assert c.from_lambda(lam, n) == pytest.approx(published, rel=1e-15)
    assert c.written and c.source


def test_nielsens_and_sklearns_terms_as_they_write_them_equal_the_contracts() -> None:
    p = vectorized.to_arrays(reference.init_parameters(ARCH, seed=6))
    n = len(X)
    term = l2_term(ARCH, reference.init_parameters(ARCH, seed=6))
    lmbda = CONVENTIONS["nielsen"].from_lambda(ARCH.l2, n)
    nielsen = 0.5 * (lmbda / n) * sum(np.linalg.norm(w) ** 2 for w in p.W)
    alpha = CONVENTIONS["sklearn"].from_lambda(ARCH.l2, n)
    sklearn = (0.5 * alpha) * sum(np.dot(w.ravel(), w.ravel()) for w in p.W) / n
    reg = CONVENTIONS["cs231n"].from_lambda(ARCH.l2)
    cs231n = reg * sum(np.sum(w * w) for w in p.W)
    for theirs in (nielsen, sklearn, cs231n):
        assert theirs == pytest.approx(term, rel=1e-14)


def test_an_unknown_convention_or_a_bad_lambda_fails_loudly() -> None:
    with pytest.raises(
        ContractError, match=r"convention: expected one of contract, nielsen, .*; got 'keras'"
    ):
        convention("keras")
    for bad in (-0.1, float("nan"), float("inf"), "0.1", True):
        with pytest.raises(ContractError, match=r"l2: expected a finite number >= 0; got"):
            replace(ARCH, l2=bad)


def test_both_traces_print_the_term_and_the_gradient_it_adds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ex = mazur()
    p, arch = ex.params, replace(ex.arch, l2=0.1)
    grads = reference.backward(arch, p, ex.X, ex.Y)
    term = l2_term(arch, p)
    assert reference_main(["trace", "mazur", "--l2", "0.1"]) == 0
    out = capsys.readouterr().out
    assert f"({arch.reduction}, bias {arch.bias}, L2 λ=0.1)" in out
    assert f"= {grads.cost - term:.9g} + {term:.9g} = {grads.cost:.9g}" in out
    assert f"+ 0.1·0.4 = {grads.W[1][0][0]:.9g}" in out  # w5 = 0.4 decays by λ·w5
    assert "‖δ[" not in out  # the outer-product identity of the norms holds without L2 only
    assert vectorized_main(["trace", "mazur", "--l2", "0.1"]) == 0
    out = capsys.readouterr().out
    assert "∂C/∂W[l] = Δ[l].T @ A[l-1] + λ·W[l] (BP4 + L2)" in out
    assert f"= {grads.cost - term:.9g} + {term:.9g} = {grads.cost:.9g}" in out
    assert "check against the node-by-node trace: every entry equal" in out


@pytest.mark.parametrize("bad", ["-1", "nan", "inf", "x"])
def test_a_bad_l2_option_is_one_line(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        reference_main(["trace", "mazur", "--l2", bad])
    assert exit_.value.code == 2
    assert one_line(capsys.readouterr().err).startswith(
        "error: argument --l2: expected a finite number >= 0"
    )


def test_lambda_travels_through_the_weights_json_and_saved_models(tmp_path: Path) -> None:
    ex = mazur()
    ex = replace(ex, arch=replace(ex.arch, l2=0.25))
    path = tmp_path / "net.json"
    path.write_text(weights_json.dumps(ex), encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["l2"] == 0.25
    assert weights_json.load(str(path)).arch == ex.arch
    saved = save(tmp_path / "net.npz", ex.arch, vectorized.to_arrays(ex.params))
    assert load(saved)[0] == ex.arch
    plain = replace(ex, arch=replace(ex.arch, l2=0.0))
    assert "l2" not in json.loads(
        weights_json.dumps(plain)
    )  # the file of a plain network is unchanged
