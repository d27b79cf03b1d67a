"""BP1 without σ'(z): the most common first attempt."""


def output_error(z, a, y):
    return [a_j - y_j for a_j, y_j in zip(a, y)]
