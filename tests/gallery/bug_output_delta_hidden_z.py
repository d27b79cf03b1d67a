"""Buggy on purpose: the output δ built from a hidden layer's z."""

from tests.gallery.columns import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("output_delta_hidden_z")
