"""BP1 with target − output, as some tutorials write the error."""


def output_error(z, a, y):
    return [(y_j - a_j) * a_j * (1 - a_j) for a_j, y_j in zip(a, y)]
