"""How far apart may two correct implementations be?  A forward error analysis.

Every tolerance of the agreement tests comes from here, not from a constant picked until
the tests pass.  For one network, batch and parameter set we run the reference alongside
a second computation that, for every quantity q the implementations produce (z, a, ℓ, C,
δ, ∂C/∂W, ∂C/∂b, the updated W and b), bounds |q_computed − q_exact| for *any* evaluation
order of the sums, in floating point with machine epsilon ε:

* a sum of n terms, in any order (a loop, a BLAS kernel, pairwise): error at most
  γ(n)·Σ|terms| with γ(n) = nε / (1 − nε)  (Higham, *Accuracy and Stability of Numerical
  Algorithms*, 2nd ed., §3.1; with ε = 2u, twice the unit roundoff, so it is generous);
* one rounded operation (·, /, −): ε·|result|;
* exp, log1p, tanh from libm or NumPy's SIMD loops: at most ``ELEMENTARY_ULPS`` ulp;
* errors already in the operands propagate through each function f by the mean-value
  theorem: |f(x + e) − f(x)| ≤ max |f'| over [x − e, x + e] · e, which for σ and tanh we
  evaluate exactly (φ' is largest at the point of the interval nearest 0), and through
  products as |x|e_y + |y|e_x + e_x e_y.  Nothing is linearised away.

Two implementations that each stay within the bound of the exact value differ by at most
twice the bound, which is what ``assert_close`` allows (plus ``underflow``, the size of a
gradual-underflow rounding, see ``UNDERFLOW``).  A ReLU whose z lies within the bound of its
kink may legitimately take either branch in either implementation; the bound reports
those cases as ``ambiguous`` and the property tests do not use them (ReLU *exactly* at 0
is tested with z = 0 produced exactly, which has a zero bound).

For float32 the same analysis runs with ε = 2⁻²³ and with the float32 rounding of the
parameters and inputs as their initial errors.  The bounds are worst-case: measured
differences are typically 10–1000 times smaller, so a real bug (a wrong sign, a missing
factor, a swapped index) sits far outside them while rounding never does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reference
from reference.activations import sigmoid
from reference.contract import ACTIVATIONS, LEAKY_SLOPE
from reference.losses import loss as sample_loss
from reference.network import backward_pass, feed_forward

EPS = {"float64": 2.0**-52, "float32": 2.0**-23}
# An absolute allowance for gradual underflow: a result below the smallest normal number
# is rounded to a multiple of the smallest subnormal (2**-1074, 2**-149), far below these.
UNDERFLOW = {"float64": 2.0**-1000, "float32": 2.0**-100}
# The smallest normal number. An exponential that underflows (e^{-z} of σ for z far below 0,
# e^{z - m} of softmax) may leave a result this small flushed to 0: an absolute error, which
# later products can magnify (a weight gradient δ·a with |δ| of 10^10 turns 10^-38 into
# 10^-28, far above the underflow allowance), so it enters the analysis where it arises.
TINY = {"float64": 2.0**-1022, "float32": 2.0**-126}
ELEMENTARY_ULPS = 4.0

Matrix = list[list[float]]


def _sure(bound: Any) -> Any:
    """``bound`` with NaN read as ∞. The analysis multiplies an exact zero (φ' = 0 of a
    layer that is off) by an error that has grown without bound, 0·∞, whose true value is
    an error that cannot be bounded either way: ∞, which judges nothing, never NaN, which
    would fail every comparison."""
    if isinstance(bound, list):
        return [_sure(b) for b in bound]
    return math.inf if math.isnan(bound) else bound


def gamma(n: int, eps: float) -> float:
    """γ(n) = nε/(1 − nε): the relative error bound of an n-term floating-point sum."""
    return n * eps / (1.0 - n * eps)


def _peak_sigmoid_prime(near: float) -> float:
    """σ'(t) at |t| = near: e^{-|t|} / (1 + e^{-|t|})², with no cancellation for large |t|."""
    e_t = math.exp(-near)
    return e_t / (1.0 + e_t) ** 2


def _peak_tanh_prime(near: float) -> float:
    """tanh'(t) at |t| = near: 4e^{-2|t|} / (1 + e^{-2|t|})²."""
    e_2t = math.exp(-2.0 * near)
    return 4.0 * e_2t / (1.0 + e_2t) ** 2


def _bell(peak: Callable[[float], float]) -> Callable[[float, float], float]:
    """max |φ'| over [z − e, z + e] for a φ' that peaks at 0 and falls away from it."""
    return lambda z, e: peak(0.0 if abs(z) <= e else abs(z) - e)


