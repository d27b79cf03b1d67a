"""Buggy on purpose: σ' applied to the activation a instead of to z."""

from tests.gallery.columns import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("prime_of_a")
