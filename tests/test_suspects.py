"""Each usual mistake of the catalogue, made exactly by the numbers (the suspect's own
variant as the module's backward), is named by the diagnosis, and no other one is: no
suspect's text states what its numbers do not show."""

from __future__ import annotations

import types

import pytest

import reference
from backprop_verify import check as check_module
from backprop_verify.adapters import Implementation
from backprop_verify.capabilities import Capabilities
from backprop_verify.diagnosis import VARIANTS, _cost_terms
from backprop_verify.suspects import variant_gradients

SMALL = {"max_width": 4, "max_batch": 4}
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
        ("l2_missing", "l2_per_sample", "l2_twice", "l2_on_biases"),
        Capabilities(
            hidden=("tanh",),
            output=("identity",),
            losses=("half_squared_error",),
            biases=("on",),
            max_depth=2,
            l2=True,
            **SMALL,
        ),
    ),
}


def test_every_suspect_of_the_catalogue_is_held_to_its_numbers() -> None:
    assert set(WHERE) == set(VARIANTS)


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

    module = types.SimpleNamespace(
        forward=reference.forward, cost=reference.cost, backward=backward
    )
    impl = Implementation(f"made {bug}", module, "float64", on_lists=True, caps=WHERE[bug])  # type: ignore[arg-type]
    agreement = check_module.properties.table()[0]
    outcome = check_module.run_property(agreement, impl, examples=40, seed=seed)
    assert outcome.verdict == "FAIL" and outcome.kind == "gradient"
    named = [b for b, text in VARIANTS.items() if any(text in d for d in outcome.diagnosis)]
    assert named == [bug], outcome.diagnosis


L2_COSTS = Capabilities(
    hidden=("tanh",),
    output=("identity",),
    losses=("half_squared_error",),
    biases=("on",),
    max_depth=2,
    l2=True,
    **SMALL,
)
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
    impl = Implementation(f"made {words}", module, "float64", on_lists=True, caps=L2_COSTS)  # type: ignore[arg-type]
    agreement = check_module.properties.table()[0]
    outcome = check_module.run_property(agreement, impl, examples=40, seed=0)
    assert outcome.verdict == "FAIL" and outcome.kind == "cost", outcome.diagnosis
    named = [w for w in L2_COST_WORDS if any(w in d for d in outcome.diagnosis)]
    assert named == [words], outcome.diagnosis