@dataclass(frozen=True)
class ActivationFacts:
    """What the error analysis needs of φ: max |φ'| over an interval (z, e), φ' as computed
    from a with its error (a, e_a, ε), φ's own rounding in units of ε relative to |a| (0:
    exact) and the width of its range. None for softmax, which is handled as a layer."""

    max_abs_dphi: Callable[[float, float], float] | None
    dphi_error: Callable[[float, float, float], tuple[float, float]] | None
    ulps: float
    cap: float


def _softplus_dphi_error(a: float, ea: float, eps: float) -> tuple[float, float]:
    """softplus' = 1 − e^{−a} = −expm1(−a), whose slope in a is e^{−a} ≤ 1."""
    d = -math.expm1(-a)
    return d, math.exp(-max(a - ea, 0.0)) * ea + (ELEMENTARY_ULPS + 1) * eps * d


# One elementary function (exp or tanh) and three rounded operations.
ONE_FUNCTION = ELEMENTARY_ULPS + 3

ACTIVATION_FACTS = {
    "identity": ActivationFacts(lambda z, e: 1.0, lambda a, ea, eps: (1.0, 0.0), 0.0, math.inf),
    "sigmoid": ActivationFacts(
        _bell(_peak_sigmoid_prime),
        lambda a, ea, eps: (
            a * (1.0 - a),
            ea * (abs(1.0 - 2.0 * a) + ea) + 3 * eps * (abs(a) + abs(a * (1.0 - a))),
        ),
        ONE_FUNCTION,
        1.0,
    ),
    "tanh": ActivationFacts(
        _bell(_peak_tanh_prime),
        lambda a, ea, eps: (1.0 - a * a, ea * (2.0 * abs(a) + ea) + 3 * eps),
        ONE_FUNCTION,
        2.0,
    ),
    # 0 on a ReLU that stays off over the whole interval; φ' is exact (0 or 1), and the sign
    # of a is that of z.
    "relu": ActivationFacts(
        lambda z, e: 0.0 if z + e <= 0.0 else 1.0,
        lambda a, ea, eps: (1.0 if a > 0.0 else 0.0, 0.0),
        0.0,
        math.inf,
    ),
    # As ReLU, with the slope below the kink; s·z is one rounded product.
    "leaky_relu": ActivationFacts(
        lambda z, e: LEAKY_SLOPE if z + e <= 0.0 else 1.0,
        lambda a, ea, eps: (1.0 if a > 0.0 else LEAKY_SLOPE, 0.0),
        1.0,
        math.inf,
    ),
    # softplus' = σ rises with z; exp, then log1p (whose relative error log(1 + x) ≥ x/(1 + x)
    # keeps below a's), and the sum.
    "softplus": ActivationFacts(
        lambda z, e: sigmoid(z + e),
        _softplus_dphi_error,
        2 * ELEMENTARY_ULPS + 3,
        math.inf,
    ),
    "softmax": ActivationFacts(None, None, ONE_FUNCTION, 1.0),
}


def _max_abs_dphi(name: str, z: float, e: float) -> float:
    """max |φ'(ζ)| for ζ in [z − e, z + e]."""
    f = ACTIVATION_FACTS[name].max_abs_dphi
    assert f is not None, "softmax is a layer"
    return f(z, e)


def _dphi_error(name: str, a: float, ea: float, eps: float) -> tuple[float, float]:
    """φ'(z) as computed from a (σ: a(1−a), tanh: 1−a²): its value's size and its error."""
    f = ACTIVATION_FACTS[name].dphi_error
    assert f is not None, "softmax is a layer"
    return f(a, ea, eps)


def _initial_errors(
    params: reference.Parameters, dtype: str, eW: list[Matrix] | None, eb: Matrix | None
) -> tuple[list[Matrix], Matrix]:
    """The given parameter errors, or those of storing the parameters in ``dtype``
    (none for float64, half an ulp, ε/2 relative, for float32)."""
    u_in = EPS[dtype] / 2 if dtype == "float32" else 0.0
    if eW is None:
        eW = [[[u_in * abs(w) for w in row] for row in W_l] for W_l in params.W]
    if eb is None:
        eb = [[u_in * abs(v) for v in b_l] for b_l in params.b]
    return eW, eb


@dataclass
class Bound:
    """Error bounds, shaped like the quantities they bound."""

    outputs: Matrix  # (N, n_L)
    cost: float
    W: list[Matrix]  # ∂C/∂W
    b: Matrix  # ∂C/∂b
    ambiguous: bool  # a ReLU within rounding of its kink


