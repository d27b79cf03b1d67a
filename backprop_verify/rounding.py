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
twice the bound, which is what ``assert_close`` allows (plus ``floor``, the size of a
gradual-underflow rounding, see ``FLOORS``).  A ReLU whose z lies within the bound of its
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
from dataclasses import dataclass

import reference
from reference.activations import sigmoid
from reference.losses import loss as sample_loss
from reference.network import backward_pass, forward_pass

EPS = {"float64": 2.0**-52, "float32": 2.0**-23}
# An absolute allowance for gradual underflow: a result below the smallest normal number
# is rounded to a multiple of the smallest subnormal (2**-1074, 2**-149), far below these.
FLOORS = {"float64": 2.0**-1000, "float32": 2.0**-100}
ELEMENTARY_ULPS = 4.0

Matrix = list[list[float]]


def gamma(n: int, eps: float) -> float:
    """γ(n) = nε/(1 − nε): the relative error bound of an n-term floating-point sum."""
    return n * eps / (1.0 - n * eps)


def _max_abs_dphi(name: str, z: float, e: float) -> float:
    """max |φ'(ζ)| for ζ in [z − e, z + e] (σ' and tanh' peak at 0 and fall away from it)."""
    if name == "relu":  # 0 on a ReLU that stays off over the whole interval
        return 0.0 if z + e <= 0.0 else 1.0
    if name == "identity":
        return 1.0
    near = 0.0 if abs(z) <= e else abs(z) - e
    if name == "sigmoid":  # σ'(t) = e^{-|t|} / (1 + e^{-|t|})², no cancellation for large |t|
        e_t = math.exp(-near)
        return e_t / (1.0 + e_t) ** 2
    e_2t = math.exp(-2.0 * near)  # tanh'(t) = 4e^{-2|t|} / (1 + e^{-2|t|})²
    return 4.0 * e_2t / (1.0 + e_2t) ** 2


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
    z, a = forward_pass(arch, params, x)
    ez: list[list[float]] = [[]]
    ea: list[list[float]] = [list(ex)]
    ambiguous = False
    use_bias = arch.bias != "off"
    u_f = ELEMENTARY_ULPS * eps
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
        if name == "softmax":
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
                    ),
                )
                for a_k, ez_k in zip(a[l], ez_l, strict=True)
            ]
        else:
            ea_l = []
            for z_j, a_j, e in zip(z[l], a[l], ez_l, strict=True):
                if name == "relu" and e > 0.0 and abs(z_j) <= 2.0 * e:
                    ambiguous = True
                rounding = (u_f + 3 * eps) * abs(a_j) if name in ("sigmoid", "tanh") else 0.0
                e_a = _max_abs_dphi(name, z_j, 2.0 * e) * e + rounding
                # σ and tanh are bounded: no error can exceed the width of their range.
                cap = {"sigmoid": 1.0, "tanh": 2.0}.get(name, math.inf)
                ea_l.append(min(e_a, cap))
        ez.append(ez_l)
        ea.append(ea_l)
    return z, a, ez, ea, ambiguous


def _loss_bound(
    arch: reference.Architecture,
    z: list[float],
    a: list[float],
    y: list[float],
    ez: list[float],
    ea: list[float],
    eps: float,
) -> float:
    n = len(y)
    if arch.loss == "binary_cross_entropy":
        total, mag = 0.0, 0.0
        for z_j, y_j, e in zip(z, y, ez, strict=True):
            slope = max(abs(sigmoid(z_j - e) - y_j), abs(sigmoid(z_j + e) - y_j))
            total += slope * e
            mag += abs(max(z_j, 0.0)) + abs(y_j * z_j) + math.log1p(math.exp(-abs(z_j)))
        return total + gamma(n + 8, eps) * mag
    if arch.loss == "categorical_cross_entropy":
        worst = max(ez)
        m = max(z)
        lse = m + math.log(sum(math.exp(z_k - m) for z_k in z))
        spread = max(abs(z_k - m) for z_k in z)
        total, mag = 0.0, 0.0
        for z_j, y_j, e in zip(z, y, ez, strict=True):
            total += y_j * (worst + e)
            mag += y_j * (abs(lse) + abs(z_j) + abs(m) + spread + 1.0)
        return total + gamma(2 * n + 10, eps) * mag
    total, mag = 0.0, 0.0
    for a_j, y_j, e in zip(a, y, ea, strict=True):
        total += e * (2 * abs(y_j - a_j) + e)
        mag += (y_j - a_j) ** 2
    factor = 0.5 if arch.loss == "half_squared_error" else 1.0
    return factor * (total + gamma(n + 3, eps) * mag)


def _dphi_error(name: str, a: float, ea: float, eps: float) -> tuple[float, float]:
    """φ'(z) as computed from a (σ: a(1−a), tanh: 1−a²): its value's size and its error."""
    if name == "sigmoid":
        d = a * (1.0 - a)
        return d, ea * (abs(1.0 - 2.0 * a) + ea) + 3 * eps * (abs(a) + abs(d))
    if name == "tanh":
        d = 1.0 - a * a
        return d, ea * (2.0 * abs(a) + ea) + 3 * eps
    if name == "relu":
        return (1.0 if a > 0.0 else 0.0), 0.0
    return 1.0, 0.0


