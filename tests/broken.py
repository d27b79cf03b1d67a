"""Deliberately wrong implementations: the finite-difference oracle must reject them.

Each wraps ``vectorized`` and reports a gradient that belongs to a different cost than
the one it reports.
"""

from __future__ import annotations

from typing import Any

import vectorized
from reference import Architecture
from vectorized import Gradients, Parameters, forward, sgd_step

__all__ = ["forward", "sgd_step"]


class MeanInCostOnly:
    """A mean reduction that divides the cost by N but not the gradient."""

    forward = staticmethod(forward)
    sgd_step = staticmethod(sgd_step)

    @staticmethod
    def cost(arch: Architecture, params: Parameters, X: Any, Y: Any) -> float:
        return vectorized.cost(arch, params, X, Y)

    @staticmethod
    def backward(arch: Architecture, params: Parameters, X: Any, Y: Any) -> Gradients:
        g = vectorized.backward(arch, params, X, Y)
        n = len(X) if arch.reduction == "mean" else 1
        return Gradients([w * n for w in g.W], [v * n for v in g.b], g.cost)


class OutputsAveragedInCost:
    """A multi-output loss averaged over the outputs in the cost, summed in the gradient."""

    forward = staticmethod(forward)
    sgd_step = staticmethod(sgd_step)

    @staticmethod
    def cost(arch: Architecture, params: Parameters, X: Any, Y: Any) -> float:
        return vectorized.cost(arch, params, X, Y) / arch.sizes[-1]

    @staticmethod
    def backward(arch: Architecture, params: Parameters, X: Any, Y: Any) -> Gradients:
        return vectorized.backward(arch, params, X, Y)
