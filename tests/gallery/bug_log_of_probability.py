"""Numerically fragile on purpose: the cross-entropy as the textbooks write it,
−Σ y log p from the softmax's probabilities, which is −∞ or NaN once a probability rounds
to 0; everything else is right."""

from tests.gallery.rows import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("log_of_probability")
