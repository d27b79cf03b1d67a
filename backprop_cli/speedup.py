"""``python -m vectorized speedup``: the loop-vs-vectorized speedup over a sweep of network
sizes and batch sizes, as a table and a log-log plot, with the machine it ran on."""

from __future__ import annotations

import csv
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

import reference
from backprop_cli.plot import _pyplot
from backprop_cli.progress import Progress
from backprop_data.examples import random_data
from vectorized.arrays import to_arrays
from vectorized.workspace import Workspace


@dataclass
class Point:
    """One network and batch size: the median seconds of one SGD step in each implementation."""

    sizes: tuple[int, ...]
    batch: int
    parameters: int
    reference_s: float
    vectorized_s: float

    @property
    def speedup(self) -> float:
        """Reference time over vectorized time."""
        return self.reference_s / self.vectorized_s


def machine() -> dict[str, str]:
    """CPU count, processor, NumPy version and the BLAS NumPy was built with."""
    info = {
        "cpus": str(os.cpu_count()),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    try:
        config: Any = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except (TypeError, KeyError):  # NumPy before 1.25 prints only
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


def measure(sizes: tuple[int, ...], batch: int, budget: float) -> Point:
    """Time one SGD step of an (n_0, …, n_L) tanh/softmax network in both implementations."""
    arch = reference.Architecture(
        sizes, ("tanh",) * (len(sizes) - 2) + ("softmax",), "categorical_cross_entropy"
    )
    params = reference.init_parameters(arch, seed=0)
    X, Y = random_data(arch, batch, seed=1)
    ref = median_time(lambda: reference.sgd_step(arch, params, X, Y, 1e-3), budget)
    p = to_arrays(params)
    Xa, Ya = np.array(X), np.array(Y)
    ws = Workspace(arch, batch)
    vec = median_time(lambda: ws.step(p, Xa, Ya, 1e-3), budget)
    count = sum(sizes[l] * sizes[l - 1] + sizes[l] for l in range(1, len(sizes)))
    return Point(sizes, batch, count, ref, vec)


def sweep(
    widths: list[int], batches: list[int], budget: float = 0.3, progress: bool = True
) -> list[Point]:
    """Networks w-w-10 for every width w and every batch size."""
    grid = [((w, w, 10), n) for w in widths for n in batches]
    bar = Progress(len(grid), "speedup", after=0.0 if progress else float("inf"))
    points = []
    for k, (sizes, n) in enumerate(grid, start=1):
        points.append(measure(sizes, n, budget))
        bar.update(k, f"{'-'.join(map(str, sizes))} N={n}")
    bar.close()
    return points


def table(points: list[Point], info: dict[str, str]) -> str:
    """Markdown: the machine, then one row per point."""
    lines = [
        "machine: " + ", ".join(f"{k} {v}" for k, v in info.items()),
        "",
        "| network | batch | parameters | reference step | vectorized step | speedup |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in points:
        lines.append(
            f"| {'-'.join(map(str, p.sizes))} | {p.batch} | {p.parameters} | "
            f"{p.reference_s * 1e3:.3g} ms | {p.vectorized_s * 1e6:.3g} us | {p.speedup:.0f}x |"
        )
    return "\n".join(lines)


def write(points: list[Point], info: dict[str, str], out: Path) -> list[Path]:
    """speedup.md and speedup.csv in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    md = out / "speedup.md"
    md.write_text(table(points, info) + "\n", encoding="utf-8")
    path = out / "speedup.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["network", "batch", "parameters", "reference_s", "vectorized_s", "speedup"])
        for p in points:
            w.writerow(
                [
                    "-".join(map(str, p.sizes)),
                    p.batch,
                    p.parameters,
                    p.reference_s,
                    p.vectorized_s,
                    p.speedup,
                ]
            )
    return [md, path]


def plot(points: list[Point], info: dict[str, str], path: Path) -> Path:
    """Log-log: speedup against parameter count (a line per batch size) and against batch
    size (a line per network)."""
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=100)
    for n in sorted({p.batch for p in points}):
        row = sorted((p for p in points if p.batch == n), key=lambda p: p.parameters)
        left.plot([p.parameters for p in row], [p.speedup for p in row], "o-", label=f"batch {n}")
    for sizes in sorted({p.sizes for p in points}):
        row = sorted((p for p in points if p.sizes == sizes), key=lambda p: p.batch)
        right.plot(
            [p.batch for p in row], [p.speedup for p in row], "o-", label="-".join(map(str, sizes))
        )
    for ax, xlabel in ((left, "parameters"), (right, "batch size")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("speedup (reference / vectorized)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(
        f"one SGD step; {info['cpus']} CPUs, NumPy {info['numpy']}, {info['blas']}", fontsize=9
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
