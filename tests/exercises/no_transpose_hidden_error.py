"""BP2 with W[l+1] not transposed: W_next[i][j] where W_next[j][i] was meant."""


def hidden_error(W_next, delta_next, z, a):
    return [
        a[i] * (1 - a[i]) * sum(W_next[i][j] * delta_next[j] for j in range(len(delta_next)))
        for i in range(len(a))
    ]
