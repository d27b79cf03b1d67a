"""Buggy on purpose: the bias gradient summed over the wrong axis."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("bias_wrong_axis")
