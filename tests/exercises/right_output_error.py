"""BP1, written by a student who got it right."""

import math


def output_error(z, a, y):
    # σ'(z) recomputed from z rather than taken from a: rounding differs, the answer not.
    return [
        (a_j - y_j) * math.exp(-z_j) / (1 + math.exp(-z_j)) ** 2 for z_j, a_j, y_j in zip(z, a, y)
    ]
