"""The oracle: backpropagation node by node, in the standard library only."""

from reference.contract import (
    ACTIVATIONS,
    BIAS_MODES,
    LOSSES,
    REDUCTIONS,
    Architecture,
    ContractError,
    DivergenceError,
    Gradients,
    Parameters,
    init_parameters,
)
from reference.network import backward, cost, forward, forward_pass, sgd_step

__all__ = [
    "ACTIVATIONS",
    "BIAS_MODES",
    "LOSSES",
    "REDUCTIONS",
    "Architecture",
    "ContractError",
    "DivergenceError",
    "Gradients",
    "Parameters",
    "backward",
    "cost",
    "forward",
    "forward_pass",
    "init_parameters",
    "sgd_step",
]
