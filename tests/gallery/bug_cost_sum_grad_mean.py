"""Buggy on purpose: the cost summed over the outputs, the gradient averaged."""

from tests.gallery.columns import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("cost_sum_grad_mean")
