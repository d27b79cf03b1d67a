"""BP2 without φ'(z[l])."""


def hidden_error(W_next, delta_next, z, a):
    return [
        sum(W_next[j][i] * delta_next[j] for j in range(len(delta_next))) for i in range(len(a))
    ]