def _forward_bound(
    arch: reference.Architecture,
    params: reference.Parameters,
    x: list[float],
    eps: float,
    eW: list[Matrix],
    eb: Matrix,
    ex: list[float],
) -> tuple[list[list[float]], list[list[float]], list[list[float]], list[list[float]], bool]:
    z, a = feed_forward(arch, params, x)
    ez: list[list[float]] = [[]]
    ea: list[list[float]] = [list(ex)]
    ambiguous = False
    use_bias = arch.bias != "off"
    u_f = ELEMENTARY_ULPS * eps
    tiny = TINY["float32"] if eps == EPS["float32"] else TINY["float64"]
    for l in range(1, arch.L + 1):
        W, b, a_prev, ea_prev = params.W[l - 1], params.b[l - 1], a[l - 1], ea[l - 1]
        n_prev = arch.sizes[l - 1]
        ez_l = []
        for j in range(arch.sizes[l]):
            mag = abs(b[j]) if use_bias else 0.0
            prop = eb[l - 1][j] if use_bias else 0.0
            for i in range(n_prev):
                mag += abs(W[j][i] * a_prev[i])
                ew = eW[l - 1][j][i]
                prop += abs(W[j][i]) * ea_prev[i] + ew * abs(a_prev[i]) + ew * ea_prev[i]
            ez_l.append(gamma(n_prev + 1, eps) * mag + prop)
        name = arch.activations[l - 1]
        kinks = ACTIVATIONS[name].kinks
        if ACTIVATIONS[name].output_only:
            m = max(z[l])
            spread = max(abs(z_k - m) for z_k in z[l])
            worst = max(ez_l)
            n = arch.sizes[l]
            ea_l = [
                min(
                    1.0,
                    a_k
                    * (
                        math.expm1(min(ez_k + worst, 700.0))
                        + gamma(n + 8, eps)
                        + u_f
                        + 2 * eps * spread
                    )
                    + tiny,
                )
                for a_k, ez_k in zip(a[l], ez_l, strict=True)
            ]
        else:
            ea_l = []
            for z_j, a_j, e in zip(z[l], a[l], ez_l, strict=True):
                if e > 0.0 and any(abs(z_j - k) <= 2.0 * e for k in kinks):
                    ambiguous = True  # either side of a kink of φ' is within rounding
                facts = ACTIVATION_FACTS[name]
                rounding = facts.ulps * eps * abs(a_j) + tiny if facts.ulps else 0.0
                e_a = _max_abs_dphi(name, z_j, 2.0 * e) * e + rounding
                # σ and tanh are bounded: no error can exceed the width of their range.
                ea_l.append(min(e_a, facts.cap))
        ez.append(ez_l)
        ea.append(ea_l)
    return z, a, ez, ea, ambiguous


Vec = list[float]


def _bce_bound(z: Vec, a: Vec, y: Vec, ez: Vec, ea: Vec, eps: float) -> float:
    """Binary cross-entropy from the logits: its slope σ(z) − y times e_z, plus the sum."""
    n = len(y)
    total, mag = 0.0, 0.0
    for z_j, y_j, e in zip(z, y, ez, strict=True):
        slope = max(abs(sigmoid(z_j - e) - y_j), abs(sigmoid(z_j + e) - y_j))
        total += slope * e
        mag += abs(max(z_j, 0.0)) + abs(y_j * z_j) + math.log1p(math.exp(-abs(z_j)))
    return total + gamma(n + 8, eps) * mag


def _cce_bound(z: Vec, a: Vec, y: Vec, ez: Vec, ea: Vec, eps: float) -> float:
    """Categorical cross-entropy from the logits: log-sum-exp and the weighted sum."""
    n = len(y)
    worst = max(ez)
    m = max(z)
    lse = m + math.log(sum(math.exp(z_k - m) for z_k in z))
    spread = max(abs(z_k - m) for z_k in z)
    total, mag = 0.0, 0.0
    for z_j, y_j, e in zip(z, y, ez, strict=True):
        total += y_j * (worst + e)
        mag += y_j * (abs(lse) + abs(z_j) + abs(m) + spread + 1.0)
    return total + gamma(2 * n + 10, eps) * mag


