"""Buggy on purpose: the gradient summed over the batch where the cost is a mean."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("sum_not_mean")
