"""Buggy on purpose: BP2 with W not transposed, ``delta @ W`` where ``delta @ W.T`` was
meant for W of shape (n_in, n_out); it raises on most shapes and is silently wrong on a
square layer."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("bp2_untransposed")
