"""The whole backward pass for one sample, written by a student who got it right."""

import math


def backward(W, b, x, y):
    acts = [x]
    for Wl, bl in zip(W, b):
        z = [bj + sum(w * ai for w, ai in zip(row, acts[-1])) for row, bj in zip(Wl, bl)]
        acts.append([1 / (1 + math.exp(-zj)) for zj in z])
    out = acts[-1]
    delta = [(o - t) * o * (1 - o) for o, t in zip(out, y)]
    dW, db = [None] * len(W), [None] * len(W)
    for l in range(len(W) - 1, -1, -1):
        db[l] = delta
        dW[l] = [[d * ai for ai in acts[l]] for d in delta]
        if l:
            a = acts[l]
            delta = [
                a[i] * (1 - a[i]) * sum(W[l][j][i] * delta[j] for j in range(len(delta)))
                for i in range(len(a))
            ]
    return dW, db
