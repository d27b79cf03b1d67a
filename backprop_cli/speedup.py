"""``python -m vectorized speedup``: how the cost of one SGD step grows with the network and
the batch, for the loops and for the vectorized step, with each step's ratio to its floor
and to the fewest-calls step, as a table, a CSV file and a log-log plot, with the machine."""

from __future__ import annotations

import csv
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_info

import reference
import vectorized
from backprop_cli.baselines import fast_step, floor_step
from backprop_cli.fewest_calls import FewestCallsStep
from backprop_cli.performance import seconds
from backprop_cli.plot import _pyplot
from backprop_cli.progress import OFF, Progress
from backprop_data.examples import random_data
from backprop_data.files import atomic_file, write_text
from backprop_verify.comparison import assert_close
from backprop_verify.rounding import one_step_bound
from vectorized.threads import blas_limited, blas_threads
from vectorized.workspace import Workspace, quiet

NETWORKS = ((2, 2, 2), (64, 16, 10), (64, 256, 10), (784, 40, 10), (784, 512, 10))
BATCHES = (1, 8, 64, 512)
LEARNING_RATE = 1e-3
# The samples on which every implementation is checked against the reference before it is
# timed (the maths is per sample; two show that the batch sums are right too).
CHECKED_SAMPLES = 2


def architecture(sizes: tuple[int, ...]) -> reference.Architecture:
    """The sweep's networks: sigmoid, half squared error, mean, biases on (the kind the
    fewest-calls step is written for)."""
    return reference.Architecture(sizes, ("sigmoid", "sigmoid"), "half_squared_error")


@dataclass
class Point:
    """One network and batch size: median seconds of one step in each way."""

    sizes: tuple[int, ...]
    batch: int
    threads: int
    fast_loop_s: float
    reference_s: float
    vectorized_s: float
    floor_s: float
    fewest_calls_s: float
    loop_samples: int  # the loops ran on this many samples, scaled to the batch

    @property
    def work(self) -> int:
        """Multiply-adds per sample: forward, weight gradient and hidden error."""
        s = self.sizes
        return 3 * sum(s[l] * s[l - 1] for l in range(1, len(s)))

    @property
    def speedup_over_fast_loop(self) -> float:
        """The fastest loop's time over the vectorized step's."""
        return self.fast_loop_s / self.vectorized_s

    @property
    def speedup_over_reference(self) -> float:
        """The reference's time (as called) over the vectorized step's."""
        return self.reference_s / self.vectorized_s

    @property
    def over_floor(self) -> float:
        """The vectorized step over its matrix products alone."""
        return self.vectorized_s / self.floor_s

    @property
    def over_fewest_calls(self) -> float:
        """The vectorized step over the fewest NumPy calls we found for it."""
        return self.vectorized_s / self.fewest_calls_s


