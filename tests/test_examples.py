"""The source documents' worked examples, number for number, in both implementations."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest

import reference
import vectorized
from backprop_data.examples import example
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import error_bound, step_bound
from reference.training import train

ROOT = Path(__file__).resolve().parents[1]

# M. Mazur, "A Step by Step Backpropagation Example" (2015), the example the vectorized guide "Create a simple neural network from scratch" builds on.
MAZUR_OUTPUTS = ("0.75136507", "0.772928465")
MAZUR_TOTAL_ERROR = "0.298371109"
MAZUR_W_AFTER_ONE_STEP = (  # w1..w4 = W[1] row by row, w5..w8 = W[2] row by row
    (("0.149780716", "0.19956143"), ("0.24975114", "0.29950229")),
    (("0.35891648", "0.408666186"), ("0.511301270", "0.561370121")),
)


def published(text: str) -> pytest.approx:  # type: ignore[valid-type]
    """A published value, matched to half a unit of its last printed digit (at most 5e-9)."""
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)
    return pytest.approx(float(text), abs=0.5 * 10.0**exponent)


@pytest.mark.parametrize("module", [reference, vectorized], ids=["reference", "vectorized"])
def test_mazur_one_step_number_for_number(module: object) -> None:
    ex = example("mazur")
    p = ex.params if module is reference else vectorized.to_arrays(ex.params)
    out = [float(v) for v in module.forward(ex.arch, p, ex.X)[0]]  # type: ignore[attr-defined]
    assert out == [published(v) for v in MAZUR_OUTPUTS]
    assert module.cost(ex.arch, p, ex.X, ex.Y) == published(MAZUR_TOTAL_ERROR)  # type: ignore[attr-defined]
    new = module.sgd_step(ex.arch, p, ex.X, ex.Y, ex.learning_rate)  # type: ignore[attr-defined]
    W = new.W if module is reference else vectorized.to_lists(new).W
    for l, rows in enumerate(MAZUR_W_AFTER_ONE_STEP):
        for j, row in enumerate(rows):
            assert W[l][j] == [published(v) for v in row]
    assert (new.b if module is reference else vectorized.to_lists(new).b) == ex.params.b  # frozen


def test_mazur_error_falls_by_the_published_figure() -> None:
    ex = example("mazur")
    params, _ = train(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate, ex.steps)
    start, end = (
        reference.cost(ex.arch, ex.params, ex.X, ex.Y),
        reference.cost(ex.arch, params, ex.X, ex.Y),
    )
    fall = 100.0 * (1.0 - end / start)
    assert round(fall, 4) == 99.9882  # the guide's "our error decreases 99.9882%"
    assert round(fall, 2) == 99.99


@pytest.mark.parametrize("seed", range(5))
def test_xor_is_learned_in_1500_steps(seed: int) -> None:
    ex = example("xor", seed)
    params, costs = train(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate, ex.steps)
    out = [o[0] for o in reference.forward(ex.arch, params, ex.X)]
    assert [o > 0.5 for o in out] == [False, True, True, False]
    # Seed 002's published outputs [0.0085, 0.9672, 0.9673, 0.0387] give a cost of 0.0037.
    assert reference.cost(ex.arch, params, ex.X, ex.Y) < 0.01
    # Its loss curve: about 1.3 at the start, then falling at every step.
    assert costs[0] > 1.0
    assert all(later <= earlier for earlier, later in itertools.pairwise(costs))


@pytest.mark.parametrize(("name", "factor"), [("two-hidden", 100.0), ("deep-bce", 10.0)])
@pytest.mark.parametrize("seed", range(3))
def test_cost_falls_by_the_stated_factor(name: str, factor: float, seed: int) -> None:
    ex = example(name, seed)
    params, _ = train(ex.arch, ex.params, ex.X, ex.Y, ex.learning_rate, ex.steps, ex.batch_size)
    before = reference.cost(ex.arch, ex.params, ex.X, ex.Y)
    assert reference.cost(ex.arch, params, ex.X, ex.Y) <= before / factor


@pytest.mark.parametrize("name", ["mazur", "xor", "two-hidden", "deep-bce"])
def test_both_implementations_follow_the_same_trajectory(name: str) -> None:
    """At every step of the training run, the vectorized step from the reference's current
    parameters lands where the reference's does, within the one-step rounding bound.

    A step where some ReLU's z lies within rounding of 0 may legitimately go either way;
    such steps are not compared (and must be rare)."""
    from reference.contract import batches

    ex = example(name)
    plan = batches(range(len(ex.X)), ex.batch_size or len(ex.X))
    p = ex.params
    ambiguous = 0
    for step in range(ex.steps):
        rows = plan[step % len(plan)]
        X, Y = [ex.X[n] for n in rows], [ex.Y[n] for n in rows]
        grads = reference.backward(ex.arch, p, X, Y)
        bound = error_bound(ex.arch, p, X, Y, "float64")
        eW, eb = step_bound(ex.arch, p, grads, bound, ex.learning_rate, "float64")
        mine = vectorized.to_lists(
            vectorized.sgd_step(ex.arch, vectorized.to_arrays(p), X, Y, ex.learning_rate)
        )
        p = reference.network.apply_update(ex.arch, p, grads, ex.learning_rate)
        if bound.ambiguous:
            ambiguous += 1
            continue
        assert_close(f"step {step} W", mine.W, p.W, eW, "float64")
        assert_close(f"step {step} b", mine.b, p.b, eb, "float64")
    assert ambiguous <= ex.steps // 100


def test_batches_need_a_positive_size() -> None:
    from reference.contract import batches

    assert batches([4, 2, 0, 1, 3], 2) == [[4, 2], [0, 1], [3]]
    with pytest.raises(ValueError, match=r"batch_size: expected a whole number >= 1; got 0"):
        batches([0, 1], 0)
