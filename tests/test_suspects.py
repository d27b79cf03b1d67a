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
from backprop_verify.diagnosis import VARIANTS
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