def _squares_bound(factor: float) -> Callable[[Vec, Vec, Vec, Vec, Vec, float], float]:
    """factor·Σ_j (y_j − a_j)²: the squares' propagated error and the sum's rounding."""

    def bound(z: Vec, a: Vec, y: Vec, ez: Vec, ea: Vec, eps: float) -> float:
        total, mag = 0.0, 0.0
        for a_j, y_j, e in zip(a, y, ea, strict=True):
            total += e * (2 * abs(y_j - a_j) + e)
            mag += (y_j - a_j) ** 2
        return factor * (total + gamma(len(y) + 3, eps) * mag)

    return bound


def _bce_delta_bound(act: str, z: Vec, a: Vec, y: Vec, ea: Vec, eps: float) -> Vec:
    """δ = a − y."""
    return [e + eps * abs(a_j - y_j) for a_j, y_j, e in zip(a, y, ea, strict=True)]


def _cce_delta_bound(act: str, z: Vec, a: Vec, y: Vec, ea: Vec, eps: float) -> Vec:
    """δ = a·Σ_k y_k − y."""
    n, S = len(y), sum(y)
    return [
        e * S + a_j * gamma(n, eps) * S + 3 * eps * (a_j * S + y_j)
        for a_j, y_j, e in zip(a, y, ea, strict=True)
    ]


SlopeError = Callable[[float, float, float, float], tuple[float, float]]


def _residual_slope(k: float) -> SlopeError:
    """g = k·(a − y) and its error from e_a and the subtraction's rounding."""
    return lambda a, y, ea, eps: (k * (a - y), k * ea + 2 * eps * abs(k * (a - y)))


def _clipped_slope(a: float, y: float, ea: float, eps: float) -> tuple[float, float]:
    """g = a − y clipped to [−1, 1]: clipping is 1-Lipschitz, so g's error is at most that
    of the rounded residual."""
    r = a - y
    return min(max(r, -1.0), 1.0), ea + 2 * eps * (abs(r) + ea)


def _huber_bound(z: Vec, a: Vec, y: Vec, ez: Vec, ea: Vec, eps: float) -> float:
    """Σ_j huber(a_j − y_j): slope at most min(|r| + e, 1) times e, and each term's few
    roundings (the residual's propagates with a slope ≤ 1: below 2ε·ℓ_j) and the sum's."""
    total, mag = 0.0, 0.0
    for a_j, y_j, e in zip(a, y, ea, strict=True):
        r = abs(a_j - y_j)
        total += e * min(r + e, 1.0)
        mag += 0.5 * r * r if r <= 1.0 else r - 0.5
    return total + gamma(len(y) + 6, eps) * mag


def _chain_delta_bound(slope: SlopeError) -> Callable[[str, Vec, Vec, Vec, Vec, float], Vec]:
    """δ through φ' or softmax's Jacobian from g = ∂ℓ/∂a with the error ``slope`` gives."""

    def bound(act: str, z: Vec, a: Vec, y: Vec, ea: Vec, eps: float) -> Vec:
        n = len(y)
        slopes = [slope(a_j, y_j, e, eps) for a_j, y_j, e in zip(a, y, ea, strict=True)]
        g, eg = [v for v, _ in slopes], [e for _, e in slopes]
        if ACTIVATIONS[act].output_only:
            s = sum(g_k * a_k for g_k, a_k in zip(g, a, strict=True))
            es = sum(
                abs(g_k) * e_a + a_k * e_g + e_a * e_g
                for g_k, a_k, e_a, e_g in zip(g, a, ea, eg, strict=True)
            ) + gamma(n, eps) * sum(abs(g_k * a_k) for g_k, a_k in zip(g, a, strict=True))
            return [
                e_a * (abs(g_j - s) + e_g + es)
                + a_j * (e_g + es)
                + 3 * eps * a_j * (abs(g_j) + abs(s))
                for a_j, g_j, e_a, e_g in zip(a, g, ea, eg, strict=True)
            ]
        out = []
        for a_j, g_j, e_a, e_g in zip(a, g, ea, eg, strict=True):
            d, ed = _dphi_error(act, a_j, e_a, eps)
            out.append(abs(d) * e_g + abs(g_j) * ed + ed * e_g + eps * abs(d * g_j))
        return out

    return bound


@dataclass(frozen=True)
class LossFacts:
    """Bounds on the error of ℓ (z, a, y, e_z, e_a, ε) and of δ[L] (φ_L, z, a, y, e_a, ε)."""

    loss_bound: Callable[[Vec, Vec, Vec, Vec, Vec, float], float]
    delta_bound: Callable[[str, Vec, Vec, Vec, Vec, float], Vec]


