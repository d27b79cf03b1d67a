"""Buggy on purpose: softmax + cross-entropy through a wrong (diagonal) Jacobian."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("softmax_diagonal")
