"""BP2, written by a student who got it right."""


def hidden_error(W_next, delta_next, z, a):
    out = []
    for i in range(len(a)):
        total = sum(W_next[j][i] * delta_next[j] for j in range(len(delta_next)))
        out.append(a[i] * (1 - a[i]) * total)
    return out
