"""Each usual mistake of the catalogue, made exactly by the numbers (the suspect's own
variant as the module's backward), is named by the diagnosis, and no other one is: no
suspect's text states what its numbers do not show."""

from __future__ import annotations

import types
from dataclasses import replace

import pytest

import reference
from backprop_verify import check as check_module
from backprop_verify.adapters import Implementation
from backprop_verify.capabilities import Capabilities
from backprop_verify.diagnosis import VARIANTS, _cost_terms, _factor_suspects
from backprop_verify.suspects import variant_gradients

SMALL = {"max_width": 4, "max_batch": 4}
# Where the mistakes of the L2 term can show: λ drawn, biases trained.
L2_CAPS = Capabilities(
    hidden=("tanh",),
    output=("identity",),
    losses=("half_squared_error",),
    biases=("on",),
    max_depth=2,
    l2=True,
    **SMALL,
)
# Where each mistake can show: the activations, losses and shapes it needs.
WHERE = {
    "prime_of_a": Capabilities(
        hidden=("sigmoid",),
        output=("sigmoid",),
        losses=("half_squared_error",),
        min_depth=2,
        max_depth=3,
        **SMALL,
    ),
    "prime_at_kink": Capabilities(
        hidden=("relu",),
        output=("identity",),
        losses=("half_squared_error",),
        min_depth=2,
        max_depth=3,
        **SMALL,
    ),
    "softmax_diagonal": Capabilities(
        hidden=("tanh",),
        output=("softmax",),
        losses=("categorical_cross_entropy",),
        max_depth=2,
        **SMALL,
    ),
    "output_delta_hidden_z": Capabilities(
        hidden=("tanh",),
        output=("sigmoid",),
        losses=("half_squared_error",),
        min_depth=2,
        max_depth=2,
        max_width=3,
        max_batch=4,
    ),
    "bias_wrong_axis": Capabilities(
        hidden=("tanh",),
        output=("identity",),
        losses=("half_squared_error",),
        min_depth=2,
        max_depth=2,
        max_width=3,
        max_batch=3,
    ),
    "bp2_no_prime": Capabilities(
        hidden=("tanh",),
        output=("identity",),
        losses=("half_squared_error",),
        min_depth=2,
        max_depth=3,
        **SMALL,
    ),
    "bp2_untransposed": Capabilities(
        hidden=("tanh",),
        output=("identity",),
        losses=("half_squared_error",),
        min_depth=3,
        max_depth=3,
        max_width=3,
        max_batch=4,
    ),
    **dict.fromkeys(
        ("l2_missing", "l2_per_sample", "l2_twice", "l2_half", "l2_on_biases"), L2_CAPS
    ),
}


def test_every_suspect_of_the_catalogue_is_held_to_its_numbers() -> None:
    assert set(WHERE) == set(VARIANTS)


def _diagnosed(caps: Capabilities, kind: str, seed: int = 0, **functions: object) -> list[str]:
    """The agreement property's diagnosis of a module made of the oracle's functions with
    ``functions`` in their place; the property must fail with ``kind``."""
    parts = {"forward": reference.forward, "cost": reference.cost, "backward": reference.backward}
    module = types.SimpleNamespace(**{**parts, **functions})
    impl = Implementation("made", module, "float64", on_lists=True, caps=caps)  # type: ignore[arg-type]
    agreement = check_module.properties.table()[0]
    outcome = check_module.run_property(agreement, impl, examples=40, seed=seed)
    assert outcome.verdict == "FAIL" and outcome.kind == kind, outcome.diagnosis
    return outcome.diagnosis


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("bug", VARIANTS)
def test_a_mistake_made_exactly_is_named_and_nothing_else(bug: str, seed: int) -> None:
    def backward(
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
    ) -> reference.Gradients:
        made = variant_gradients(arch, p, X, Y, bug)
        return made if made is not None else reference.backward(arch, p, X, Y)

    said = _diagnosed(WHERE[bug], "gradient", seed, backward=backward)
    named = [b for b, text in VARIANTS.items() if any(text in d for d in said)]
    assert named == [bug], said


# The L2 mistakes of a cost, by the words that name them.
L2_COST_WORDS = (
    "left out of the cost",
    "λ·Σ‖W‖² in the cost, without the ½",
    "once per sample",
    "the biases' squares",
)


@pytest.mark.parametrize("words", L2_COST_WORDS)
def test_an_l2_mistake_of_the_cost_made_exactly_is_named_and_nothing_else(words: str) -> None:
    def cost(
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
    ) -> float:
        right = reference.cost(arch, p, X, Y)
        made = [d for what, d in _cost_terms(arch, p, len(X)) if words in what]
        return right + made[0] if made else right

    module = types.SimpleNamespace(
        forward=reference.forward, cost=cost, backward=reference.backward
    )
    impl = Implementation(f"made {words}", module, "float64", on_lists=True, caps=L2_CAPS)  # type: ignore[arg-type]
    agreement = check_module.properties.table()[0]
    outcome = check_module.run_property(agreement, impl, examples=40, seed=0)
    assert outcome.verdict == "FAIL" and outcome.kind == "cost", outcome.diagnosis
    named = [w for w in L2_COST_WORDS if any(w in d for d in outcome.diagnosis)]
    assert named == [words], outcome.diagnosis


# Each constant factor of the gradient, by the words that open it, and the reduction where
# it can show.
FACTORS = {
    "a sign:": "mean",
    "a factor N (": "mean",
    "a factor 1/N:": "sum",
    "a factor 2:": "mean",
    "a factor 1/2:": "mean",
    "a factor N·n_out:": "mean",
    "a factor 1/n_out:": "mean",
    "a factor n_out:": "mean",
}


@pytest.mark.parametrize("opening", FACTORS)
def test_a_constant_factor_made_exactly_is_named_and_no_other(opening: str) -> None:
    """The losses' part of the gradient times the factor, λ·W as it is (a sign: all)."""

    def backward(
        arch: reference.Architecture,
        p: reference.Parameters,
        X: list[list[float]],
        Y: list[list[float]],
    ) -> reference.Gradients:
        right = reference.backward(arch, p, X, Y)
        made = [f for text, f in _factor_suspects(arch, len(X)) if text.startswith(opening)]
        if not made:
            return right
        plain = reference.backward(replace(arch, l2=0.0), p, X, Y)
        f = made[0]
        keep = -1.0 if opening == "a sign:" else 1.0

        def scaled(g: float, g0: float) -> float:
            return f * g0 + keep * (g - g0)

        W = [
            [
                [scaled(g, g0) for g, g0 in zip(r, r0, strict=True)]
                for r, r0 in zip(l, l0, strict=True)
            ]
            for l, l0 in zip(right.W, plain.W, strict=True)
        ]
        b = [
            [scaled(g, g0) for g, g0 in zip(r, r0, strict=True)]
            for r, r0 in zip(right.b, plain.b, strict=True)
        ]
        return reference.Gradients(W, b, right.cost)

    module = types.SimpleNamespace(
        forward=reference.forward, cost=reference.cost, backward=backward
    )
    caps = replace(L2_CAPS, reductions=(FACTORS[opening],))
    impl = Implementation(f"made {opening}", module, "float64", on_lists=True, caps=caps)  # type: ignore[arg-type]
    agreement = check_module.properties.table()[0]
    outcome = check_module.run_property(agreement, impl, examples=40, seed=1)
    assert outcome.verdict == "FAIL" and outcome.kind == "gradient", outcome.diagnosis
    named = [o for o in FACTORS if any(d.startswith(o) for d in outcome.diagnosis)]
    assert named == [opening], outcome.diagnosis
