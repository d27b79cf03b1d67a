"""Plots with matplotlib, an optional extra: ``pip install -e ".[plot]"``."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from backprop_cli.options import writable_file
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
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9, wrap=True)
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out
