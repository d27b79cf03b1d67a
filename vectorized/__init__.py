"""The vectorized twin: the reference's backpropagation as NumPy matrix products over a batch."""

from vectorized.arrays import Gradients, Parameters, init_parameters, to_arrays, to_lists
from vectorized.network import backward, cost, forward, forward_pass, sgd_step

__all__ = [
    "Gradients",
    "Parameters",
    "backward",
    "cost",
    "forward",
    "forward_pass",
    "init_parameters",
    "sgd_step",
    "to_arrays",
    "to_lists",
]
