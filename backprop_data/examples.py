"""The worked examples of the documents this project follows, as plain data (lists, no NumPy)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from reference.contract import LOSSES, Architecture, Parameters, init_parameters

MAZUR = 'M. Mazur, "A Step by Step Backpropagation Example" (2015)'
XOR_SOURCE = '"Neural Networks from scratch in Python", XOR'
TWO_HIDDEN = 'A. Arapin, "Simple Neural Network in Python Using Numpy"'
DEEP_BCE = '"Neural Network in NumPy"'


@dataclass(frozen=True)
class Example:
    """A network, its starting parameters, its data and how the source trains it."""

    name: str
    source: str
    arch: Architecture
    params: Parameters
    X: list[list[float]]
    Y: list[list[float]]
    learning_rate: float
    steps: int
    batch_size: int | None  # None: the whole set every step
    note: str = ""  # what a reader comparing with the source should know


def mazur() -> Example:
    """M. Mazur, "A Step by Step Backpropagation Example" (2015): 2-2-2 sigmoid.

    The published initial weights w1..w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55,
    biases b1 = 0.35, b2 = 0.60 (frozen: the post updates the weights only), input
    (0.05, 0.10), target (0.01, 0.99), half squared error, learning rate 0.5.
    """
    arch = Architecture((2, 2, 2), ("sigmoid", "sigmoid"), "half_squared_error", "sum", "frozen")
    params = Parameters(
        [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]],
        [[0.35, 0.35], [0.60, 0.60]],
    )
    note = (
        "Beside the post: its total error after the first step, 0.291027924, does not follow "
        "from its own updated weights, which give 0.291027774. Its error after 10,000 steps, "
        "0.0000351085, is the error after 9,999 updates (3.51085481e-05); after 10,000 it is "
        "3.51018778e-05, as `train mazur` prints."
    )
    return Example(
        "mazur", MAZUR, arch, params, [[0.05, 0.10]], [[0.01, 0.99]], 0.5, 10_000, None, note
    )


def xor(seed: int = 0) -> Example:
    """XOR as in "Neural Networks from scratch in Python": a constant-1 input column,
    3-4-1 sigmoid without biases.

    Sum of squares summed over the four samples, 1500 full-batch steps of ``W += ∂`` as
    written there, i.e. gradient descent with learning rate 1; weights uniform in [0, 1)
    like its ``np.random.rand``, from ``random.Random(seed)``.
    """
    arch = Architecture((3, 4, 1), ("sigmoid", "sigmoid"), "sum_of_squares", "sum", "off")
    rng = random.Random(seed)
    params = Parameters(
        [[[rng.random() for _ in range(3)] for _ in range(4)], [[rng.random() for _ in range(4)]]],
        [[0.0] * 4, [0.0]],
    )
    X = [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
    return Example(
        "xor", XOR_SOURCE, arch, params, X, [[0.0], [1.0], [1.0], [0.0]], 1.0, 1500, None
    )


def two_hidden(seed: int = 0) -> Example:
    """A. Arapin, "Simple Neural Network in Python Using Numpy": two hidden ReLU layers,
    sigmoid output, trained one sample at a time.

    Its rule w ← w + η·error·φ'·v with error = target − output is gradient descent
    on ½(target − output)²; here on XOR's four points (2-6-6-1, biases on), η = 0.1.
    """
    arch = Architecture((2, 6, 6, 1), ("relu", "relu", "sigmoid"), "half_squared_error", "sum")
    X = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    params = init_parameters(arch, seed)
    params.b = [[0.1] * 6, [0.1] * 6, [0.0]]  # small positive biases keep the ReLUs alive
    return Example(
        "two-hidden", TWO_HIDDEN, arch, params, X, [[0.0], [1.0], [1.0], [0.0]], 0.1, 4000, 1
    )


def deep_bce(seed: int = 0) -> Example:
    """The network of "Neural Network in NumPy" (the general δ recursion): 9-6-6-1, ReLU
    hidden layers, sigmoid output, binary cross-entropy averaged over batches of 16, no
    biases. Data: 64 points in [-1, 1]⁹, label 1 when the first three coordinates sum to
    more than the last three."""
    arch = Architecture(
        (9, 6, 6, 1), ("relu", "relu", "sigmoid"), "binary_cross_entropy", "mean", "off"
    )
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1) for _ in range(9)] for _ in range(64)]
    Y = [[1.0 if sum(x[:3]) > sum(x[6:]) else 0.0] for x in X]
    return Example("deep-bce", DEEP_BCE, arch, init_parameters(arch, seed), X, Y, 0.5, 800, 16)


def random_data(
    arch: Architecture, N: int, seed: int
) -> tuple[list[list[float]], list[list[float]]]:
    """Inputs uniform in [-1, 1]; targets of the kind the loss declares (one-hot where
    they are probabilities)."""
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1) for _ in range(arch.sizes[0])] for _ in range(N)]
    n_L = arch.sizes[-1]
    if LOSSES[arch.loss].targets != "real":
        hot = [rng.randrange(n_L) for _ in range(N)]
        Y = [[1.0 if k == hot[n] else 0.0 for k in range(n_L)] for n in range(N)]
    else:
        Y = [[rng.uniform(0, 1) for _ in range(n_L)] for _ in range(N)]
    return X, Y


def custom(
    arch: Architecture, seed: int, samples: int = 4, learning_rate: float = 0.1, steps: int = 100
) -> Example:
    """Any architecture, seeded parameters and ``samples`` rows of random data that fit its
    loss (one full batch)."""
    X, Y = random_data(arch, samples, seed)
    return Example(
        "custom",
        "command line",
        arch,
        init_parameters(arch, seed),
        X,
        Y,
        learning_rate,
        steps,
        None,
    )


# The examples whose starting parameters or data are drawn from a seed.
SEEDED = ("xor", "two-hidden", "deep-bce")
EXAMPLES = {"mazur": mazur, "xor": xor, "two-hidden": two_hidden, "deep-bce": deep_bce}


def example(name: str, seed: int = 0) -> Example:
    """The worked example called ``name`` (seeded where its start is random)."""
    if name not in EXAMPLES:
        raise ValueError(f"example: expected one of {', '.join(EXAMPLES)}; got {name!r}")
    return mazur() if name == "mazur" else EXAMPLES[name](seed)  # type: ignore[call-arg]
