"""Plots with matplotlib, an optional extra: ``pip install -e ".[plot]"``."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backprop_cli.paths import writable_file
from backprop_cli.picture import RADIUS, Picture
from backprop_data.files import atomic_file
from reference.contract import ContractError

PLOT_SUFFIXES = (".png", ".svg", ".pdf")
NEEDS_EXTRA = "--plot needs matplotlib, the 'plot' extra: pip install -e \".[plot]\""


def require_matplotlib(what: str = "--plot") -> None:
    """Before any work: matplotlib is installed, or one line says which extra brings it."""
    if importlib.util.find_spec("matplotlib") is None:
        raise ContractError(NEEDS_EXTRA.replace("--plot", what))


def check_plot_path(path: str) -> Path:
    """Before any work: a writable .png/.svg/.pdf path, and matplotlib installed."""
    target = writable_file("--plot", path, PLOT_SUFFIXES)
    require_matplotlib()
    return target


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ContractError(NEEDS_EXTRA) from None
    return plt


def plot_curves(
    path: str | Path,
    title: str,
    curves: dict[str, Sequence[float]],
    xlabel: str,
    ylabel: str,
    log: bool = True,
    start: int = 0,
) -> Path:
    """One figure with one line (with markers when short) per named curve."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    for label, ys in curves.items():
        xs = range(start, start + len(ys))
        ax.plot(xs, ys, "o-" if len(ys) <= 30 else "-", label=label)
    if log:
        ax.set_yscale("log")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps and epochs are whole
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9, wrap=True)
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    out = Path(path)
    try:
        with atomic_file(out) as f:
            fig.savefig(f, format=out.suffix.lstrip(".").lower())
    finally:
        plt.close(fig)
    return out


def step_png(path: str | Path, pic: Picture) -> Any:
    """The pictured step's elements drawn with matplotlib (the figure, after saving it)."""
    plt = _pyplot()
    from matplotlib.patches import Circle

    fig = plt.figure(figsize=(pic.width / 100, pic.height / 100), dpi=100)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, pic.width)
    ax.set_ylim(pic.height, 0)  # SVG's y axis points down
    ax.axis("off")
    pt = 0.72  # points per pixel at 100 dots per inch
    ax.text(10, 20, pic.title, fontsize=13 * pt, ha="left", va="baseline")
    for x0, y0, x1, y1 in pic.edges:
        ax.plot([x0, x1], [y0, y1], color="#888888", linewidth=0.8)
    for cx, cy in pic.nodes:
        ax.add_patch(Circle((cx, cy), RADIUS, facecolor="#eeeeff", edgecolor="#333355"))
    for t in pic.labels:
        ax.text(t.x, t.y, t.text, fontsize=t.size * pt, ha="center", va="baseline", gid=t.name)
    try:
        with atomic_file(path) as f:
            fig.savefig(f, format="png")
    finally:
        plt.close(fig)
    return fig
