"""Buggy on purpose: the weights updated before the layer below's δ is computed."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("stale_weights")
