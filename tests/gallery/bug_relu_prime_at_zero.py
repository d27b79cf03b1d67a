"""Buggy on purpose: ReLU'(0) taken as 1."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("relu_prime_at_zero")