LOSS_FACTS = {
    "half_squared_error": LossFacts(_squares_bound(0.5), _chain_delta_bound(_residual_slope(1))),
    "sum_of_squares": LossFacts(_squares_bound(1.0), _chain_delta_bound(_residual_slope(2))),
    "binary_cross_entropy": LossFacts(_bce_bound, _bce_delta_bound),
    "categorical_cross_entropy": LossFacts(_cce_bound, _cce_delta_bound),
    "huber": LossFacts(_huber_bound, _chain_delta_bound(_clipped_slope)),
}


def error_bound(
    arch: reference.Architecture,
    params: reference.Parameters,
    X: Matrix,
    Y: Matrix,
    dtype: str = "float64",
    eW: list[Matrix] | None = None,
    eb: Matrix | None = None,
) -> Bound:
    """Bounds on |computed − exact| of outputs, cost and gradients in precision ``dtype``.

    ``eW`` and ``eb`` are errors already present in the parameters (after earlier steps);
    for float32 the rounding of parameters and inputs to float32 is added here.
    """
    eps = EPS[dtype]
    u_in = eps / 2 if dtype == "float32" else 0.0
    eW, eb = _initial_errors(params, dtype, eW, eb)
    N, L = len(X), arch.L
    err_W = [[[0.0] * arch.sizes[l - 1] for _ in range(arch.sizes[l])] for l in range(1, L + 1)]
    err_b = [[0.0] * arch.sizes[l] for l in range(1, L + 1)]
    mag_W = [[[0.0] * arch.sizes[l - 1] for _ in range(arch.sizes[l])] for l in range(1, L + 1)]
    mag_b = [[0.0] * arch.sizes[l] for l in range(1, L + 1)]
    outputs: Matrix = []
    e_cost, cost_mag = 0.0, 0.0
    ambiguous = False
    for x, y in zip(X, Y, strict=True):
        ex = [u_in * abs(v) for v in x]
        z, a, ez, ea, amb = _forward_bound(arch, params, x, eps, eW, eb, ex)
        ambiguous = ambiguous or amb
        outputs.append(ea[L])
        facts = LOSS_FACTS[arch.loss]
        e_cost += facts.loss_bound(z[L], a[L], y, ez[L], ea[L], eps)
        cost_mag += abs(sample_loss(arch.loss, z[L], a[L], y))
        delta = backward_pass(arch, params, z, a, y)
        ed: list[list[float]] = [[] for _ in range(L + 1)]
        ed[L] = facts.delta_bound(arch.activations[-1], z[L], a[L], y, ea[L], eps)
        for l in range(L - 1, 0, -1):
            W_next = params.W[l]
            name = arch.activations[l - 1]
            ed_l = []
            for i in range(arch.sizes[l]):
                t, mag, prop = 0.0, 0.0, 0.0
                for j in range(arch.sizes[l + 1]):
                    w, d_j, e_d, e_w = W_next[j][i], delta[l + 1][j], ed[l + 1][j], eW[l][j][i]
                    t += w * d_j
                    mag += abs(w * d_j)
                    prop += abs(w) * e_d + e_w * abs(d_j) + e_w * e_d
                et = gamma(arch.sizes[l + 1], eps) * mag + prop
                d, e_dphi = _dphi_error(name, a[l][i], ea[l][i], eps)
                ed_l.append(abs(d) * et + abs(t) * e_dphi + et * e_dphi + eps * abs(d * t))
            ed[l] = ed_l
        for l in range(1, L + 1):
            for j in range(arch.sizes[l]):
                d_j, e_d = delta[l][j], ed[l][j]
                for i in range(arch.sizes[l - 1]):
                    a_i, e_a = a[l - 1][i], ea[l - 1][i]
                    err_W[l - 1][j][i] += abs(d_j) * e_a + abs(a_i) * e_d + e_a * e_d
                    mag_W[l - 1][j][i] += abs(d_j * a_i)
                err_b[l - 1][j] += e_d
                mag_b[l - 1][j] += abs(d_j)
    # Sums over the batch (N terms, plus the 1/N of the mean, in either order).
    batch_factor = 1.0 / N if arch.reduction == "mean" else 1.0
    gN = gamma(N + 3, eps)
    bW = [
        [
            [batch_factor * (g + gN * m) for g, m in zip(gr, mr, strict=True)]
            for gr, mr in zip(g_l, m_l, strict=True)
        ]
        for g_l, m_l in zip(err_W, mag_W, strict=True)
    ]
    bb = [
        [
            batch_factor * (g + gN * m) if arch.bias != "off" else 0.0
            for g, m in zip(g_l, m_l, strict=True)
        ]
        for g_l, m_l in zip(err_b, mag_b, strict=True)
    ]
    cost = batch_factor * (e_cost + gN * cost_mag)
    if arch.l2:
        bW, cost = _l2_bound(arch, params, eW, bW, cost, batch_factor, mag_W, cost_mag, dtype)
    return Bound(_sure(outputs), _sure(cost), _sure(bW), _sure(bb), ambiguous)


