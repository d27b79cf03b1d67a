"""The backward pass with σ' left out of BP2 (the hidden layers) only."""

import math


def backward(W, b, x, y):
    acts = [x]
    for Wl, bl in zip(W, b):
        z = [bj + sum(w * ai for w, ai in zip(row, acts[-1])) for row, bj in zip(Wl, bl)]
        acts.append([1 / (1 + math.exp(-zj)) for zj in z])
    delta = [(o - t) * o * (1 - o) for o, t in zip(acts[-1], y)]
    dW, db = [None] * len(W), [None] * len(W)
    for l in range(len(W) - 1, -1, -1):
        db[l] = delta
        dW[l] = [[d * ai for ai in acts[l]] for d in delta]
        if l:
            delta = [
                sum(W[l][j][i] * delta[j] for j in range(len(delta))) for i in range(len(acts[l]))
            ]
    return dW, db
