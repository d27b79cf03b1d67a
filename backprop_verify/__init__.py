"""The verifier: the rounding bound, comparisons within it, case strategies, finite
differences and adapters that hold any implementation of the contract to the oracle."""

from backprop_verify.capabilities import Capabilities

__all__ = ["Capabilities"]