def _output_delta_bound(
    arch: reference.Architecture,
    a: list[float],
    y: list[float],
    ea: list[float],
    eps: float,
    z: list[float],
) -> list[float]:
    name, act = arch.loss, arch.activations[-1]
    n = len(y)
    if name == "binary_cross_entropy":
        return [e + eps * abs(a_j - y_j) for a_j, y_j, e in zip(a, y, ea, strict=True)]
    if name == "categorical_cross_entropy":
        S = sum(y)
        return [
            e * S + a_j * gamma(n, eps) * S + 3 * eps * (a_j * S + y_j)
            for a_j, y_j, e in zip(a, y, ea, strict=True)
        ]
    k = 1.0 if name == "half_squared_error" else 2.0
    g = [k * (a_j - y_j) for a_j, y_j in zip(a, y, strict=True)]
    eg = [k * e + 2 * eps * abs(g_j) for g_j, e in zip(g, ea, strict=True)]
    if act == "softmax":
        s = sum(g_k * a_k for g_k, a_k in zip(g, a, strict=True))
        es = sum(
            abs(g_k) * e_a + a_k * e_g + e_a * e_g
            for g_k, a_k, e_a, e_g in zip(g, a, ea, eg, strict=True)
        ) + gamma(n, eps) * sum(abs(g_k * a_k) for g_k, a_k in zip(g, a, strict=True))
        return [
            e_a * (abs(g_j - s) + e_g + es) + a_j * (e_g + es) + 3 * eps * a_j * (abs(g_j) + abs(s))
            for a_j, g_j, e_a, e_g in zip(a, g, ea, eg, strict=True)
        ]
    out = []
    for a_j, g_j, e_a, e_g, z_j in zip(a, g, ea, eg, z, strict=True):
        d, ed = _dphi_error(act, a_j, e_a, eps)
        if act == "relu":
            d = 1.0 if z_j > 0.0 else 0.0
        out.append(abs(d) * e_g + abs(g_j) * ed + ed * e_g + eps * abs(d * g_j))
    return out


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
    gW = [[[0.0] * arch.sizes[l - 1] for _ in range(arch.sizes[l])] for l in range(1, L + 1)]
    gb = [[0.0] * arch.sizes[l] for l in range(1, L + 1)]
    mW = [[[0.0] * arch.sizes[l - 1] for _ in range(arch.sizes[l])] for l in range(1, L + 1)]
    mb = [[0.0] * arch.sizes[l] for l in range(1, L + 1)]
    outputs: Matrix = []
    e_cost, cost_mag = 0.0, 0.0
    ambiguous = False
    for x, y in zip(X, Y, strict=True):
        ex = [u_in * abs(v) for v in x]
        z, a, ez, ea, amb = _forward_bound(arch, params, x, eps, eW, eb, ex)
        ambiguous = ambiguous or amb
        outputs.append(ea[L])
        e_cost += _loss_bound(arch, z[L], a[L], y, ez[L], ea[L], eps)
        cost_mag += abs(sample_loss(arch.loss, z[L], a[L], y))
        delta = backward_pass(arch, params, z, a, y)
        ed: list[list[float]] = [[] for _ in range(L + 1)]
        ed[L] = _output_delta_bound(arch, a[L], y, ea[L], eps, z[L])
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
                if name == "relu":
                    d = 1.0 if z[l][i] > 0.0 else 0.0
                ed_l.append(abs(d) * et + abs(t) * e_dphi + et * e_dphi + eps * abs(d * t))
            ed[l] = ed_l
        for l in range(1, L + 1):
            for j in range(arch.sizes[l]):
                d_j, e_d = delta[l][j], ed[l][j]
                for i in range(arch.sizes[l - 1]):
                    a_i, e_a = a[l - 1][i], ea[l - 1][i]
                    gW[l - 1][j][i] += abs(d_j) * e_a + abs(a_i) * e_d + e_a * e_d
                    mW[l - 1][j][i] += abs(d_j * a_i)
                gb[l - 1][j] += e_d
                mb[l - 1][j] += abs(d_j)
    # Sums over the batch (N terms, plus the 1/N of the mean, in either order).
    scale = 1.0 / N if arch.reduction == "mean" else 1.0
    gN = gamma(N + 3, eps)
    bW = [
        [
            [scale * (g + gN * m) for g, m in zip(gr, mr, strict=True)]
            for gr, mr in zip(g_l, m_l, strict=True)
        ]
        for g_l, m_l in zip(gW, mW, strict=True)
    ]
    bb = [
        [scale * (g + gN * m) if arch.bias != "off" else 0.0 for g, m in zip(g_l, m_l, strict=True)]
        for g_l, m_l in zip(gb, mb, strict=True)
    ]
    return Bound(outputs, scale * (e_cost + gN * cost_mag), bW, bb, ambiguous)


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
    eta = learning_rate

    def after(e: float, v: float, g: float, eg: float) -> float:
        return e + eta * eg + 3 * eps * (abs(eta * g) + abs(v))

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
    return new_eW, new_eb


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
