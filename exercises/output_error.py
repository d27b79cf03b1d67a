"""Exercise 1: the output error δ[L] (BP1), for a sigmoid output layer and the loss
ℓ = ½ Σ_j (a_j − y_j)².

Write ``output_error`` below, then check it:

    python -m backprop_verify exercise output_error exercises/output_error.py

Hint: δ[L][j] = ∂ℓ/∂z[L][j] = ∂ℓ/∂a[L][j] · ∂a[L][j]/∂z[L][j] (docs/derivation.md, §3).
"""


def output_error(z: list[float], a: list[float], y: list[float]) -> list[float]:
    """δ[L][j] for each output j, given the output layer's z[L], a[L] = σ(z[L]) and y."""
    raise NotImplementedError
