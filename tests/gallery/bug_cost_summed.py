"""Buggy on purpose: the cost summed over the batch while the gradient (right) is the
mean's, as declared."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("cost_summed")