def machine() -> dict[str, str]:
    """CPU count, processor, NumPy, its BLAS and the BLAS's default thread count."""
    info = {
        "cpus": str(os.cpu_count()),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
    if pools:
        pool = pools[0]
        info["blas"] = f"{pool.get('internal_api', '?')} {pool.get('version', '')}".strip()
        info["blas threads"] = str(pool.get("num_threads", "?"))
    else:  # pragma: no cover - NumPy always links a BLAS
        info["blas"] = "unknown"
    return info


def median_time(fn: Callable[[], object], budget: float) -> float:
    """Median seconds of ``fn`` over as many runs as fit in ``budget`` (at least 3)."""
    times: list[float] = []
    end = time.perf_counter() + budget
    while len(times) < 3 or (time.perf_counter() < end and len(times) < 1000):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def _checked(
    arch: reference.Architecture, p: reference.Parameters, X: Any, Y: Any
) -> FewestCallsStep:
    """Every way of doing the step, checked against the reference on the first samples
    within the one-step rounding bound; returns the fewest-calls step, ready to run on X, Y."""
    n = min(CHECKED_SAMPLES, len(X))
    Xs, Ys = X[:n], Y[:n]
    want = reference.sgd_step(arch, p, Xs, Ys, LEARNING_RATE)
    eW, eb = one_step_bound(arch, p, Xs, Ys, LEARNING_RATE)
    ws_params = vectorized.to_arrays(p)
    Workspace(arch, n).step(ws_params, np.array(Xs), np.array(Ys), LEARNING_RATE)
    p_arrays, X_arrays, Y_arrays = vectorized.to_arrays(p), np.array(Xs), np.array(Ys)
    probe = FewestCallsStep(arch, p_arrays, X_arrays, Y_arrays, LEARNING_RATE)
    probe.step()()
    W, b = probe.parameters()
    for name, got in (
        ("fast loop", fast_step(arch, p, Xs, Ys, LEARNING_RATE)),
        ("vectorized", vectorized.to_lists(ws_params)),
        ("fewest-calls step", reference.Parameters(W, b)),
    ):
        assert_close(f"{name} W", got.W, want.W, eW, "float64")
        assert_close(f"{name} b", got.b, want.b, eb, "float64")
    return FewestCallsStep(arch, vectorized.to_arrays(p), np.array(X), np.array(Y), LEARNING_RATE)


def _loop_time(
    step: Callable[[list[Any], list[Any]], object], X: Any, Y: Any, budget: float
) -> tuple[float, int]:
    """Seconds of a loop's step on the whole batch: timed on as many samples as fit in the
    budget and scaled to the batch (a pure-Python loop's time is linear in the samples)."""
    one = median_time(lambda: step(X[:1], Y[:1]), budget / 10)
    n = max(1, min(len(X), int(budget / 3 / one)))
    t = median_time(lambda: step(X[:n], Y[:n]), budget) if n > 1 else one
    return t * len(X) / n, n


def measure(sizes: tuple[int, ...], batch: int, budget: float) -> Point:
    """Time one step of each way on one network and batch size."""
    arch = architecture(sizes)
    p = reference.init_parameters(arch, seed=0)
    X, Y = random_data(arch, batch, seed=1)
    fewest = _checked(arch, p, X, Y)
    fast, n = _loop_time(lambda x, y: fast_step(arch, p, x, y, LEARNING_RATE), X, Y, budget)
    ref, _ = _loop_time(lambda x, y: reference.sgd_step(arch, p, x, y, LEARNING_RATE), X, Y, budget)
    pv, Xa, Ya = vectorized.to_arrays(p), np.array(X), np.array(Y)
    ws = Workspace(arch, batch)
    threads = blas_threads(arch, batch)
    with blas_limited(threads), quiet():  # as the trainer runs its steps
        vec = median_time(lambda: ws.step(pv, Xa, Ya, LEARNING_RATE, guard=False), budget)
        flo = median_time(floor_step(arch, pv.W, Xa), budget)
        fewest_s = median_time(fewest.step(), budget)
    return Point(tuple(sizes), batch, threads, fast, ref, vec, flo, fewest_s, n)


def sweep(
    networks: Sequence[tuple[int, ...]],
    batches: Sequence[int],
    budget: float = 0.3,
    progress: bool = True,
) -> list[Point]:
    """Every network at every batch size."""
    grid = [(sizes, n) for sizes in networks for n in batches]
    bar = Progress(len(grid), "speedup", after=0.0, given=None if progress else OFF)
    points = []
    for k, (sizes, n) in enumerate(grid, start=1):
        points.append(measure(sizes, n, budget))
        bar.update(k, f"{'-'.join(map(str, sizes))} N={n}")
    bar.close()
    return points


def table(points: list[Point], info: dict[str, str]) -> str:
    """Markdown: the machine, then one row per point."""
    scaled = [p for p in points if p.loop_samples < p.batch]
    lines = [
        "machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "| network | N | work/sample | threads | fast loop | reference | vectorized | floor | "
        "fewest-calls step | vs fast loop | vs reference | step/floor | step/fewest |",
        "| --- " + "| ---: " * 12 + "|",
    ]
    for p in points:
        star = "*" if p.loop_samples < p.batch else ""
        lines.append(
            f"| {'-'.join(map(str, p.sizes))} | {p.batch} | {p.work} | {p.threads} | "
            f"{seconds(p.fast_loop_s)}{star} | {seconds(p.reference_s)}{star} | "
            f"{seconds(p.vectorized_s)} | "
            f"{seconds(p.floor_s)} | {seconds(p.fewest_calls_s)} | "
            f"{p.speedup_over_fast_loop:.3g}x | "
            f"{p.speedup_over_reference:.3g}x | {p.over_floor:.2f}x | {p.over_fewest_calls:.2f}x |"
        )
    if scaled:
        lines += [
            "",
            "\\* the loops were timed on fewer samples than the batch and scaled to it "
            "(a pure-Python loop's time grows linearly with the samples).",
        ]
    return "\n".join(lines)


FIELDS = (
    "network",
    "batch",
    "work_per_sample",
    "threads",
    "fast_loop_s",
    "reference_s",
    "vectorized_s",
    "floor_s",
    "fewest_calls_s",
    "loop_samples",
    "speedup_over_fast_loop",
    "speedup_over_reference",
    "over_floor",
    "over_fewest_calls",
)


def write(points: list[Point], info: dict[str, str], out: Path) -> list[Path]:
    """speedup.md and speedup.csv in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    md = out / "speedup.md"
    write_text(md, table(points, info) + "\n")
    path = out / "speedup.csv"
    with atomic_file(path, text=True) as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        for p in points:
            w.writerow(
                [
                    "-".join(map(str, p.sizes)),
                    p.batch,
                    p.work,
                    p.threads,
                    p.fast_loop_s,
                    p.reference_s,
                    p.vectorized_s,
                    p.floor_s,
                    p.fewest_calls_s,
                    p.loop_samples,
                    p.speedup_over_fast_loop,
                    p.speedup_over_reference,
                    p.over_floor,
                    p.over_fewest_calls,
                ]
            )
    return [md, path]


def plot(points: list[Point], info: dict[str, str], path: Path) -> Path:
    """Log-log: seconds per sample against multiply-adds per sample, for the fast loop and
    the reference (one line each) and the vectorized step and its floor (a line per N)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    smallest = min(p.batch for p in points)
    loops = sorted((p for p in points if p.batch == smallest), key=lambda p: p.work)
    for label, attr, style in (
        ("reference (as called)", "reference_s", "s-"),
        ("fastest loop", "fast_loop_s", "D-"),
    ):
        ax.plot(
            [p.work for p in loops], [getattr(p, attr) / p.batch for p in loops], style, label=label
        )
    for n in sorted({p.batch for p in points}):
        row = sorted((p for p in points if p.batch == n), key=lambda p: p.work)
        work = [p.work for p in row]
        (line,) = ax.plot(work, [p.vectorized_s / n for p in row], "o-", label=f"vectorized, N={n}")
        ax.plot(
            work, [p.floor_s / n for p in row], ":", color=line.get_color(), label=f"floor, N={n}"
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("multiply-adds per sample (forward, ∂C/∂W, hidden error)")
    ax.set_ylabel("seconds per sample, one SGD step")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    threads = info.get("blas threads", "?")
    ax.set_title(
        f"{info['cpus']} CPUs, NumPy {info['numpy']}, {info['blas']} ({threads} threads by "
        "default; the step's own choice in the table)",
        fontsize=8,
    )
    fig.tight_layout()
    with atomic_file(path) as f:
        fig.savefig(f, format="png")
    plt.close(fig)
    return path
