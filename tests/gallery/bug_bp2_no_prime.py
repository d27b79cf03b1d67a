"""Buggy on purpose: the hidden error BP2 without φ', Wᵀδ alone (per-sample columns, the
shape of M. Nielsen's network.py)."""

from tests.gallery.columns import CAPABILITIES, build

__all__ = ["CAPABILITIES", "backward", "cost", "forward", "sgd_step"]

forward, cost, backward, sgd_step = build("bp2_no_prime")
