"""The verifier: the rounding bound, comparisons within it, case strategies, finite
differences and adapters that hold any implementation of the contract to the oracle."""
