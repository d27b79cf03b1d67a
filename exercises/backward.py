"""Exercise 3: the whole backward pass for one sample (BP1 to BP4), for a network of
sigmoid layers with the loss ℓ = ½ Σ_j (a[L][j] − y_j)².

Write ``backward`` below, then check it:

    python -m backprop_verify exercise backward exercises/backward.py

``W[l-1]`` is layer l's matrix (row j: the weights into node j) and ``b[l-1]`` its biases,
as in docs/notation.md. Run the forward pass (1)-(2), then BP1, BP2 back through the
layers, and BP3, BP4 for the gradients (docs/derivation.md, §2-§4).
"""


def backward(
    W: list[list[list[float]]], b: list[list[float]], x: list[float], y: list[float]
) -> tuple[list[list[list[float]]], list[list[float]]]:
    """(∂ℓ/∂W, ∂ℓ/∂b), shaped like (W, b), for the one sample (x, y)."""
    raise NotImplementedError
