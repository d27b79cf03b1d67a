"""BP1 with σ' written z(1 − z)."""


def output_error(z, a, y):
    return [(a_j - y_j) * z_j * (1 - z_j) for z_j, a_j, y_j in zip(z, a, y)]
