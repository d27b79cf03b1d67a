"""Exercise 2: one hidden layer's error δ[l] (BP2), for sigmoid layers.

Write ``hidden_error`` below, then check it:

    python -m backprop_verify exercise hidden_error exercises/hidden_error.py

``W_next`` is W[l+1]: row j holds the weights into node j of layer l+1, so W_next[j][i]
joins node i of layer l to node j of layer l+1. Hint: z[l][i] reaches the loss through
every node j it feeds (docs/derivation.md, §4).
"""


def hidden_error(
    W_next: list[list[float]], delta_next: list[float], z: list[float], a: list[float]
) -> list[float]:
    """δ[l][i] for each node i of layer l, from W[l+1], δ[l+1], z[l] and a[l] = σ(z[l])."""
    raise NotImplementedError