def _l2_bound(
    arch: reference.Architecture,
    params: reference.Parameters,
    eW: list[Matrix],
    bW: list[Matrix],
    cost: float,
    batch_factor: float,
    mag_W: list[Matrix],
    cost_mag: float,
    dtype: str,
) -> tuple[list[Matrix], float]:
    """The bounds of ∂C/∂W and C with the L2 term: λ·W (a product, λ perhaps computed from
    a published convention in a few more roundings, and λ itself rounded to float32) added
    to each gradient, and (λ/2)·ΣW², a sum of every weight's square, added to the cost."""
    eps = EPS[dtype]
    u_in = eps / 2 if dtype == "float32" else 0.0
    lam, extra = arch.l2, u_in + 4 * eps  # λ's own rounding, the conversion, the product

    def entry(b: float, e: float, w: float, m: float) -> float:
        decay = lam * abs(w)
        return b + lam * e + extra * decay + eps * (batch_factor * m + b + decay + lam * e)

    new_bW = [
        [
            [entry(b, e, w, m) for b, e, w, m in zip(br, er, wr, mr, strict=True)]
            for br, er, wr, mr in zip(b_l, e_l, W_l, m_l, strict=True)
        ]
        for b_l, e_l, W_l, m_l in zip(bW, eW, params.W, mag_W, strict=True)
    ]
    count = sum(len(W_l) * len(W_l[0]) for W_l in params.W)
    squares = sum(w * w for W_l in params.W for row in W_l for w in row)
    moved = sum(
        2 * abs(w) * e + e * e
        for W_l, e_l in zip(params.W, eW, strict=True)
        for row, er in zip(W_l, e_l, strict=True)
        for w, e in zip(row, er, strict=True)
    )
    term = 0.5 * lam * squares
    e_term = (gamma(count + 4, eps) + extra) * term + 0.5 * lam * moved
    return new_bW, cost + e_term + eps * (batch_factor * cost_mag + cost + term + e_term)


def step_bound(
    arch: reference.Architecture,
    params: reference.Parameters,
    grads: reference.Gradients,
    bound: Bound,
    learning_rate: float,
    dtype: str,
    eW: list[Matrix] | None = None,
    eb: Matrix | None = None,
) -> tuple[list[Matrix], Matrix]:
    """Bounds on the parameters after θ ← θ − η ∂C/∂θ, given the bounds before the step."""
    eps = EPS[dtype]
    eW, eb = _initial_errors(params, dtype, eW, eb)

    def after(e: float, v: float, g: float, eg: float) -> float:
        return e + learning_rate * eg + 3 * eps * (abs(learning_rate * g) + abs(v))

    new_eW = [
        [
            [after(e, w, g, eg) for e, w, g, eg in zip(er, wr, gr, egr, strict=True)]
            for er, wr, gr, egr in zip(e_l, W_l, g_l, eg_l, strict=True)
        ]
        for e_l, W_l, g_l, eg_l in zip(eW, params.W, grads.W, bound.W, strict=True)
    ]
    if arch.bias == "on":
        new_eb = [
            [after(e, v, g, eg) for e, v, g, eg in zip(e_l, b_l, g_l, eg_l, strict=True)]
            for e_l, b_l, g_l, eg_l in zip(eb, params.b, grads.b, bound.b, strict=True)
        ]
    else:
        new_eb = [list(e_l) for e_l in eb]
    return _sure(new_eW), _sure(new_eb)


def one_step_bound(
    arch: reference.Architecture,
    params: reference.Parameters,
    X: Matrix,
    Y: Matrix,
    learning_rate: float,
    dtype: str = "float64",
) -> tuple[list[Matrix], Matrix]:
    """Bounds on the parameters after one SGD step from ``params`` on the batch (X, Y)."""
    bound = error_bound(arch, params, X, Y, dtype)
    grads = reference.backward(arch, params, X, Y)
    return step_bound(arch, params, grads, bound, learning_rate, dtype)
